// @vitest-environment node
/**
 * The REST API and the site under hostile input: path spellings that must not reach another
 * route, methods nobody serves, lenient parsing, and cursors that must stay opaque and bound to
 * their account and list.
 */
import { ROUTABLE_HTTP_METHODS } from "convex/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import http from "../http";
import { setup } from "../test.setup";
import { apiUser, call, expectError } from "./test.helpers";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-05-01T12:00:00Z"));
  vi.stubEnv("API_RATE_LIMIT_PER_MINUTE", "100000");
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

async function twoAccounts() {
  const t = setup();
  const owner = await apiUser(t);
  const other = await apiUser(t, "other@example.com");
  const as = (who: { key: string }) => (method: string, path: string, body?: unknown) => call(t, method, path, { key: who.key, body });
  return { t, owner, other, req: as(owner), otherReq: as(other) };
}

describe("path safety", () => {
  it("never lets a dot segment, an empty segment or an encoded slash reach another route", async () => {
    const { req } = await twoAccounts();
    const contact = (await req("POST", "/contacts", { name: "Ann", phone: "+14155550123" })).body;
    const group = (await req("POST", "/groups", { name: "VIP" })).body;
    await req("POST", `/groups/${group.id}/members`, { contactIds: [contact.id] });

    // `/groups/{id}/members/%2e%2e` resolves to `/groups/{id}/`: that is not `/groups/{id}`.
    for (const path of [
      `/groups/${group.id}/members/%2e%2e`,
      `/groups/${group.id}/members/%2E%2e`,
      `/groups/${group.id}/members/..`,
      `/groups/${group.id}/`,
      `/groups//${group.id}`,
      `/groups/${group.id}/members/.`,
    ]) {
      const res = await req("DELETE", path);
      expect(res.status, path).toBe(404);
      expectError(res, 404, "NOT_FOUND");
    }
    // An id that decodes to a slash, a backslash, a dot segment or a control character is no id.
    for (const id of ["a%2Fb", "%2F", "%5C", "%2e", "%2E%2E", "%00", "x%0Ay"]) {
      expectError(await req("DELETE", `/groups/${group.id}/members/${id}`), 404, "NOT_FOUND");
      expectError(await req("GET", `/contacts/${id}`), 404, "NOT_FOUND");
    }
    expect((await req("GET", `/groups/${group.id}`)).body).toMatchObject({ id: group.id, memberCount: 1 });
    expect((await req("GET", `/contacts/${contact.id}`)).status).toBe(200);
  });
});

describe("unsupported methods", () => {
  it("answers every method a site path does not serve with 405, Allow and the error shape; unknown paths with 404", async () => {
    const { t } = await twoAccounts();
    // Every registered path: the webhooks, Convex Auth's routes, the API's prefix.
    const served = new Map<string, Set<string>>();
    for (const [path, method, handler] of http.getRoutes()) {
      void handler;
      if (path === "/*") continue; // the 404 catch-all itself
      served.set(path, new Set([...(served.get(path) ?? []), method]));
    }
    expect([...served.keys()]).toEqual(expect.arrayContaining(["/webhooks/twilio/inbound", "/webhooks/twilio/status", "/webhooks/resend"]));
    for (const path of ["/webhooks/twilio/inbound", "/webhooks/twilio/status", "/webhooks/resend", "/.well-known/jwks.json"]) {
      for (const method of ROUTABLE_HTTP_METHODS) {
        if (method === "POST" && path.startsWith("/webhooks/")) continue;
        if (method === "GET" && path.startsWith("/.well-known/")) continue;
        const res = await t.fetch(path, { method });
        const allow = path.startsWith("/webhooks/") ? "POST" : "GET";
        if (method === "OPTIONS") {
          expect(res.status, `${method} ${path}`).toBe(204);
        } else {
          expect(res.status, `${method} ${path}`).toBe(405);
          expect(await res.json()).toEqual({
            error: { code: "METHOD_NOT_ALLOWED", message: `${path} allows ${allow}.`, details: { allowed: [allow] } },
          });
        }
        expect(res.headers.get("allow")).toBe(allow);
      }
    }
    for (const method of ROUTABLE_HTTP_METHODS) {
      const res = await t.fetch("/no/such/thing", { method });
      expect(res.status, method).toBe(404);
      expect((await res.json()).error.code).toBe("NOT_FOUND");
    }
  });
});

describe("strict parsing", () => {
  it("refuses __proto__ and other unknown query parameters, non-decimal limits and empty media URLs with 400", async () => {
    const { req } = await twoAccounts();
    for (const query of ["__proto__=1", "constructor=1", "limit=0x10", "limit=1e1", "limit=%2016", "limit=+5", "limit=", "limit=016a", "limit=%FF"]) {
      expectError(await req("GET", `/contacts?${query}`), 400, "INVALID_ARGUMENT");
      expectError(await req("GET", `/groups?${query}`), 400, "INVALID_ARGUMENT");
    }
    expect((await req("GET", "/contacts?limit=16")).status).toBe(200);
    const contact = (await req("POST", "/contacts", { name: "Ann", phone: "+14155550123" })).body;
    for (const mediaUrls of [[""], ["https://example.com/a.png", ""], ["  "]]) {
      const res = await req("POST", "/messages", { contactId: contact.id, channel: "sms", content: "Hi", mediaUrls });
      expectError(res, 400, "INVALID_ARGUMENT");
      expect(res.body.error.details.issues[0]).toMatchObject({ in: "body", path: expect.stringMatching(/^mediaUrls\.\d$/) });
    }
  });

  it("refuses bodies that are not UTF-8 with 400 instead of storing replacement characters", async () => {
    const { t, owner, req } = await twoAccounts();
    const bytes = new Uint8Array([...new TextEncoder().encode('{"name":"Ren'), 0xe9, ...new TextEncoder().encode('e","phone":"+14155550123"}')]);
    const res = await t.fetch("/api/v1/contacts", {
      method: "POST",
      headers: { Authorization: `Bearer ${owner.key}`, "Content-Type": "application/json" },
      body: bytes,
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: "INVALID_ARGUMENT", details: { issues: [{ in: "body", message: "The body is not valid UTF-8." }] } });
    expect((await req("GET", "/contacts")).body.data).toEqual([]);
  });
});

describe("cursors", () => {
  it("are opaque and bound to the account and the list: another account's, another list's or a tampered one is a 400", async () => {
    const { t, owner, req, otherReq } = await twoAccounts();
    for (let i = 0; i < 3; i++) {
      await req("POST", "/contacts", { name: `Ann ${i}`, phone: `+1415555012${i}` });
      await req("POST", "/groups", { name: `Group ${i}` });
      await otherReq("POST", "/contacts", { name: `Bo ${i}`, phone: `+1415555013${i}` });
    }
    const first = (await req("GET", "/contacts?limit=2")).body;
    const cursor: string = first.nextCursor;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(owner.userId);
    expect(() => JSON.parse(cursor)).toThrow();
    expect(() => JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")))).toThrow();

    const second = await req("GET", `/contacts?limit=2&cursor=${cursor}`);
    expect(second.status).toBe(200);
    expect(second.body.data.map((c: { name: string }) => c.name)).toEqual(["Ann 2"]);

    expectError(await otherReq("GET", `/contacts?limit=2&cursor=${cursor}`), 400, "INVALID_ARGUMENT");
    expectError(await req("GET", `/groups?limit=2&cursor=${cursor}`), 400, "INVALID_ARGUMENT");
    expectError(await req("GET", `/contacts?limit=2&search=ann&cursor=${cursor}`), 400, "INVALID_ARGUMENT");
    const flipped = cursor.slice(0, 20) + (cursor[20] === "A" ? "B" : "A") + cursor.slice(21);
    expectError(await req("GET", `/contacts?limit=2&cursor=${flipped}`), 400, "INVALID_ARGUMENT");
    // A plain Convex cursor (what the API used to hand out) is not accepted either.
    const plain = await t.run(async (ctx) => (await ctx.db.query("contacts").paginate({ numItems: 1, cursor: null })).continueCursor);
    expectError(await req("GET", `/contacts?cursor=${encodeURIComponent(plain)}`), 400, "INVALID_ARGUMENT");
  });
});
