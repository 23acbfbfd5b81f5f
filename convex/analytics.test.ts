// @vitest-environment node
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeProvider } from "../tests/fakes/fakeProvider";
import { api } from "./_generated/api";
import { code, loadEngineModules, runFor, setup, userWithSenders } from "./test.setup";

beforeAll(loadEngineModules);
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-03-10T12:00:00Z"));
  new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.useRealTimers();
});

describe("analytics", () => {
  it("totals, channels, statuses, daily series and response time come from the aggregates", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123", email: "ann@x.com" });
    await as.mutation(api.contacts.create, { name: "Bob", email: "bob@x.com" });

    // Ann writes in; we answer 90 s later; and send her an email the next day.
    await t.run(async (ctx) => {
      const { insertInbound, MessageWrites } = await import("./lib/messages");
      const writes = new MessageWrites(ctx, userId);
      await insertInbound(ctx, writes, { contactId: ann, channel: "sms", content: "hi?", at: Date.now() });
      await writes.flush();
    });
    vi.advanceTimersByTime(90_000);
    await as.mutation(api.messages.send, { contactId: ann, channel: "sms", content: "hello!" });
    // The reply goes out now (its response time is measured when it is sent), then everything else.
    vi.advanceTimersByTime(0);
    await t.finishInProgressScheduledFunctions();
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    vi.setSystemTime(new Date("2026-03-11T09:00:00Z"));
    await as.mutation(api.messages.send, { contactId: ann, channel: "email", subject: "S", content: "x" });
    await as.mutation(api.messages.send, {
      contactId: ann,
      channel: "sms",
      content: "later",
      scheduledAt: Date.parse("2026-03-20T09:00:00Z"),
    });
    // The aggregates are kept by the rollup, a fraction of a second behind: let half a second pass
    // (the email goes out meanwhile; its delivery report comes after a second).
    await runFor(500);

    const s = await as.query(api.analytics.summary, { from: "2026-03-09", to: "2026-03-12" });
    expect(s.totals).toEqual({ sent: 2, received: 1, outbound: 2, failed: 0, contacts: 2 });
    expect(s.avgResponseTimeMs).toBe(90_000);
    expect(s.byChannel).toEqual([
      { channel: "sms", sent: 1, received: 1 },
      { channel: "whatsapp", sent: 0, received: 0 },
      { channel: "email", sent: 1, received: 0 },
    ]);
    expect(s.byStatus.find((r) => r.status === "delivered")!.count).toBe(1);
    expect(s.byStatus.find((r) => r.status === "sent")!.count).toBe(1);
    expect(s.daily).toEqual([
      { day: "2026-03-09", sent: 0, received: 0 },
      { day: "2026-03-10", sent: 1, received: 1 },
      { day: "2026-03-11", sent: 1, received: 0 },
      { day: "2026-03-12", sent: 0, received: 0 },
    ]);
    // The scheduled message counts on its own day.
    const later = await as.query(api.analytics.summary, { from: "2026-03-20", to: "2026-03-20" });
    expect(later.byStatus.find((r) => r.status === "scheduled")!.count).toBe(1);
  });

  it("a message written before the contact wrote in is not a reply, even when it goes out after", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123" });
    // Scheduled a minute ahead; Ann writes in 10 s later; the scheduled message goes out after that.
    const reminder = await as.mutation(api.messages.send, { contactId: ann, channel: "sms", content: "reminder", scheduledAt: Date.now() + 60_000 });
    vi.advanceTimersByTime(10_000);
    const wroteAt = Date.now();
    await t.run(async (ctx) => {
      const { insertInbound, MessageWrites } = await import("./lib/messages");
      const writes = new MessageWrites(ctx, userId);
      await insertInbound(ctx, writes, { contactId: ann, channel: "sms", content: "hi?", at: wroteAt });
      await writes.flush();
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    await runFor(500);
    expect((await t.run((ctx) => ctx.db.get("messages", reminder)))!.status).not.toBe("scheduled");
    const before = await as.query(api.analytics.summary, { from: "2026-03-10", to: "2026-03-10" });
    expect(before.totals.sent).toBe(1);
    expect(before.avgResponseTimeMs).toBeNull();
    // She is still waiting: the answer written now is the reply, timed from her message.
    const repliedAt = Date.now();
    await as.mutation(api.messages.send, { contactId: ann, channel: "sms", content: "here you go" });
    vi.advanceTimersByTime(0);
    await t.finishInProgressScheduledFunctions();
    await runFor(500);
    const after = await as.query(api.analytics.summary, { from: "2026-03-10", to: "2026-03-10" });
    expect(after.totals.sent).toBe(2);
    expect(after.avgResponseTimeMs).toBe(repliedAt - wroteAt);
  });

  it("a send reaches its contact a moment later; a message that came in meanwhile still awaits an answer", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123" });
    const inbound = async (at: number) =>
      await t.run(async (ctx) => {
        const { insertInbound, MessageWrites } = await import("./lib/messages");
        const writes = new MessageWrites(ctx, userId);
        await insertInbound(ctx, writes, { contactId: ann, channel: "sms", content: "hi?", at });
        await writes.flush();
      });
    const wroteAt = Date.now();
    await inbound(wroteAt);
    vi.advanceTimersByTime(30_000);
    // Our answer is written and goes out; Ann writes again before the send reaches her contact.
    await t.run(async (ctx) => {
      const { insertMessage, MessageWrites, transition } = await import("./lib/messages");
      const writes = new MessageWrites(ctx, userId);
      const base = { userId, contactId: ann, channel: "sms" as const, content: "hello", attempts: 1, direction: "outbound" as const };
      const id = await insertMessage(ctx, writes, { ...base, status: "sending", at: Date.now() });
      await transition(ctx, writes, (await ctx.db.get("messages", id))!, "sent", { sentAt: Date.now() });
      await writes.flush();
    });
    const sentAt = wroteAt + 30_000;
    expect((await t.run((ctx) => ctx.db.get("contacts", ann)))!.awaitingReplySince).toBe(wroteAt);
    await inbound(sentAt + 5);
    await runFor(500);
    const contact = (await t.run((ctx) => ctx.db.get("contacts", ann)))!;
    expect(contact.sentCount).toBe(1);
    expect(contact.awaitingReplySince).toBe(sentAt + 5);
    expect(contact.lastMessagePreview).toBe("hi?");
    expect((await t.run((ctx) => ctx.db.query("sentQueue").collect())).length).toBe(0);
    const s = await as.query(api.analytics.summary, { from: "2026-03-10", to: "2026-03-10" });
    expect(s.avgResponseTimeMs).toBe(30_000);
  });

  it("reads only aggregate documents", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123" });
    for (let i = 0; i < 30; i++) await as.mutation(api.messages.send, { contactId: ann, channel: "sms", content: `m${i}` });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    // Delete the raw messages behind the aggregates' back: the summary must not change.
    const before = await as.query(api.analytics.summary, { from: "2026-03-10", to: "2026-03-10" });
    await t.run(async (ctx) => {
      for (const m of await ctx.db.query("messages").collect()) if (m.userId === userId) await ctx.db.delete("messages", m._id);
    });
    expect(await as.query(api.analytics.summary, { from: "2026-03-10", to: "2026-03-10" })).toEqual(before);
    expect(before.totals.outbound).toBe(30);
  });

  it("rejects bad ranges", async () => {
    const t = setup();
    const { as } = await userWithSenders(t);
    await expect(as.query(api.analytics.summary, { from: "2026-02-30", to: "2026-03-01" })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
    await expect(as.query(api.analytics.summary, { from: "2026-03-02", to: "2026-03-01" })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
    await expect(as.query(api.analytics.summary, { from: "2024-01-01", to: "2026-03-01" })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
  });
});
