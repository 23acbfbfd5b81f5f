// @vitest-environment node
/** API key management: shown once, stored hashed, listed, revoked, expiring, audited. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import { hashApiKey } from "./lib/apiKeys";
import { MAX_ACTIVE_KEYS } from "./apiKeys";
import { apiUser, call } from "./api/test.helpers";
import { code, setup, signedInUser, type TestConvex } from "./test.setup";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Every document of every table the app and its components write, as one string. */
async function everything(t: TestConvex): Promise<string> {
  return await t.run(async (ctx) => {
    const tables = [
      "users",
      "apiKeys",
      "apiIdempotency",
      "rateLimits",
      "auditLog",
      "contacts",
      "messages",
      "senders",
      "authSessions",
    ] as const;
    const docs: unknown[] = [];
    for (const table of tables) docs.push(await ctx.db.query(table).collect());
    docs.push(await ctx.db.system.query("_scheduled_functions").collect());
    return JSON.stringify(docs);
  });
}

describe("creating a key", () => {
  it("returns the full key once, recognisable and random; stores only its hash and prefix", async () => {
    const t = setup();
    const user = await signedInUser(t);
    const { key, apiKey } = await user.as.mutation(api.apiKeys.create, { name: "  Shop   website " });
    expect(key).toMatch(/^uik_live_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: "Shop website", prefix: key.slice(0, 13), active: true, lastUsedAt: null });
    const other = await user.as.mutation(api.apiKeys.create, { name: "Zapier" });
    expect(other.key).not.toBe(key);
    expect(other.key.slice(9)).not.toBe(key.slice(9));

    const doc = await t.run(async (ctx) => await ctx.db.get("apiKeys", apiKey.id));
    expect(doc).toMatchObject({ hash: hashApiKey(key), prefix: key.slice(0, 13) });
    expect(doc!.hash).toMatch(/^[0-9a-f]{64}$/);

    // Nowhere in the database: not the key, not its random part.
    const dump = await everything(t);
    for (const k of [key, other.key]) {
      expect(dump).not.toContain(k);
      expect(dump).not.toContain(k.slice(13));
    }
    // And listing never shows more than the prefix.
    const listed = JSON.stringify(await user.as.query(api.apiKeys.list, {}));
    expect(listed).not.toContain(key.slice(13));
    expect(listed).not.toContain(doc!.hash);
  });

  it("validates the name and expiry, and caps active keys", async () => {
    const t = setup();
    const user = await signedInUser(t);
    await expect(user.as.mutation(api.apiKeys.create, { name: " " })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
    await expect(user.as.mutation(api.apiKeys.create, { name: "x".repeat(101) })).rejects.toMatchObject(
      code("INVALID_ARGUMENT"),
    );
    await expect(
      user.as.mutation(api.apiKeys.create, { name: "Old", expiresAt: Date.now() - 1 }),
    ).rejects.toMatchObject(code("INVALID_ARGUMENT"));
    const keys = [];
    for (let i = 0; i < MAX_ACTIVE_KEYS; i++) keys.push(await user.as.mutation(api.apiKeys.create, { name: `k${i}` }));
    await expect(user.as.mutation(api.apiKeys.create, { name: "one more" })).rejects.toMatchObject(
      code("LIMIT_EXCEEDED"),
    );
    await user.as.mutation(api.apiKeys.revoke, { keyId: keys[0].apiKey.id });
    await expect(user.as.mutation(api.apiKeys.create, { name: "one more" })).resolves.toBeTruthy();
  });

  it("needs a signed-in user: there is no API route for keys, so a key cannot mint keys", async () => {
    const t = setup();
    const owner = await apiUser(t);
    await expect(t.mutation(api.apiKeys.create, { name: "x" })).rejects.toMatchObject(code("UNAUTHENTICATED"));
    for (const path of ["/api-keys", "/apiKeys", "/keys"]) {
      const res = await call(t, "POST", path, { key: owner.key, body: { name: "minted" } });
      expect(res.status).toBe(404);
    }
    expect(await owner.as.query(api.apiKeys.list, {})).toHaveLength(1);
  });

  it("keeps at most 100 keys per user, forgetting the oldest inactive one", async () => {
    const t = setup();
    const user = await signedInUser(t);
    const first = await user.as.mutation(api.apiKeys.create, { name: "first" });
    for (let i = 1; i < 100; i++) {
      const { apiKey } = await user.as.mutation(api.apiKeys.create, { name: `k${i}` });
      await user.as.mutation(api.apiKeys.revoke, { keyId: apiKey.id });
    }
    await user.as.mutation(api.apiKeys.create, { name: "newest" });
    const listed = await user.as.query(api.apiKeys.list, {});
    expect(listed).toHaveLength(100);
    expect(listed[0].name).toBe("newest");
    expect(listed.map((k) => k.name)).toContain("first"); // active keys are never forgotten
    expect(listed.map((k) => k.name)).not.toContain("k1");
    expect(listed.find((k) => k.id === first.apiKey.id)?.active).toBe(true);
  });
});

describe("using, listing and revoking", () => {
  it("lists name, prefix, created, coarse last use and active state; revoking works on the next request", async () => {
    const t = setup();
    const owner = await apiUser(t);
    vi.setSystemTime(new Date("2026-05-01T10:00:00Z"));
    expect((await call(t, "GET", "/contacts", { key: owner.key })).status).toBe(200);
    const used = (await owner.as.query(api.apiKeys.list, {}))[0];
    expect(used).toMatchObject({ name: "Shop", prefix: owner.prefix, active: true, revokedAt: null, expiresAt: null });
    expect(used.lastUsedAt).toBe(Date.parse("2026-05-01T10:00:00Z"));
    expect(typeof used.createdAt).toBe("number");

    // More requests within the minute do not write the key again.
    const writesBefore = await t.run(async (ctx) => (await ctx.db.get("apiKeys", owner.keyId))!);
    vi.setSystemTime(new Date("2026-05-01T10:00:40Z"));
    for (let i = 0; i < 5; i++) expect((await call(t, "GET", "/contacts", { key: owner.key })).status).toBe(200);
    expect(await t.run(async (ctx) => (await ctx.db.get("apiKeys", owner.keyId))!)).toEqual(writesBefore);
    vi.setSystemTime(new Date("2026-05-01T10:01:05Z"));
    expect((await call(t, "GET", "/contacts", { key: owner.key })).status).toBe(200);
    expect((await owner.as.query(api.apiKeys.list, {}))[0].lastUsedAt).toBe(Date.parse("2026-05-01T10:01:05Z"));

    await owner.as.mutation(api.apiKeys.revoke, { keyId: owner.keyId });
    const refused = await call(t, "GET", "/contacts", { key: owner.key });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("INVALID_API_KEY");
    expect((await owner.as.query(api.apiKeys.list, {}))[0]).toMatchObject({ active: false, revokedAt: Date.now() });
    // Revoking again is harmless.
    await owner.as.mutation(api.apiKeys.revoke, { keyId: owner.keyId });
  });

  it("stops working at its expiry", async () => {
    const t = setup();
    const user = await signedInUser(t);
    const { key } = await user.as.mutation(api.apiKeys.create, { name: "Temp", expiresAt: Date.now() + 60_000 });
    expect((await call(t, "GET", "/groups", { key })).status).toBe(200);
    vi.advanceTimersByTime(60_000);
    expect((await call(t, "GET", "/groups", { key })).status).toBe(401);
    await t.finishInProgressScheduledFunctions();
    expect((await user.as.query(api.apiKeys.list, {}))[0].active).toBe(false);
  });

  it("lists keys without reading the clock: the expiry job, not the query, turns a key inactive", async () => {
    // Convex caches a query's result until the documents it read change, so a result computed
    // from Date.now() would keep saying "active" after the expiry.
    const t = setup();
    const user = await signedInUser(t);
    await user.as.mutation(api.apiKeys.create, { name: "Temp", expiresAt: Date.now() + 60_000 });
    const before = await user.as.query(api.apiKeys.list, {});
    expect(before[0]).toMatchObject({ active: true, expiresAt: Date.now() + 60_000 });
    const created = Date.now();
    vi.setSystemTime(created + 120_000); // the clock moves, nothing in the database does
    expect(await user.as.query(api.apiKeys.list, {})).toEqual(before);
    vi.setSystemTime(created);
    vi.advanceTimersByTime(60_000); // the expiry job's time comes
    await t.finishInProgressScheduledFunctions();
    expect((await user.as.query(api.apiKeys.list, {}))[0]).toMatchObject({ active: false, expiresAt: before[0].expiresAt });
  });

  it("records creation and revocation in the audit log, with the key's prefix", async () => {
    const t = setup();
    const owner = await apiUser(t);
    await owner.as.mutation(api.apiKeys.revoke, { keyId: owner.keyId });
    const entries = await t.run(async (ctx) => await ctx.db.query("auditLog").collect());
    const mine = entries.filter((e) => e.action.startsWith("apiKey."));
    expect(mine.map((e) => e.action)).toEqual(["apiKey.create", "apiKey.revoke"]);
    for (const e of mine) {
      expect(e).toMatchObject({
        actor: { kind: "user", id: owner.userId },
        target: { table: "apiKeys", id: owner.keyId },
        details: { prefix: owner.prefix, name: "Shop" },
      });
    }
  });

  it("another user can neither list nor revoke the key", async () => {
    const t = setup();
    const owner = await apiUser(t);
    const other = await signedInUser(t, "other@example.com");
    expect(await other.as.query(api.apiKeys.list, {})).toEqual([]);
    await expect(other.as.mutation(api.apiKeys.revoke, { keyId: owner.keyId })).rejects.toMatchObject(code("NOT_FOUND"));
    expect((await call(t, "GET", "/contacts", { key: owner.key })).status).toBe(200);
  });
});
