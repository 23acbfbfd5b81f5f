/** `@handle` mentions in a note: letters, digits, `.`, `_` and `-`, not part of an email. */
const MENTION = /(^|[^\w@.])@([A-Za-z0-9_][\w.-]{0,63})/g;

/** The distinct mentions in `content`, lower-cased, without the `@`, in order of appearance. */
export function extractMentions(content: string): string[] {
  const seen = new Set<string>();
  for (const match of content.matchAll(MENTION)) {
    const handle = match[2].replace(/[.-]+$/, "").toLowerCase();
    if (handle) seen.add(handle);
  }
  return [...seen];
}

/** Split text into plain and mention parts, for highlighting. */
export function splitMentions(content: string): Array<{ text: string; mention: boolean }> {
  const parts: Array<{ text: string; mention: boolean }> = [];
  let last = 0;
  for (const match of content.matchAll(MENTION)) {
    const start = (match.index ?? 0) + match[1].length;
    const handle = match[2].replace(/[.-]+$/, "");
    if (start > last) parts.push({ text: content.slice(last, start), mention: false });
    parts.push({ text: "@" + handle, mention: true });
    last = start + 1 + handle.length;
  }
  if (last < content.length) parts.push({ text: content.slice(last), mention: false });
  return parts;
}
