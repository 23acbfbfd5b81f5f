// @vitest-environment node
/** Idempotency-Key on POST /messages and POST /broadcasts: a retry returns the first result and sends nothing twice. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeProvider } from "../../tests/fakes/fakeProvider";
import { api } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { setup, type TestConvex } from "../test.setup";
import { IDEMPOTENCY_TTL_MS } from "./idempotency";
import { apiUser, call } from "./test.helpers";

let provider: FakeProvider;
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-05-01T12:00:00Z"));
  provider = new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.useRealTimers();
});

async function world(t: TestConvex, email = "owner@example.com") {
  const owner = await apiUser(t, email);
  const send = (body: unknown, idempotencyKey?: string) =>
    call(t, "POST", "/messages", {
      key: owner.key,
      body,
      ...(idempotencyKey !== undefined ? { headers: { "Idempotency-Key": idempotencyKey } } : {}),
    });
  const { body: ann } = await call(t, "POST", "/contacts", { key: owner.key, body: { name: "Ann", phone: "+14155550123" } });
  return { ...owner, send, annId: ann.id as string };
}

const messages = (t: TestConvex) => t.run(async (ctx) => await ctx.db.query("messages").collect());
const settle = (t: TestConvex) => t.finishAllScheduledFunctions(vi.runAllTimers);

describe("POST /messages with Idempotency-Key", () => {
  it("returns the first response to a retry, and sends once", async () => {
    const t = setup();
    const { send, annId } = await world(t);
    const body = { contactId: annId, channel: "sms", content: "Your order is ready" };
    const first = await send(body, "order-1042-ready");
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();

    // The retry comes after the message went out: still the first result, nothing new.
    vi.advanceTimersByTime(0);
    await t.finishInProgressScheduledFunctions();
    const retry = await send(body, "order-1042-ready");
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    // Concurrent retries too.
    const racing = await Promise.all([send(body, "order-1042-ready"), send(body, "order-1042-ready")]);
    for (const r of racing) expect(r.body.id).toBe(first.body.id);

    await settle(t);
    expect(await messages(t)).toHaveLength(1);
    expect(provider.calls).toHaveLength(1);
    const audit = await t.run(async (ctx) => await ctx.db.query("auditLog").collect());
    expect(audit.filter((e) => e.action === "message.send")).toHaveLength(1);
  });

  it("replays a scheduled send as 202, and finds-or-creates the contact only once", async () => {
    const t = setup();
    const { send } = await world(t);
    const body = { phone: "+12125550199", name: "Bea", channel: "sms", content: "Reminder", scheduledAt: "2026-05-02T09:00:00Z" };
    const first = await send(body, "k1");
    const again = await send(body, "k1");
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.body).toEqual(first.body);
    const contacts = await t.run(async (ctx) => await ctx.db.query("contacts").collect());
    expect(contacts.map((c) => c.name).sort()).toEqual(["Ann", "Bea"]);
  });

  it("refuses the same key with another body or on another route (422), and sends nothing for it", async () => {
    const t = setup();
    const { send, annId, key } = await world(t);
    await send({ contactId: annId, channel: "sms", content: "A" }, "k1");
    const other = await send({ contactId: annId, channel: "sms", content: "B" }, "k1");
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    const { body: group } = await call(t, "POST", "/groups", { key, body: { name: "VIP" } });
    const broadcast = await call(t, "POST", "/broadcasts", {
      key,
      body: { groupId: group.id, channel: "sms", content: "A" },
      headers: { "Idempotency-Key": "k1" },
    });
    expect(broadcast.status).toBe(422);
    expect(await messages(t)).toHaveLength(1);
    expect(await t.run(async (ctx) => await ctx.db.query("broadcasts").collect())).toEqual([]);
  });

  it("keeps keys apart: different keys send twice, and another user's key of the same name is theirs", async () => {
    const t = setup();
    const a = await world(t, "a@example.com");
    const b = await world(t, "b@example.com");
    await a.send({ contactId: a.annId, channel: "sms", content: "Hi" }, "k1");
    await a.send({ contactId: a.annId, channel: "sms", content: "Hi" }, "k2");
    await a.send({ contactId: a.annId, channel: "sms", content: "Hi" });
    await a.send({ contactId: a.annId, channel: "sms", content: "Hi" });
    const theirs = await b.send({ contactId: b.annId, channel: "sms", content: "Hi" }, "k1");
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect(await messages(t)).toHaveLength(5);
  });

  it("stores nothing for a failed request: the same key works once the problem is fixed", async () => {
    const t = setup();
    const { send, annId, as } = await world(t);
    await as.mutation(api.contacts.setOptOut, { contactId: annId as Id<"contacts">, channel: "sms", optedOut: true });
    const body = { contactId: annId, channel: "sms", content: "Hi" };
    expect((await send(body, "k1")).status).toBe(422);
    await as.mutation(api.contacts.setOptOut, { contactId: annId as Id<"contacts">, channel: "sms", optedOut: false });
    expect((await send(body, "k1")).status).toBe(201);
    expect((await send(body, "k1")).headers.get("idempotent-replayed")).toBe("true");
    expect(await messages(t)).toHaveLength(1);
  });

  it("forgets a key after a day", async () => {
    const t = setup();
    const { send, annId } = await world(t);
    const body = { contactId: annId, channel: "sms", content: "Hi" };
    const first = await send(body, "k1");
    vi.advanceTimersByTime(IDEMPOTENCY_TTL_MS - 1000);
    expect((await send(body, "k1")).body.id).toBe(first.body.id);
    await settle(t); // runs the expiry job at the end of the day
    expect(await t.run(async (ctx) => await ctx.db.query("apiIdempotency").collect())).toEqual([]);
    const later = await send(body, "k1");
    expect(later.status).toBe(201);
    expect(later.body.id).not.toBe(first.body.id);
    expect(await messages(t)).toHaveLength(2);
  });

  it("validates the header", async () => {
    const t = setup();
    const { send, annId } = await world(t);
    for (const key of ["", "x".repeat(256), "has space", "ünïcode"]) {
      const res = await send({ contactId: annId, channel: "sms", content: "Hi" }, key);
      expect(res.status, key).toBe(400);
      expect(res.body.error.details.issues[0]).toMatchObject({ in: "header", path: "Idempotency-Key" });
    }
    expect(await messages(t)).toHaveLength(0);
  });
});

describe("POST /broadcasts with Idempotency-Key", () => {
  it("creates one broadcast and messages each member once", async () => {
    const t = setup();
    const { key, annId } = await world(t);
    const { body: group } = await call(t, "POST", "/groups", { key, body: { name: "VIP" } });
    await call(t, "POST", `/groups/${group.id}/members`, { key, body: { contactIds: [annId] } });
    const post = () =>
      call(t, "POST", "/broadcasts", {
        key,
        body: { groupId: group.id, channel: "sms", content: "Sale" },
        headers: { "Idempotency-Key": "sale-may" },
      });
    const first = await post();
    expect(first.status).toBe(202);
    // The retry comes while the broadcast is under way (its first fan-out batch has run).
    vi.advanceTimersByTime(0);
    await t.finishInProgressScheduledFunctions();
    const retry = await post();
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual(first.body);
    await settle(t);
    expect(await t.run(async (ctx) => await ctx.db.query("broadcasts").collect())).toHaveLength(1);
    expect(provider.calls).toHaveLength(1);
  });
});
