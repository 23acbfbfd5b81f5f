// The HTTP security headers of every page, built from the deployment's URLs.
// Plain JavaScript (with JSDoc types) because next.config.mjs imports it.

/**
 * The origin of a URL, or null when it is missing or not http(s).
 * @param {string | undefined} url
 * @returns {URL | null}
 */
function httpUrl(url) {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * The origins the browser may connect to for a Convex deployment: its HTTP origin and the
 * matching WebSocket origin (the reactive client's sync socket).
 * @param {string | undefined} convexUrl
 * @returns {string[]}
 */
export function convexConnectSources(convexUrl) {
  const url = httpUrl(convexUrl);
  if (!url) return [];
  const ws = `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
  return [url.origin, ws];
}

/**
 * @param {{ convexUrl?: string; convexSiteUrl?: string; siteUrl?: string; dev: boolean }} options
 * @returns {string}
 */
export function contentSecurityPolicy({ convexUrl, convexSiteUrl, siteUrl, dev }) {
  const connect = new Set(["'self'", ...convexConnectSources(convexUrl)]);
  for (const extra of [convexSiteUrl, siteUrl]) {
    const url = httpUrl(extra);
    if (url) connect.add(url.origin);
  }
  const site = httpUrl(siteUrl);
  const directives = [
    "default-src 'self'",
    // Next.js bootstraps with inline scripts; React needs eval only in development (debug stacks).
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    // Toasts and Next.js inject style tags.
    "style-src 'self' 'unsafe-inline'",
    // Message media (MMS, WhatsApp, attachments) is shown inline from the provider's https host.
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    `connect-src ${[...connect].join(" ")}`,
    // The service worker (public/sw.js: push notifications, the offline page) and the app
    // manifest come from this origin only.
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  // Only where the site itself is served over https: locally it would "upgrade" the
  // emulator's http/ws URLs to https/wss, which it does not serve.
  if (!dev && site?.protocol === "https:") directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/**
 * @param {{ convexUrl?: string; convexSiteUrl?: string; siteUrl?: string; dev: boolean }} options
 * @returns {{ key: string; value: string }[]}
 */
export function securityHeaders(options) {
  return [
    { key: "Content-Security-Policy", value: contentSecurityPolicy(options) },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "X-Frame-Options", value: "DENY" },
    {
      key: "Permissions-Policy",
      value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
    },
  ];
}
