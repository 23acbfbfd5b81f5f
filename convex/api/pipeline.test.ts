// @vitest-environment node
/** The request pipeline: routing, authentication, rate limits (fake timers), body size, error shape. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "../_generated/api";
import { setup, signedInUser } from "../test.setup";
import { MAX_BODY_BYTES } from "./schemas";
import { apiUser, call, type ApiResponse } from "./test.helpers";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-05-01T12:00:00Z"));
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

function expectError(res: ApiResponse, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(res.body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Object) } });
}

describe("authentication", () => {
  it("refuses a missing, malformed, unknown, revoked or expired key with 401", async () => {
    const t = setup();
    const owner = await apiUser(t);
    const expiring = await owner.as.mutation(api.apiKeys.create, { name: "Temp", expiresAt: Date.now() + 1000 });
    const revoked = await owner.as.mutation(api.apiKeys.create, { name: "Old" });
    await owner.as.mutation(api.apiKeys.revoke, { keyId: revoked.apiKey.id });
    vi.advanceTimersByTime(1000);

    const unknown = owner.key.slice(0, -4) + (owner.key.endsWith("AAAA") ? "BBBB" : "AAAA");
    const attempts: Array<Record<string, string>> = [
      {},
      { Authorization: "" },
      { Authorization: owner.key }, // no scheme
      { Authorization: `Basic ${owner.key}` },
      { Authorization: "Bearer " },
      { Authorization: "Bearer not-a-key" },
      { Authorization: `Bearer ${owner.key}x` },
      { Authorization: `Bearer ${unknown}` },
      { Authorization: `Bearer ${revoked.key}` },
      { Authorization: `Bearer ${expiring.key}` },
    ];
    for (const headers of attempts) {
      const res = await call(t, "GET", "/contacts", { headers, ip: `10.0.0.${attempts.indexOf(headers)}` });
      expectError(res, 401, "INVALID_API_KEY");
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
    // The scheme is case-insensitive.
    expect((await call(t, "GET", "/contacts", { headers: { Authorization: `bearer ${owner.key}` } })).status).toBe(200);
  });

  it("authenticates before validating, so strangers learn nothing about the input rules", async () => {
    const t = setup();
    const res = await call(t, "POST", "/contacts", { rawBody: "{not json" });
    expectError(res, 401, "INVALID_API_KEY");
  });

  it("serves the OpenAPI document without a key", async () => {
    const t = setup();
    const res = await call(t, "GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
  });
});

describe("rate limits", () => {
  it("allows a burst of 100 per key, then 429 with Retry-After, and refills over the minute", async () => {
    const t = setup();
    const owner = await apiUser(t);
    const other = await owner.as.mutation(api.apiKeys.create, { name: "Other" });
    for (let i = 0; i < 100; i++) {
      expect((await call(t, "GET", "/groups", { key: owner.key })).status).toBe(200);
    }
    const limited = await call(t, "GET", "/groups", { key: owner.key });
    expectError(limited, 429, "RATE_LIMITED");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(1); // one token refills in 0.6 s
    expect(limited.body.error.details.retryAfterSeconds).toBe(retryAfter);
    // Limits are per key: the user's other key is not affected.
    expect((await call(t, "GET", "/groups", { key: other.key })).status).toBe(200);
    // Waiting Retry-After gives one more request; a minute gives the whole burst back.
    vi.advanceTimersByTime(retryAfter * 1000);
    expect((await call(t, "GET", "/groups", { key: owner.key })).status).toBe(200);
    expect((await call(t, "GET", "/groups", { key: owner.key })).status).toBe(429);
    vi.advanceTimersByTime(60_000);
    for (let i = 0; i < 100; i++) {
      expect((await call(t, "GET", "/groups", { key: owner.key })).status).toBe(200);
    }
    expect((await call(t, "GET", "/groups", { key: owner.key })).status).toBe(429);
  });

  it("sustains the configured rate, and the limits are configurable", async () => {
    vi.stubEnv("API_RATE_LIMIT_PER_MINUTE", "6");
    vi.stubEnv("API_RATE_LIMIT_BURST", "2");
    const t = setup();
    const owner = await apiUser(t);
    expect((await call(t, "GET", "/groups", { key: owner.key })).status).toBe(200);
    expect((await call(t, "GET", "/groups", { key: owner.key })).status).toBe(200);
    const limited = await call(t, "GET", "/groups", { key: owner.key });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("10");
    // 6 per minute = one every 10 s, indefinitely.
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(10_000);
      expect((await call(t, "GET", "/groups", { key: owner.key })).status).toBe(200);
      expect((await call(t, "GET", "/groups", { key: owner.key })).status).toBe(429);
    }
  });

  it("limits failed authentication per IP more strictly, without locking out valid keys", async () => {
    const t = setup();
    const owner = await apiUser(t);
    const bad = "uik_live_" + "A".repeat(43);
    for (let i = 0; i < 10; i++) {
      expect((await call(t, "GET", "/contacts", { key: bad, ip: "203.0.113.7" })).status).toBe(401);
    }
    const limited = await call(t, "GET", "/contacts", { key: bad, ip: "203.0.113.7" });
    expectError(limited, 429, "RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Missing keys count too; the first X-Forwarded-For address is the client.
    expect((await call(t, "GET", "/contacts", { headers: { "X-Forwarded-For": "203.0.113.7, 10.0.0.1" } })).status).toBe(
      429,
    );
    // Another address is unaffected, and so is a valid key from the same address.
    expect((await call(t, "GET", "/contacts", { key: bad, ip: "198.51.100.1" })).status).toBe(401);
    expect((await call(t, "GET", "/contacts", { key: owner.key, ip: "203.0.113.7" })).status).toBe(200);
    // X-Real-IP when there is no X-Forwarded-For.
    for (let i = 0; i < 10; i++) {
      await call(t, "GET", "/contacts", { key: bad, headers: { "X-Real-IP": "192.0.2.50" } });
    }
    expect((await call(t, "GET", "/contacts", { key: bad, headers: { "X-Real-IP": "192.0.2.50" } })).status).toBe(429);
    vi.advanceTimersByTime(60_000);
    expect((await call(t, "GET", "/contacts", { key: bad, ip: "203.0.113.7" })).status).toBe(401);
  });

  it("keeps the rate limiter's state in convex-helpers' rateLimits table", async () => {
    const t = setup();
    const owner = await apiUser(t);
    await call(t, "GET", "/groups", { key: owner.key });
    await call(t, "GET", "/groups", { key: "wrong", ip: "192.0.2.1" });
    const rows = await t.run(async (ctx) => await ctx.db.query("rateLimits").collect());
    expect(rows.map((r) => [r.name, r.key]).sort()).toEqual([
      ["apiAuthFailure", "192.0.2.1"],
      ["apiKey", owner.keyId],
    ]);
  });
});

describe("routing and bodies", () => {
  it("answers unknown paths with 404 and wrong methods with 405, in the error shape", async () => {
    const t = setup();
    const owner = await apiUser(t);
    expectError(await call(t, "GET", "/nothing-here", { key: owner.key }), 404, "NOT_FOUND");
    expectError(await call(t, "GET", "/contacts/a/b/c", { key: owner.key }), 404, "NOT_FOUND");
    const wrong = await call(t, "PUT", "/contacts", { key: owner.key, body: {} });
    expectError(wrong, 405, "METHOD_NOT_ALLOWED");
    expect(wrong.headers.get("allow")).toBe("GET, POST");
    const options = await call(t, "OPTIONS", "/contacts/x");
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, PATCH, DELETE");
  });

  it("refuses bodies over 64 KB with 413 before parsing", async () => {
    const t = setup();
    const owner = await apiUser(t);
    const big = JSON.stringify({ name: "x".repeat(MAX_BODY_BYTES) });
    const res = await call(t, "POST", "/contacts", { key: owner.key, rawBody: big });
    expectError(res, 413, "PAYLOAD_TOO_LARGE");
    // Not valid JSON either: it was never parsed.
    expectError(await call(t, "POST", "/contacts", { key: owner.key, rawBody: "[".repeat(MAX_BODY_BYTES + 1) }), 413, "PAYLOAD_TOO_LARGE");
    // Just under the limit is read (and then judged on its content).
    const fits = JSON.stringify({ name: "Ann", phone: "+14155550123", metadata: { note: "x".repeat(900) } });
    expect((await call(t, "POST", "/contacts", { key: owner.key, rawBody: fits })).status).toBe(201);
    expect((await call(t, "GET", "/contacts", { key: owner.key })).body.data).toHaveLength(1);
  });

  it("reports every validation problem with where it is", async () => {
    const t = setup();
    const owner = await apiUser(t);
    const res = await call(t, "POST", "/messages", {
      key: owner.key,
      body: { channel: "fax", content: 5, extra: true, scheduledAt: "tomorrow" },
      headers: { "Idempotency-Key": "" },
    });
    expectError(res, 400, "INVALID_ARGUMENT");
    const issues = res.body.error.details.issues as Array<{ in: string; path: string }>;
    expect(issues.map((i) => `${i.in}:${i.path}`).sort()).toEqual(
      ["body:channel", "body:content", "body:extra", "body:scheduledAt", "header:Idempotency-Key"].sort(),
    );
    expectError(await call(t, "POST", "/contacts", { key: owner.key, rawBody: "{oops" }), 400, "INVALID_ARGUMENT");
    expectError(await call(t, "POST", "/contacts", { key: owner.key }), 400, "INVALID_ARGUMENT");
    const deep = await call(t, "POST", "/contacts", { key: owner.key, rawBody: "[".repeat(5000) + "]".repeat(5000) });
    expectError(deep, 400, "INVALID_ARGUMENT");
    const surrogate = await call(t, "POST", "/contacts", { key: owner.key, rawBody: '{"name":"\\ud800","phone":"+14155550123"}' });
    expectError(surrogate, 400, "INVALID_ARGUMENT");
    const repeated = await call(t, "GET", "/contacts?limit=1&limit=2", { key: owner.key });
    expectError(repeated, 400, "INVALID_ARGUMENT");
    expectError(await call(t, "GET", "/contacts/abc?x=1", { key: owner.key }), 400, "INVALID_ARGUMENT");
  });

  it("never answers a key's owner with data of a signed-in session: the API knows only keys", async () => {
    const t = setup();
    const user = await signedInUser(t);
    // A Convex Auth identity on the request is not an API key.
    const res = await user.as.fetch("/api/v1/contacts");
    expect(res.status).toBe(401);
  });
});

describe("rate-limit housekeeping", () => {
  it("forgets buckets once they have refilled, and only those", async () => {
    const t = setup();
    const owner = await apiUser(t);
    for (let i = 0; i < 25; i++) await call(t, "GET", "/contacts", { key: "wrong", ip: `192.0.2.${i % 5}` });
    await call(t, "GET", "/contacts", { key: owner.key });
    const rows = async () => (await t.run(async (ctx) => await ctx.db.query("rateLimits").collect())).map((r) => r.key).sort();
    expect(await rows()).toHaveLength(6);
    // 10 s later the key's bucket (100/min) is full again; the IPs' (10/min, 5 spent each) are not.
    vi.advanceTimersByTime(10_000);
    await t.mutation(internal.api.auth.pruneRateLimits, { cursor: null });
    expect(await rows()).toEqual(["192.0.2.0", "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]);
    vi.advanceTimersByTime(20_000);
    await t.mutation(internal.api.auth.pruneRateLimits, { cursor: null });
    expect(await rows()).toEqual([]);
    // Forgetting changed nothing: the next failure starts from a full bucket, as before.
    for (let i = 0; i < 10; i++) expect((await call(t, "GET", "/contacts", { key: "wrong", ip: "192.0.2.0" })).status).toBe(401);
    expect((await call(t, "GET", "/contacts", { key: "wrong", ip: "192.0.2.0" })).status).toBe(429);
  });
});
