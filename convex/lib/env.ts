/**
 * The one place Convex code reads environment variables (set with
 * `npx convex env set`, or from .env.local on the local emulator).
 */
export const env = {
  /** Region used to read national phone numbers, e.g. "US" or "GB". */
  defaultCountry: () => process.env.DEFAULT_COUNTRY ?? "US",
  /** The deployment's public HTTP URL (Convex sets this). */
  siteUrl: () => process.env.CONVEX_SITE_URL ?? "http://127.0.0.1:3211",
  /** The web app's URL, used by Convex Auth for redirects. */
  appUrl: () => process.env.SITE_URL ?? "http://localhost:3000",
};
