import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, convexConnectSources, securityHeaders } from "./security-headers.mjs";

function directive(csp: string, name: string): string[] {
  const found = csp.split("; ").find((d) => d.startsWith(`${name} `));
  return found ? found.split(" ").slice(1) : [];
}

describe("convexConnectSources", () => {
  it("allows the deployment's http and WebSocket origins", () => {
    expect(convexConnectSources("http://127.0.0.1:3210")).toEqual(["http://127.0.0.1:3210", "ws://127.0.0.1:3210"]);
    expect(convexConnectSources("https://happy-otter-123.convex.cloud/")).toEqual([
      "https://happy-otter-123.convex.cloud",
      "wss://happy-otter-123.convex.cloud",
    ]);
  });
  it("allows nothing for a missing or odd URL", () => {
    expect(convexConnectSources(undefined)).toEqual([]);
    expect(convexConnectSources("not a url")).toEqual([]);
    expect(convexConnectSources("javascript:alert(1)")).toEqual([]);
  });
});

describe("contentSecurityPolicy", () => {
  const local = {
    convexUrl: "http://127.0.0.1:3210",
    convexSiteUrl: "http://127.0.0.1:3211",
    siteUrl: "http://localhost:3000",
  };

  it("lets the app talk to Convex and nothing else", () => {
    const csp = contentSecurityPolicy({ ...local, dev: false });
    expect(directive(csp, "connect-src")).toEqual([
      "'self'",
      "http://127.0.0.1:3210",
      "ws://127.0.0.1:3210",
      "http://127.0.0.1:3211",
      "http://localhost:3000",
    ]);
    expect(directive(csp, "frame-ancestors")).toEqual(["'none'"]);
    expect(directive(csp, "object-src")).toEqual(["'none'"]);
  });

  it("shows message images from https hosts, never scripts or frames from them", () => {
    const csp = contentSecurityPolicy({ ...local, dev: false });
    expect(directive(csp, "img-src")).toEqual(["'self'", "data:", "blob:", "https:"]);
    expect(directive(csp, "script-src")).not.toContain("https:");
    expect(directive(csp, "default-src")).toEqual(["'self'"]);
  });

  it("allows the service worker and the web app manifest from this origin only", () => {
    const csp = contentSecurityPolicy({ ...local, dev: false });
    expect(directive(csp, "worker-src")).toEqual(["'self'"]);
    expect(directive(csp, "manifest-src")).toEqual(["'self'"]);
  });

  it("allows eval in development only", () => {
    expect(directive(contentSecurityPolicy({ ...local, dev: true }), "script-src")).toContain("'unsafe-eval'");
    expect(directive(contentSecurityPolicy({ ...local, dev: false }), "script-src")).not.toContain("'unsafe-eval'");
  });

  it("upgrades insecure requests only for an https site in production", () => {
    expect(contentSecurityPolicy({ ...local, dev: false })).not.toContain("upgrade-insecure-requests");
    const cloud = { convexUrl: "https://x.convex.cloud", siteUrl: "https://app.example.com" };
    expect(contentSecurityPolicy({ ...cloud, dev: false })).toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy({ ...cloud, dev: true })).not.toContain("upgrade-insecure-requests");
  });
});

describe("securityHeaders", () => {
  it("sets the headers every page needs", () => {
    const headers = Object.fromEntries(securityHeaders({ dev: false }).map((h) => [h.key, h.value]));
    expect(headers["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["X-Content-Type-Options"]).toBe("nosniff");
    expect(headers["Permissions-Policy"]).toMatch(/camera=\(\)/);
    expect(headers["Content-Security-Policy"]).toMatch(/connect-src 'self';/);
  });
});
