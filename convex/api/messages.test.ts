// @vitest-environment node
/** REST API /messages, /scheduled, /broadcasts and /analytics: happy paths and error codes. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeProvider } from "../../tests/fakes/fakeProvider";
import { api } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { insertContactFixture, runFor, setup, type TestConvex } from "../test.setup";
import * as s from "./schemas";
import { apiUser, call, expectError, type ApiResponse } from "./test.helpers";

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

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

async function world(t: TestConvex) {
  const owner = await apiUser(t);
  const req = (method: string, path: string, body?: unknown) => call(t, method, path, { key: owner.key, body });
  const { body: ann } = await req("POST", "/contacts", { name: "Ann", phone: "+14155550123", email: "ann@x.com" });
  return { ...owner, req, ann: ann as s.ContactJson };
}

async function runDue(t: TestConvex) {
  vi.advanceTimersByTime(0);
  await t.finishInProgressScheduledFunctions();
}

describe("POST /messages", () => {
  it("sends to a contact id now (201) through the app's send path, audited with the key's prefix", async () => {
    const t = setup();
    const { req, ann, prefix } = await world(t);
    const res = await req("POST", "/messages", { contactId: ann.id, channel: "sms", content: "Your order is ready" });
    expect(res.status).toBe(201);
    const message = s.Message.parse(res.body);
    expect(message).toMatchObject({
      contactId: ann.id,
      channel: "sms",
      direction: "outbound",
      status: "queued",
      content: "Your order is ready",
      to: "+14155550123",
      broadcastId: null,
    });
    await runDue(t);
    expect(provider.callsFor(message.id)).toHaveLength(1);
    const after = s.Message.parse((await req("GET", `/messages/${message.id}`)).body);
    expect(after.status).toBe("sent");
    expect(after.sentAt).not.toBeNull();

    const stored = await t.run(async (ctx) => await ctx.db.get("messages", message.id as Id<"messages">));
    expect(stored?.source).toEqual({ kind: "apiKey", id: prefix });
    const audit = await t.run(async (ctx) => await ctx.db.query("auditLog").collect());
    expect(audit.find((e) => e.action === "message.send")).toMatchObject({
      actor: { kind: "apiKey", id: prefix },
      target: { table: "messages", id: message.id },
    });
  });

  it("schedules with an ISO time and offset (202), sending at that time exactly", async () => {
    const t = setup();
    const { req, ann } = await world(t);
    const res = await req("POST", "/messages", {
      contactId: ann.id,
      channel: "email",
      subject: "Reminder",
      content: "See you tomorrow",
      scheduledAt: "2026-05-02T09:30:00+02:00",
    });
    expect(res.status).toBe(202);
    const message = s.Message.parse(res.body);
    expect(message).toMatchObject({ status: "scheduled", scheduledAt: "2026-05-02T07:30:00.000Z", subject: "Reminder" });
    const upcoming = s.MessageList.parse((await req("GET", "/scheduled")).body);
    expect(upcoming.data.map((m) => m.id)).toEqual([message.id]);
    const audit = await t.run(async (ctx) => await ctx.db.query("auditLog").collect());
    expect(audit.find((e) => e.action === "message.schedule")?.actor.kind).toBe("apiKey");

    vi.setSystemTime(new Date("2026-05-02T07:29:59Z"));
    await t.finishInProgressScheduledFunctions();
    expect(provider.calls).toHaveLength(0);
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(provider.callsFor(message.id)).toHaveLength(1);
    expect((await req("GET", "/scheduled")).body.data).toEqual([]);
  });

  it("finds the contact by phone or email, or creates it", async () => {
    const t = setup();
    const { req, ann, prefix } = await world(t);
    const byPhone = await req("POST", "/messages", { phone: "(415) 555-0123", channel: "sms", content: "Hi" });
    expect(byPhone.body.contactId).toBe(ann.id);
    const byEmail = await req("POST", "/messages", { email: "ANN@x.com", channel: "email", subject: "Hi", content: "Hi" });
    expect(byEmail.body.contactId).toBe(ann.id);

    const created = await req("POST", "/messages", { phone: "+1 212 555 0199", name: "Bea", channel: "sms", content: "Hi" });
    expect(created.status).toBe(201);
    const bea = s.Contact.parse((await req("GET", `/contacts/${created.body.contactId}`)).body);
    expect(bea).toMatchObject({ name: "Bea", phone: "+12125550199", email: null });
    const unnamed = await req("POST", "/messages", { email: "new@shop.example", channel: "email", subject: "S", content: "Hi" });
    expect((await req("GET", `/contacts/${unnamed.body.contactId}`)).body).toMatchObject({
      name: "new@shop.example",
      email: "new@shop.example",
    });
    const audit = await t.run(async (ctx) => await ctx.db.query("auditLog").collect());
    expect(audit.filter((e) => e.action === "contact.create" && e.actor.id === prefix)).toHaveLength(3); // Ann too

    // Phone and email together: the channel's own address decides; a new contact gets both.
    const both = await req("POST", "/messages", { phone: "+14155550177", email: "ann@x.com", channel: "email", subject: "S", content: "x" });
    expect(both.body.contactId).toBe(ann.id);
    const fresh = await req("POST", "/messages", { phone: "+14155550178", email: "cy@x.com", channel: "sms", content: "x" });
    expect((await req("GET", `/contacts/${fresh.body.contactId}`)).body).toMatchObject({ phone: "+14155550178", email: "cy@x.com" });
  });

  it("answers bad input with 400", async () => {
    const t = setup();
    const { req, ann } = await world(t);
    const base = { contactId: ann.id, channel: "sms", content: "Hi" };
    const bad: Array<[unknown, string]> = [
      [{ ...base, content: "   " }, "CONTENT_INVALID"],
      [{ ...base, content: "x".repeat(1601) }, "CONTENT_INVALID"],
      [{ ...base, channel: "email" }, "SUBJECT_REQUIRED"],
      [{ ...base, mediaUrls: ["http://x.com/a.png"] }, "MEDIA_URL_INVALID"],
      [{ ...base, scheduledAt: "2026-05-01T11:00:00Z" }, "SCHEDULE_IN_PAST"],
      [{ ...base, scheduledAt: "2028-05-01T11:00:00Z" }, "INVALID_ARGUMENT"],
      [{ ...base, scheduledAt: "2026-05-02T10:00:00" }, "INVALID_ARGUMENT"], // no offset
      [{ ...base, scheduledAt: "2026-02-30T10:00:00Z" }, "INVALID_ARGUMENT"],
      [{ ...base, scheduledAt: 1777777777777 }, "INVALID_ARGUMENT"],
      [{ ...base, channel: "fax" }, "INVALID_ARGUMENT"],
      [{ ...base, phone: "+14155550123" }, "INVALID_ARGUMENT"], // both
      [{ channel: "sms", content: "Hi" }, "INVALID_ARGUMENT"], // neither
      [{ ...base, name: "Ann" }, "INVALID_ARGUMENT"], // name only with phone/email
      [{ phone: "12", channel: "sms", content: "Hi" }, "INVALID_PHONE"],
      [{ email: "@", channel: "email", subject: "S", content: "Hi" }, "INVALID_EMAIL"],
      [{ ...base, priority: "high" }, "INVALID_ARGUMENT"],
    ];
    for (const [body, code] of bad) expectError(await req("POST", "/messages", body), 400, code);
    expect(await t.run(async (ctx) => await ctx.db.query("messages").collect())).toEqual([]);
  });

  it("answers business rules with 422 and unknown contacts with 404", async () => {
    const t = setup();
    const { req, ann, as, userId } = await world(t);
    await as.mutation(api.contacts.setOptOut, { contactId: ann.id as Id<"contacts">, channel: "sms", optedOut: true });
    expectError(await req("POST", "/messages", { contactId: ann.id, channel: "sms", content: "Hi" }), 422, "OPTED_OUT");
    expectError(
      await req("POST", "/messages", { contactId: ann.id, channel: "whatsapp", content: "Hi" }),
      422,
      "WHATSAPP_WINDOW_CLOSED",
    );
    const emailOnly = await insertContactFixture(t, userId, { name: "Eve", email: "eve@x.com" });
    expectError(await req("POST", "/messages", { contactId: emailOnly, channel: "sms", content: "Hi" }), 422, "NO_ADDRESS");
    // An address-only recipient created for a channel it cannot use is not kept.
    expectError(await req("POST", "/messages", { email: "zed@x.com", channel: "sms", content: "Hi" }), 422, "NO_ADDRESS");
    expect((await req("GET", "/contacts?search=zed")).body.data).toEqual([]);
    await t.run(async (ctx) => {
      for (const s of await ctx.db.query("senders").collect()) if (s.channel === "email") await ctx.db.delete("senders", s._id);
    });
    expectError(
      await req("POST", "/messages", { contactId: ann.id, channel: "email", subject: "S", content: "Hi" }),
      422,
      "NO_SENDER",
    );
    expectError(await req("POST", "/messages", { contactId: "nope", channel: "sms", content: "Hi" }), 404, "NOT_FOUND");
    expect(provider.calls).toHaveLength(0);
  });
});

describe("GET /messages, GET /messages/{id}, POST /messages/{id}/cancel", () => {
  it("lists newest first with filters and cursor pagination", async () => {
    const t = setup();
    const { req, ann } = await world(t);
    const { body: bob } = await req("POST", "/contacts", { name: "Bob", phone: "+14155550124", email: "bob@x.com" });
    const ids: string[] = [];
    for (const [i, [contactId, channel]] of [
      [ann.id, "sms"],
      [bob.id, "email"],
      [ann.id, "email"],
      [bob.id, "sms"],
    ].entries()) {
      vi.setSystemTime(Date.now() + 1000); // moves the clock without running the dispatches
      const res = await req("POST", "/messages", { contactId, channel, content: `m${i}`, ...(channel === "email" ? { subject: "S" } : {}) });
      ids.push(res.body.id);
    }
    const all = s.MessageList.parse((await req("GET", "/messages")).body);
    expect(all.data.map((m) => m.content)).toEqual(["m3", "m2", "m1", "m0"]);

    const collect = async (query: string) => {
      const out: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 10; i++) {
        const res: ApiResponse = await req("GET", `/messages?limit=1&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        expect(res.status).toBe(200);
        out.push(...res.body.data.map((m: { content: string }) => m.content));
        cursor = res.body.nextCursor;
        if (cursor === null) break;
      }
      return out;
    };
    expect(await collect("")).toEqual(["m3", "m2", "m1", "m0"]);
    expect(await collect(`contactId=${ann.id}`)).toEqual(["m2", "m0"]);
    expect(await collect("channel=email")).toEqual(["m2", "m1"]);
    expect(await collect(`channel=sms&contactId=${bob.id}`)).toEqual(["m3"]);
    expect(await collect("status=queued&direction=outbound")).toEqual(["m3", "m2", "m1", "m0"]);
    expect(await collect("direction=inbound")).toEqual([]);

    expectError(await req("GET", "/messages?contactId=nope"), 404, "NOT_FOUND");
    expectError(await req("GET", "/messages?channel=fax"), 400, "INVALID_ARGUMENT");
    expectError(await req("GET", "/messages?status=lost"), 400, "INVALID_ARGUMENT");
    expectError(await req("GET", `/messages?cursor=${encodeURIComponent('["x"]')}`), 400, "INVALID_ARGUMENT");
    expect(s.Message.parse((await req("GET", `/messages/${ids[0]}`)).body).content).toBe("m0");
    expectError(await req("GET", `/messages/${ann.id}`), 404, "NOT_FOUND");
  });

  it("cancels a scheduled message once; a second cancel is 422", async () => {
    const t = setup();
    const { req, ann, prefix } = await world(t);
    const { body: message } = await req("POST", "/messages", { contactId: ann.id, channel: "sms", content: "Later", scheduledAt: inAnHour() });
    const canceled = await req("POST", `/messages/${message.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(s.Message.parse(canceled.body)).toMatchObject({ id: message.id, status: "canceled", scheduledAt: null });
    expectError(await req("POST", `/messages/${message.id}/cancel`), 422, "INVALID_STATE");
    expectError(await req("POST", "/messages/nope/cancel"), 404, "NOT_FOUND");
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(provider.calls).toHaveLength(0);
    const audit = await t.run(async (ctx) => await ctx.db.query("auditLog").collect());
    expect(audit.find((e) => e.action === "message.cancel")?.actor).toEqual({ kind: "apiKey", id: prefix });
  });
});

describe("/scheduled", () => {
  it("lists scheduled messages or broadcasts, soonest first", async () => {
    const t = setup();
    const { req, ann } = await world(t);
    const later = await req("POST", "/messages", { contactId: ann.id, channel: "sms", content: "B", scheduledAt: "2026-05-03T00:00:00Z" });
    const sooner = await req("POST", "/messages", { contactId: ann.id, channel: "sms", content: "A", scheduledAt: "2026-05-02T00:00:00Z" });
    await req("POST", "/messages", { contactId: ann.id, channel: "sms", content: "now" });
    expect((await req("GET", "/scheduled")).body.data.map((m: { id: string }) => m.id)).toEqual([sooner.body.id, later.body.id]);
    const page = await req("GET", "/scheduled?limit=1");
    expect(page.body.data).toHaveLength(1);
    expect((await req("GET", `/scheduled?cursor=${encodeURIComponent(page.body.nextCursor)}`)).body.data[0].id).toBe(later.body.id);

    const { body: group } = await req("POST", "/groups", { name: "VIP" });
    const b = await req("POST", "/broadcasts", { groupId: group.id, channel: "sms", content: "Sale", scheduledAt: "2026-05-04T00:00:00Z" });
    const broadcasts = s.BroadcastList.parse((await req("GET", "/scheduled?kind=broadcasts")).body);
    expect(broadcasts.data.map((x) => x.id)).toEqual([b.body.id]);
    expectError(await req("GET", "/scheduled?kind=notes"), 400, "INVALID_ARGUMENT");
  });
});

describe("/broadcasts", () => {
  it("sends to a group (202) and reports progress", async () => {
    const t = setup();
    const { req, ann, prefix } = await world(t);
    const { body: bob } = await req("POST", "/contacts", { name: "Bob", email: "bob@x.com" });
    const { body: group } = await req("POST", "/groups", { name: "VIP" });
    await req("POST", `/groups/${group.id}/members`, { contactIds: [ann.id, bob.id] });
    const res = await req("POST", "/broadcasts", { groupId: group.id, channel: "sms", content: "Sale today" });
    expect(res.status).toBe(202);
    expect(s.Broadcast.parse(res.body)).toMatchObject({ groupId: group.id, groupName: "VIP", status: "sending", channel: "sms" });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const done = s.Broadcast.parse((await req("GET", `/broadcasts/${res.body.id}`)).body);
    expect(done).toMatchObject({ status: "completed", counts: { total: 2, skipped: 1 }, skipped: { noAddress: 1 } });
    expect(done.counts.sent + done.counts.delivered).toBe(1); // the simulator reports delivery
    expect(provider.calls).toHaveLength(1);
    const audit = await t.run(async (ctx) => await ctx.db.query("auditLog").collect());
    expect(audit.find((e) => e.action === "broadcast.send")?.actor).toEqual({ kind: "apiKey", id: prefix });
  });

  it("schedules, and refuses bad input and unknown groups", async () => {
    const t = setup();
    const { req } = await world(t);
    const { body: group } = await req("POST", "/groups", { name: "VIP" });
    const scheduled = await req("POST", "/broadcasts", { groupId: group.id, channel: "email", subject: "News", content: "Hi", scheduledAt: inAnHour() });
    expect(scheduled.status).toBe(202);
    expect(scheduled.body.status).toBe("scheduled");
    expectError(await req("POST", "/broadcasts", { groupId: group.id, channel: "email", content: "Hi" }), 400, "SUBJECT_REQUIRED");
    expectError(await req("POST", "/broadcasts", { groupId: group.id, channel: "sms", content: "" }), 400, "CONTENT_INVALID");
    expectError(await req("POST", "/broadcasts", { groupId: group.id, channel: "sms", content: "x", scheduledAt: "yesterday" }), 400, "INVALID_ARGUMENT");
    expectError(await req("POST", "/broadcasts", { channel: "sms", content: "x" }), 400, "INVALID_ARGUMENT");
    expectError(await req("POST", "/broadcasts", { groupId: "nope", channel: "sms", content: "x" }), 404, "NOT_FOUND");
    expectError(await req("GET", "/broadcasts/nope"), 404, "NOT_FOUND");
    expectError(await req("GET", `/broadcasts/${group.id}`), 404, "NOT_FOUND");
  });
});

describe("GET /analytics", () => {
  it("returns the dashboard's summary for a range, and 400 for bad dates", async () => {
    const t = setup();
    const { req, ann } = await world(t);
    await req("POST", "/messages", { contactId: ann.id, channel: "sms", content: "Hi" });
    await runDue(t);
    // The aggregates are a fraction of a second behind: let it pass.
    await runFor(500);
    const res = await req("GET", "/analytics?from=2026-04-30&to=2026-05-01");
    expect(res.status).toBe(200);
    const summary = s.Analytics.parse(res.body);
    expect(summary.totals).toMatchObject({ sent: 1, contacts: 1 });
    expect(summary.daily).toEqual([
      { day: "2026-04-30", sent: 0, received: 0 },
      { day: "2026-05-01", sent: 1, received: 0 },
    ]);
    for (const q of ["", "from=2026-05-01", "from=2026-13-01&to=2026-12-31", "from=2026-05-02&to=2026-05-01", "from=2020-01-01&to=2026-01-01", "from=x&to=y"]) {
      expectError(await req("GET", `/analytics?${q}`), 400, "INVALID_ARGUMENT");
    }
  });
});
