/** Paths the route guard, the sign-in page and the shell agree on. */
export const SIGN_IN_PATH = "/signin";
/** Where a signed-in person lands (`/` redirects here too): the inbox. */
export const HOME_PATH = "/inbox";

/**
 * The `next` query parameter of the sign-in page, made safe to navigate to: only a path on
 * this site (no scheme, no protocol-relative `//host`, no backslash tricks), never the
 * sign-in page itself. Anything else gives HOME_PATH.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || next.length > 1000) return HOME_PATH;
  if (!next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return HOME_PATH;
  // Reject control characters (e.g. "/\t/evil.com" is read as "//evil.com" by URL parsers).
  if (/[\u0000-\u001f\u007f]/.test(next)) return HOME_PATH;
  const url = new URL(next, "http://local.invalid");
  if (url.origin !== "http://local.invalid") return HOME_PATH;
  if (url.pathname === SIGN_IN_PATH || url.pathname.startsWith(`${SIGN_IN_PATH}/`)) return HOME_PATH;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The sign-in URL that brings the visitor back to `path` afterwards. */
export function signInPathFor(path: string): string {
  const next = safeNextPath(path);
  return next === HOME_PATH || next === "/" ? SIGN_IN_PATH : `${SIGN_IN_PATH}?next=${encodeURIComponent(next)}`;
}

/** Where a broadcast's audience lives in the app: its group's page or its segment's. */
export function audienceHref(b: { groupId?: string; segmentId?: string }): string {
  return b.segmentId ? `/segments/${b.segmentId}` : `/groups/${b.groupId}`;
}
