// @vitest-environment node
/** Inbound email HTML through DOMPurify (on jsdom here, the browser's DOM in the app). */
import createDOMPurify, { type WindowLike } from "dompurify";
import { JSDOM } from "jsdom";
import { describe, expect, it } from "vitest";
import { emailDocument, sanitizeEmailHtml } from "./emailHtml";

const purify = createDOMPurify(new JSDOM("").window as unknown as WindowLike);
const parse = (html: string) => new JSDOM(`<body>${html}</body>`).window.document.body;

describe("sanitizeEmailHtml", () => {
  it("keeps the email's text and layout, drops everything that runs or posts", () => {
    const dirty = `
      <h1 onclick="steal()">Order <b>#42</b></h1>
      <script>steal()</script>
      <img src="x" onerror="steal()">
      <a href="javascript:steal()">bad link</a>
      <a href="https://shop.example/track">Track your order</a>
      <form action="https://evil.example"><input name="password"><button>Log in</button></form>
      <iframe src="https://evil.example"></iframe>
      <svg><script>steal()</script></svg>
      <table style="width:100%"><tr><td style="color:red">In stock</td></tr></table>`;
    const { html } = sanitizeEmailHtml(purify, dirty, { allowRemote: false });
    expect(html).not.toMatch(/script|onerror|onclick|javascript:|<form|<input|<button|<iframe|<svg/i);
    const body = parse(html);
    expect(body.querySelector("h1")?.textContent).toBe("Order #42");
    expect(body.querySelector("td")?.getAttribute("style")).toBe("color:red");
    const link = body.querySelector('a[href="https://shop.example/track"]');
    expect(link?.getAttribute("target")).toBe("_blank");
    expect(link?.getAttribute("rel")).toBe("noopener noreferrer nofollow");
  });

  it("blocks remote content (tracking pixels, backgrounds, CSS urls, @import) until the reader allows it", () => {
    const email = `
      <style>@import url(https://evil.example/a.css); .hero { background: url("https://cdn.example/bg.png") }</style>
      <img src="https://track.example/open.gif?u=1" width="1" height="1">
      <img srcset="https://cdn.example/a.png 2x">
      <table><tr><td background="https://cdn.example/bg.jpg">x</td></tr></table>
      <div style="background-image:url(https://cdn.example/p.png)">promo</div>
      <img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">
      <img src="cid:img001" alt="logo">`;
    const blocked = sanitizeEmailHtml(purify, email, { allowRemote: false });
    expect(blocked.html).not.toMatch(/https?:\/\/(track|cdn|evil)\.example/);
    expect(blocked.html).not.toContain("cid:");
    expect(blocked.html).toContain("data:image/png;base64,iVBORw0KGgo=");
    expect(blocked.blockedRemote).toBe(6);
    const allowed = sanitizeEmailHtml(purify, email, { allowRemote: true });
    expect(allowed.html).toContain("https://track.example/open.gif?u=1");
    expect(allowed.html).toContain("url(https://cdn.example/p.png)");
    expect(allowed.html).not.toContain("@import"); // never, even when allowed
    expect(allowed.html).not.toContain("cid:");
  });

  it("wraps the result in a document whose CSP allows no scripts and images only from data: unless allowed", () => {
    expect(emailDocument("<p>x</p>", { allowRemote: false })).toContain("default-src 'none'; style-src 'unsafe-inline'; img-src data:;");
    expect(emailDocument("<p>x</p>", { allowRemote: true })).toContain("img-src data: https: http:;");
  });
});
