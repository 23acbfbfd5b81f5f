// @vitest-environment node
/**
 * Cancel-on-reply (the reply and the send in the same second, in both orders, and a reply the
 * inbound path missed) and automatic replies (after hours, keywords, cooldown, no loops, never to
 * opted-out contacts, short codes or automated senders; marked as automatic), with fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { wasSent } from "../lib/messageStatus";
import { epochOfWallTime } from "../lib/schedule";
import { FakeProvider } from "../tests/fakes/fakeProvider";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { code, setup, userWithSenders, type TestConvex } from "./test.setup";

let provider: FakeProvider;
beforeEach(() => {
  vi.useFakeTimers();
  provider = new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.useRealTimers();
});

const PHONE = "+447911123456";
const LON = "Europe/London";
const message = (t: TestConvex, id: Id<"messages">) => t.run(async (ctx) => (await ctx.db.get("messages", id))!);
/** Move fake time to `ts`, running the jobs that come due on the way. */
async function advanceTo(t: TestConvex, ts: number) {
  vi.advanceTimersByTime(Math.max(0, ts - Date.now()));
  await t.finishInProgressScheduledFunctions();
}
async function runFor(t: TestConvex, ms: number, step = 100) {
  for (let elapsed = 0; elapsed < ms; elapsed += step) {
    vi.advanceTimersByTime(step);
    await t.finishInProgressScheduledFunctions();
  }
}

let sids = 0;
async function world(t: TestConvex) {
  const user = await userWithSenders(t);
  const contactId = await user.as.mutation(api.contacts.create, { name: "Lena", phone: PHONE, email: "lena@example.com" });
  const { senders } = await user.as.query(api.senders.list, {});
  const number = senders.find((s) => s.channel === "sms")!.address;
  const mailbox = senders.find((s) => s.channel === "email")!;
  const text = (body: string, from = PHONE) =>
    t.mutation(internal.webhooks.twilio.recordInbound, { messageSid: `SM${++sids}`, from, to: number, body, media: [] });
  const email = (from: string, subject: string, body: string) =>
    t.mutation(internal.emailBodies.storeReceived, { senderId: mailbox._id, emailId: `em-${++sids}`, from: { email: from }, subject, text: body, attachments: [] });
  const outbound = () =>
    t.run(async (ctx) => (await ctx.db.query("messages").collect()).filter((m) => m.direction === "outbound" && m.userId === user.userId));
  return { ...user, contactId, text, email, outbound };
}

describe("cancel on reply", () => {
  it("the reply commits first in the same second: the follow-up is canceled with CONTACT_REPLIED and never sent", async () => {
    vi.setSystemTime(Date.UTC(2026, 5, 10, 12));
    const t = setup();
    const w = await world(t);
    const due = Date.UTC(2026, 5, 10, 13);
    const id = await w.as.mutation(api.messages.send, { contactId: w.contactId, channel: "sms", content: "Any news?", scheduledAt: due, cancelOnReply: true });
    await advanceTo(t, due - 400); // the same second as the send, just before it
    await w.text("Yes, all good");
    expect(await message(t, id)).toMatchObject({ status: "canceled", lastError: { code: "CONTACT_REPLIED" } });
    await runFor(t, 2000);
    expect(provider.callsFor(id)).toHaveLength(0);
  });

  it("the send commits first in the same second: it went out, and the reply is only stored", async () => {
    vi.setSystemTime(Date.UTC(2026, 5, 10, 12));
    const t = setup();
    const w = await world(t);
    const due = Date.UTC(2026, 5, 10, 13);
    const id = await w.as.mutation(api.messages.send, { contactId: w.contactId, channel: "sms", content: "Any news?", scheduledAt: due, cancelOnReply: true });
    await advanceTo(t, due);
    await runFor(t, 200, 50); // the lane's pump claims and sends within a few ticks
    expect(wasSent((await message(t, id)).status)).toBe(true);
    await advanceTo(t, due + 300); // same second
    await w.text("Yes, all good");
    expect(wasSent((await message(t, id)).status)).toBe(true);
    expect(provider.callsFor(id)).toHaveLength(1);
  });

  it("the claim itself cancels a follow-up whose contact wrote after it was scheduled (a reply the inbound path did not cancel)", async () => {
    vi.setSystemTime(Date.UTC(2026, 5, 10, 12));
    const t = setup();
    const w = await world(t);
    const due = Date.UTC(2026, 5, 10, 13);
    const id = await w.as.mutation(api.messages.send, { contactId: w.contactId, channel: "sms", content: "Any news?", scheduledAt: due, cancelOnReply: true });
    // As if a reply committed between the claim's read of the message and of the contact.
    await t.run(async (ctx) => ctx.db.patch("contacts", w.contactId, { lastReceivedAt: due - 500 }));
    await advanceTo(t, due);
    await runFor(t, 1000);
    expect(await message(t, id)).toMatchObject({ status: "canceled", lastError: { code: "CONTACT_REPLIED" } });
    expect(provider.callsFor(id)).toHaveLength(0);
  });

  it("only follow-ups: a plain scheduled message and one scheduled after the reply still go", async () => {
    vi.setSystemTime(Date.UTC(2026, 5, 10, 12));
    const t = setup();
    const w = await world(t);
    const plain = await w.as.mutation(api.messages.send, { contactId: w.contactId, channel: "sms", content: "Reminder", scheduledAt: Date.UTC(2026, 5, 10, 13) });
    await w.text("hello");
    await advanceTo(t, Date.UTC(2026, 5, 10, 12, 5));
    const later = await w.as.mutation(api.messages.send, { contactId: w.contactId, channel: "sms", content: "Follow-up", scheduledAt: Date.UTC(2026, 5, 10, 13), cancelOnReply: true });
    await advanceTo(t, Date.UTC(2026, 5, 10, 13));
    await runFor(t, 1000);
    expect(wasSent((await message(t, plain)).status)).toBe(true);
    expect(wasSent((await message(t, later)).status)).toBe(true);
  });
});

describe("automatic replies", () => {
  const afterHours = { kind: "afterHours" as const, channels: ["sms" as const, "email" as const], content: "We are closed; we answer from 09:00.", cooldownMinutes: 60, enabled: true };
  async function openNineToFive(as: Awaited<ReturnType<typeof world>>["as"]) {
    await as.mutation(api.scheduling.updateSettings, {
      timeZone: LON,
      businessHours: { periods: [1, 2, 3, 4, 5].map((day) => ({ day, start: 9 * 60, end: 17 * 60 })), holidays: ["2026-12-25"] },
    });
  }
  const local = (h: number, d = 10) => epochOfWallTime({ year: 2026, month: 6, day: d, hour: h, minute: 0 }, LON); // 10 June 2026 is a Wednesday

  it("an inbound message costs no auto-reply job unless the user has an enabled rule for its channel", async () => {
    vi.setSystemTime(local(20));
    const t = setup();
    const w = await world(t);
    const jobs = () => t.run(async (ctx) => (await ctx.db.system.query("_scheduled_functions").collect()).filter((j) => j.name.startsWith("autoReplies")).length);
    await w.text("No rules yet");
    expect(await jobs()).toBe(0);
    // A rule for email only, and a disabled one for SMS: still none for a text.
    await w.as.mutation(api.autoReplies.create, { ...afterHours, channels: ["email"] });
    const smsRule = await w.as.mutation(api.autoReplies.create, { ...afterHours, channels: ["sms"], enabled: false });
    await w.text("Still no SMS rule");
    expect(await jobs()).toBe(0);
    await w.email("lena@example.com", "Hi", "An email");
    expect(await jobs()).toBe(1);
    await w.as.mutation(api.autoReplies.update, { ruleId: smsRule, ...afterHours, channels: ["sms"], enabled: true });
    await w.text("Now there is one");
    expect(await jobs()).toBe(2);
  });

  it("answers after hours once per cooldown, marked as automatic, and not during business hours", async () => {
    vi.setSystemTime(local(20));
    const t = setup();
    const w = await world(t);
    await openNineToFive(w.as);
    const ruleId = await w.as.mutation(api.autoReplies.create, afterHours);
    await w.text("Are you open?");
    await runFor(t, 500);
    let out = await w.outbound();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ content: afterHours.content, automatic: { kind: "afterHours", ruleId }, ignoreQuietHours: true });
    expect(wasSent(out[0].status)).toBe(true);
    // The thread shows it as automatic.
    const thread = await w.as.query(api.messages.thread, { contactId: w.contactId, paginationOpts: { numItems: 10, cursor: null } });
    expect(thread.page.find((m) => m.direction === "outbound")?.automatic?.kind).toBe("afterHours");

    vi.setSystemTime(local(20) + 10 * 60_000);
    await w.text("Hello??");
    await runFor(t, 500);
    expect(await w.outbound()).toHaveLength(1); // cooldown
    vi.setSystemTime(local(21) + 5 * 60_000);
    await w.text("Still there?");
    await runFor(t, 500);
    expect(await w.outbound()).toHaveLength(2); // the cooldown passed
    vi.setSystemTime(local(10, 11));
    await w.text("Morning!");
    await runFor(t, 500);
    out = await w.outbound();
    expect(out).toHaveLength(2); // open: no automatic reply
  });

  it("answers keywords (exact word or contains, per channel) and never loops with another autoresponder", async () => {
    vi.setSystemTime(local(11));
    const t = setup();
    const w = await world(t);
    await w.as.mutation(api.autoReplies.create, { kind: "keyword", keyword: "hours", match: "exact", channels: ["sms"], content: "Open 9-17.", cooldownMinutes: 1, enabled: true });
    await w.as.mutation(api.autoReplies.create, { kind: "keyword", keyword: "price", match: "contains", channels: ["email"], content: "See our prices.", cooldownMinutes: 1, enabled: true });
    await w.text("what are your opening hours?");
    await runFor(t, 500);
    expect((await w.outbound()).map((m) => m.content)).toEqual(["Open 9-17."]);
    vi.setSystemTime(Date.now() + 5 * 60_000);
    await w.text("hoursly"); // not the word
    await w.text("prices?"); // the contains rule is for email only
    await runFor(t, 500);
    expect(await w.outbound()).toHaveLength(1);

    // Another autoresponder that answers each of our messages 90 s later (past our 1-minute
    // cooldown) with text our keyword rule matches: one automatic reply each way, then silence.
    vi.setSystemTime(Date.now() + 5 * 60_000);
    await w.text("Thanks! Our hours are 24/7.");
    await runFor(t, 500);
    for (let round = 0; round < 5; round++) {
      const before = (await w.outbound()).length;
      vi.setSystemTime(Date.now() + 90_000);
      await w.text("Thanks! Our hours are 24/7.");
      await runFor(t, 500);
      if ((await w.outbound()).length === before) break;
    }
    const replies = (await w.outbound()).filter((m) => m.automatic);
    expect(replies).toHaveLength(2); // the first question's answer, and one to the other autoresponder
  });

  it("never answers opted-out contacts, short codes, automated senders or STOP", async () => {
    vi.setSystemTime(local(20));
    const t = setup();
    const w = await world(t);
    await openNineToFive(w.as);
    await w.as.mutation(api.autoReplies.create, afterHours);
    await w.text("STOP");
    await runFor(t, 500);
    await w.text("Hello again"); // opted out now
    await w.text("Your code is 1234", "22395"); // a short code
    await w.email("no-reply@shop.example", "Your order", "Shipped");
    await w.email("ann@example.com", "Automatic reply: Away", "I am out of the office");
    await runFor(t, 1000);
    expect(await w.outbound()).toHaveLength(0);
    // A person's email after hours is answered, in the thread's subject.
    await w.email("bob@example.com", "Question", "Do you ship to Spain?");
    await runFor(t, 1000);
    const out = await w.outbound();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ channel: "email", subject: "Re: Question", to: "bob@example.com" });
  });

  it("validates rules and keeps them per user", async () => {
    const t = setup();
    const w = await world(t);
    await expect(w.as.mutation(api.autoReplies.create, { ...afterHours, kind: "keyword" })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
    await expect(w.as.mutation(api.autoReplies.create, { ...afterHours, channels: [] })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
    await expect(w.as.mutation(api.autoReplies.create, { ...afterHours, cooldownMinutes: 0 })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
    const id = await w.as.mutation(api.autoReplies.create, afterHours);
    expect(await w.as.query(api.autoReplies.list, {})).toMatchObject([{ id, kind: "afterHours", enabled: true }]);
    await w.as.mutation(api.autoReplies.remove, { ruleId: id });
    expect(await w.as.query(api.autoReplies.list, {})).toEqual([]);
  });
});
