/**
 * Inbound email HTML made safe to show: DOMPurify removes scripts, event handlers, forms and
 * anything else that could run or post; on top of that, remote content (images, backgrounds,
 * CSS `url()`s: trackers among them) is blocked unless the reader asks for it, `cid:` inline
 * images (kept as references by the Receiving API) are dropped, and links open in a new tab
 * without a referrer. The result is shown in a sandboxed iframe with no scripts and a CSP
 * (components/inbox/email-body.tsx), so a sanitizer miss still cannot run anything.
 */
import type { DOMPurify } from "dompurify";

export type SanitizedEmail = { html: string; blockedRemote: number };

const REMOTE = /^\s*(?:https?:)?\/\//i;
const URL_ATTRIBUTES = ["src", "background", "poster", "srcset", "data", "lowsrc", "dynsrc"];
const CSS_URL = /url\(\s*(['"]?)(.*?)\1\s*\)/gi;

/** CSS with remote `url()`s emptied (unless allowed); returns the new CSS and how many it blocked. */
function blockCssUrls(css: string, allowRemote: boolean): { css: string; blocked: number } {
  let blocked = 0;
  // `@import` pulls remote stylesheets: never wanted in an email view.
  const withoutImports = css.replace(/@import[^;]*;?/gi, () => (blocked++, ""));
  const out = withoutImports.replace(CSS_URL, (whole, _quote: string, url: string) => {
    if (/^data:image\//i.test(url.trim())) return whole;
    if (REMOTE.test(url) && allowRemote) return whole;
    blocked++;
    return "none";
  });
  return { css: out, blocked };
}

export function sanitizeEmailHtml(purify: DOMPurify, html: string, options: { allowRemote: boolean }): SanitizedEmail {
  let blockedRemote = 0;
  purify.removeAllHooks();
  purify.addHook("afterSanitizeAttributes", (node) => {
    const el = node as Element;
    if (typeof el.getAttribute !== "function") return;
    for (const name of URL_ATTRIBUTES) {
      const value = el.getAttribute(name);
      if (value === null) continue;
      const trimmed = value.trim();
      if (/^cid:/i.test(trimmed)) {
        el.removeAttribute(name);
      } else if (REMOTE.test(trimmed) || name === "srcset") {
        if (!options.allowRemote) {
          el.removeAttribute(name);
          blockedRemote++;
        }
      }
    }
    const style = el.getAttribute("style");
    if (style !== null) {
      const { css, blocked } = blockCssUrls(style, options.allowRemote);
      blockedRemote += blocked;
      el.setAttribute("style", css);
    }
    if (el.tagName === "A" && el.hasAttribute("href")) {
      el.setAttribute("target", "_blank");
      el.setAttribute("rel", "noopener noreferrer nofollow");
    }
  });
  purify.addHook("uponSanitizeElement", (node, data) => {
    if (data.tagName === "style" && node.textContent) {
      const { css, blocked } = blockCssUrls(node.textContent, options.allowRemote);
      blockedRemote += blocked;
      node.textContent = css;
    }
  });
  try {
    const clean = purify.sanitize(html, {
      FORBID_TAGS: ["form", "input", "button", "textarea", "select", "option", "base", "meta", "link", "iframe", "frame", "object", "embed", "svg", "math"],
      FORBID_ATTR: ["action", "formaction", "ping"],
      ADD_ATTR: ["target"],
      ALLOW_DATA_ATTR: false,
      // Keep an email's leading <style> (the parser would move it to <head>, where it is lost).
      FORCE_BODY: true,
    });
    return { html: clean, blockedRemote };
  } finally {
    purify.removeAllHooks();
  }
}

/** The iframe document around sanitized email HTML: no scripts, and images only from where allowed. */
export function emailDocument(cleanHtml: string, options: { allowRemote: boolean }): string {
  const images = options.allowRemote ? "data: https: http:" : "data:";
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src ${images}; font-src data:`;
  return (
    `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<style>html,body{margin:0;padding:0;background:transparent}body{font:14px/1.5 system-ui,sans-serif;color:#0f172a;overflow-wrap:anywhere}img{max-width:100%;height:auto}table{max-width:100%}</style>` +
    `</head><body>${cleanHtml}</body></html>`
  );
}
