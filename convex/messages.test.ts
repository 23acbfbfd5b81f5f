// @vitest-environment node
/** The messaging engine: send, schedule, dispatch, retries, at-most-once, cancel/reschedule races. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RETRY_POLICY } from "./lib/backoff";
import { FakeProvider } from "../tests/fakes/fakeProvider";
import { api, internal } from "./_generated/api";
import { claimMessage, recordOutcome } from "./lib/claim";
import { MessageWrites } from "./lib/messages";
import type { Id } from "./_generated/dataModel";
import { SWEEP_GRACE_MS } from "./dispatch/sweep";
import { code, insertContactFixture, setup, userWithSenders, type TestConvex } from "./test.setup";

const PHONE = "+14155550123";
let provider: FakeProvider;

beforeEach(() => {
  vi.useFakeTimers();
  provider = new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

async function world(t: TestConvex) {
  const user = await userWithSenders(t);
  const contactId = await user.as.mutation(api.contacts.create, { name: "Ann", phone: PHONE, email: "ann@x.com" });
  return { ...user, contactId };
}

const settle = (t: TestConvex) => t.finishAllScheduledFunctions(vi.runAllTimers);
/** Run what is due now (e.g. a just-sent message's dispatch), without moving the clock. */
async function runDue(t: TestConvex) {
  vi.advanceTimersByTime(0);
  await t.finishInProgressScheduledFunctions();
}
/** Let `ms` of fake time pass in steps, running what comes due at each. */
async function runFor(t: TestConvex, ms: number, step: number) {
  for (let elapsed = 0; elapsed < ms; elapsed += step) {
    vi.advanceTimersByTime(step);
    await t.finishInProgressScheduledFunctions();
  }
}
const message = (t: TestConvex, id: Id<"messages">) => t.run(async (ctx) => (await ctx.db.get("messages", id))!);

describe("send now", () => {
  it("appears at once as queued, is sent once, and reaches delivered through the receipt path", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    const id = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "Your order is ready" });
    expect(await message(t, id)).toMatchObject({ status: "queued", direction: "outbound", attempts: 0 });
    const contact = await as.query(api.contacts.get, { contactId });
    expect(contact).toMatchObject({ lastMessagePreview: "Your order is ready", lastMessageDirection: "outbound" });

    await runDue(t);
    const sent = await message(t, id);
    expect(sent).toMatchObject({ status: "sent", attempts: 1, to: PHONE, provider: "simulator" });
    expect(provider.callsFor(id)).toHaveLength(1);
    expect(provider.calls[0].message).toMatchObject({ to: PHONE, content: "Your order is ready", channel: "sms" });

    // Delivery uses the receipt path, by provider id: queued, then applied by the receipt applier.
    await t.mutation(internal.receipts.apply, { providerMessageId: sent.providerMessageId!, status: "delivered" });
    await settle(t);
    expect((await message(t, id)).status).toBe("delivered");
    expect(provider.callsFor(id)).toHaveLength(1);
  });

  it("validates content, addresses, media and opt-out with clear codes", async () => {
    const t = setup();
    const { as, contactId, userId } = await world(t);
    const send = (args: Partial<Parameters<typeof as.mutation<typeof api.messages.send>>[1]>) =>
      as.mutation(api.messages.send, { contactId, channel: "sms", content: "hi", ...args });
    await expect(send({ content: "   " })).rejects.toMatchObject(code("CONTENT_INVALID"));
    await expect(send({ content: "x".repeat(1601) })).rejects.toMatchObject(code("CONTENT_INVALID"));
    await expect(send({ content: "x".repeat(1600) })).resolves.toBeTruthy();
    await expect(send({ channel: "email", subject: " " })).rejects.toMatchObject(code("SUBJECT_REQUIRED"));
    await expect(send({ mediaUrls: ["http://example.com/a.png"] })).rejects.toMatchObject(code("MEDIA_URL_INVALID"));
    await expect(send({ mediaUrls: ["not a url"] })).rejects.toMatchObject(code("MEDIA_URL_INVALID"));
    await expect(send({ content: "", mediaUrls: ["https://example.com/a.png"] })).resolves.toBeTruthy();
    await expect(send({ scheduledAt: Date.now() - 1 })).rejects.toMatchObject(code("SCHEDULE_IN_PAST"));

    const emailOnly = await insertContactFixture(t, userId, { name: "Eve", email: "eve@x.com" });
    await expect(
      as.mutation(api.messages.send, { contactId: emailOnly, channel: "sms", content: "hi" }),
    ).rejects.toMatchObject(code("NO_ADDRESS"));

    await as.mutation(api.contacts.setOptOut, { contactId, channel: "sms", optedOut: true });
    await expect(send({})).rejects.toMatchObject(code("OPTED_OUT"));
    await expect(send({ channel: "email", subject: "Hi" })).resolves.toBeTruthy();
  });

  it("needs a sender for the channel", async () => {
    const t = setup();
    const { signedInUser } = await import("./test.setup");
    const { as } = await signedInUser(t);
    const contactId = await as.mutation(api.contacts.create, { name: "Ann", phone: PHONE });
    await expect(as.mutation(api.messages.send, { contactId, channel: "sms", content: "hi" })).rejects.toMatchObject(
      code("NO_SENDER"),
    );
  });
});

describe("WhatsApp 24-hour window", () => {
  it("allows free-form text only within 24h of the contact's last WhatsApp message, checked again at send time", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    const send = (scheduledAt?: number) =>
      as.mutation(api.messages.send, { contactId, channel: "whatsapp", content: "hello", scheduledAt });
    await expect(send()).rejects.toMatchObject(code("WHATSAPP_WINDOW_CLOSED"));

    // The contact writes to us on WhatsApp: the window opens.
    await t.run(async (ctx) => {
      const { insertInbound, MessageWrites } = await import("./lib/messages");
      const contact = (await ctx.db.get("contacts", contactId))!;
      const writes = new MessageWrites(ctx, contact.userId);
      await insertInbound(ctx, writes, { contactId, channel: "whatsapp", content: "hi!", at: Date.now() });
      await writes.flush();
    });
    const now = await send();
    await runDue(t);
    expect((await message(t, now)).status).toBe("sent");
    // Scheduling past the window's end is refused up front…
    await expect(send(Date.now() + 25 * 3600_000)).rejects.toMatchObject(code("WHATSAPP_WINDOW_CLOSED"));
    // …and a message scheduled inside it that comes due after it closed fails at send time.
    const later = await send(Date.now() + 23 * 3600_000);
    await t.run(async (ctx) => {
      await ctx.db.patch("contacts", contactId, { whatsappWindowStartedAt: Date.now() - 23.5 * 3600_000 });
    });
    await settle(t);
    expect(await message(t, later)).toMatchObject({
      status: "failed",
      lastError: { code: "WHATSAPP_WINDOW_CLOSED", permanent: true },
    });
    expect(provider.callsFor(later)).toHaveLength(0);
  });
});

describe("scheduling", () => {
  it("dispatches at the exact time, not before", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    const at = Date.now() + 60_000;
    const id = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "later", scheduledAt: at });
    expect(await message(t, id)).toMatchObject({ status: "scheduled", at, scheduledAt: at });
    // Scheduled messages don't touch the conversation until they go out.
    expect((await as.query(api.contacts.get, { contactId })).lastMessageAt).toBeUndefined();
    expect((await as.query(api.messages.upcoming, { paginationOpts: { numItems: 10, cursor: null } })).page).toHaveLength(1);

    vi.advanceTimersByTime(59_000);
    await t.finishInProgressScheduledFunctions();
    expect((await message(t, id)).status).toBe("scheduled");
    await settle(t);
    expect(provider.callsFor(id)).toHaveLength(1);
    expect(provider.callsFor(id)[0].at).toBeGreaterThanOrEqual(at);
    expect((await as.query(api.contacts.get, { contactId })).lastMessagePreview).toBe("later");
  });

  it("re-checks opt-out at send time", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    const id = await as.mutation(api.messages.send, {
      contactId,
      channel: "sms",
      content: "promo",
      scheduledAt: Date.now() + 3600_000,
    });
    await as.mutation(api.contacts.setOptOut, { contactId, channel: "sms", optedOut: true });
    await settle(t);
    expect(await message(t, id)).toMatchObject({ status: "failed", lastError: { code: "OPTED_OUT" } });
    expect(provider.calls).toHaveLength(0);
  });

  it("reschedule: the old job does nothing, the new time sends once", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    const first = Date.now() + 60_000;
    const id = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "x", scheduledAt: first });
    await as.mutation(api.messages.reschedule, { messageId: id, scheduledAt: first + 3600_000 });
    vi.advanceTimersByTime(61_000);
    await t.finishInProgressScheduledFunctions();
    expect(await message(t, id)).toMatchObject({ status: "scheduled", at: first + 3600_000 });
    expect(provider.calls).toHaveLength(0);
    await settle(t);
    expect(provider.callsFor(id)).toHaveLength(1);
    expect(provider.calls[0].at).toBeGreaterThanOrEqual(first + 3600_000);
  });

  it("cancel stops a scheduled message; a message being sent cannot be canceled or rescheduled", async () => {
    const t = setup();
    const { as, contactId, userId } = await world(t);
    const at = Date.now() + 60_000;
    const a = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "a", scheduledAt: at });
    const b = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "b", scheduledAt: at });
    await as.mutation(api.messages.cancel, { messageId: a });
    await expect(as.mutation(api.messages.cancel, { messageId: a })).rejects.toMatchObject(code("INVALID_STATE"));

    // b is claimed (the dispatch is under way) when the person clicks cancel.
    vi.advanceTimersByTime(60_000);
    const job = await t.run(async (ctx) => {
      const writes = new MessageWrites(ctx, userId);
      const claimed = await claimMessage(ctx, writes, (await ctx.db.get("messages", b))!, Date.now());
      await writes.flush();
      return claimed;
    });
    expect(job).not.toBeNull();
    await expect(as.mutation(api.messages.cancel, { messageId: b })).rejects.toMatchObject(code("INVALID_STATE"));
    await expect(
      as.mutation(api.messages.reschedule, { messageId: b, scheduledAt: Date.now() + 60_000 }),
    ).rejects.toMatchObject(code("INVALID_STATE"));
    await t.run(async (ctx) => {
      const writes = new MessageWrites(ctx, userId);
      await recordOutcome(ctx, writes, (await ctx.db.get("messages", b))!, job!.attempt, { kind: "sent", providerMessageId: "SM1" }, Date.now());
      await writes.flush();
    });
    await t.mutation(internal.receipts.apply, { providerMessageId: "SM1", status: "delivered" });
    await settle(t);
    expect((await message(t, a)).status).toBe("canceled");
    expect((await message(t, b)).status).toBe("delivered");
    // The dispatcher found nothing to do for either: only the manual claim "sent" b.
    expect(provider.calls).toHaveLength(0);
  });
  it("a canceled scheduled message moves to when it was canceled, not its intended time", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    const later = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "tomorrow", scheduledAt: Date.now() + 86_400_000 });
    vi.advanceTimersByTime(1000);
    const canceledAt = Date.now();
    await as.mutation(api.messages.cancel, { messageId: later });
    vi.advanceTimersByTime(1000);
    await as.mutation(api.messages.send, { contactId, channel: "sms", content: "now" });
    expect(await message(t, later)).toMatchObject({ status: "canceled", at: canceledAt });
    const thread = await as.query(api.messages.thread, { contactId, paginationOpts: { numItems: 10, cursor: null } });
    // Newest first: the message sent after the cancel is below the canceled one.
    expect(thread.page.map((m) => m.content)).toEqual(["now", "tomorrow"]);
  });
});

describe("at most once", () => {
  it("an exact-time job, a cron sweep and extra dispatches racing for one message send it once", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    const at = Date.now() + 5_000;
    const id = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "once", scheduledAt: at });
    // Everything fires late together: the lane's wake, the sweep, and two stray pumps (an old
    // generation and a future one: neither owns the lane, so neither claims).
    vi.advanceTimersByTime(5_000 + SWEEP_GRACE_MS + 1);
    await Promise.all([
      t.mutation(internal.dispatch.sweep.run, {}),
      t.action(internal.dispatch.pump.run, { lane: 0, owner: 0 }),
      t.action(internal.dispatch.pump.run, { lane: 0, owner: 99 }),
      t.finishInProgressScheduledFunctions(),
    ]);
    await settle(t);
    await t.mutation(internal.dispatch.sweep.run, {});
    await settle(t);
    expect(provider.callsFor(id)).toHaveLength(1);
    expect((await message(t, id)).status).toBe("delivered");
  });

  it("a retry racing the sweep sends once more, not twice", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    provider.answer(["transient"]);
    const id = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "retry me" });
    await runDue(t);
    expect(await message(t, id)).toMatchObject({ status: "scheduled", attempts: 1, lastError: { code: "HTTP_503" } });
    vi.advanceTimersByTime(RETRY_POLICY.capMs + SWEEP_GRACE_MS);
    await Promise.all([t.mutation(internal.dispatch.sweep.run, {}), t.finishInProgressScheduledFunctions()]);
    await settle(t);
    expect(provider.callsFor(id)).toHaveLength(2);
    expect(await message(t, id)).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("never re-sends an SMS whose action crashed after the provider accepted it", async () => {
    vi.stubEnv("SENDING_TIMEOUT_MS", "60000");
    const t = setup();
    const { as, contactId } = await world(t);
    provider.answer(["crash"]);
    const id = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "maybe" });
    await runDue(t);
    expect((await message(t, id)).status).toBe("sending");
    // Sweeps inside the window leave it alone; after it, the message fails as UNKNOWN_OUTCOME.
    vi.advanceTimersByTime(30_000);
    await t.mutation(internal.dispatch.sweep.run, {});
    expect((await message(t, id)).status).toBe("sending");
    vi.advanceTimersByTime(31_000);
    await t.mutation(internal.dispatch.sweep.run, {});
    await settle(t);
    expect(await message(t, id)).toMatchObject({
      status: "failed",
      lastError: { code: "UNKNOWN_OUTCOME", permanent: true },
    });
    vi.advanceTimersByTime(3600_000);
    await t.mutation(internal.dispatch.sweep.run, {});
    await settle(t);
    expect(provider.callsFor(id)).toHaveLength(1);
  });

  it("a timeout leaves an SMS unresolved (not retried) until a receipt or the sweep settles it", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    provider.answer(["timeout"]);
    const id = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "slow" });
    await runDue(t);
    expect(await message(t, id)).toMatchObject({ status: "sending", lastError: { code: "PROVIDER_TIMEOUT" } });
    // Twilio's status callback carries our id: it settles the message even without a provider id on file.
    await t.mutation(internal.receipts.apply, { providerMessageId: "SMlate", messageId: id, status: "delivered" });
    await settle(t);
    expect(await message(t, id)).toMatchObject({ status: "delivered", providerMessageId: "SMlate" });
    expect(provider.callsFor(id)).toHaveLength(1);
  });

  it("retries an email whose outcome is unknown, with the same idempotency key", async () => {
    vi.stubEnv("SENDING_TIMEOUT_MS", "60000");
    const t = setup();
    const { as, contactId } = await world(t);
    provider.answer(["crash"]);
    const id = await as.mutation(api.messages.send, { contactId, channel: "email", subject: "Hi", content: "body" });
    await runDue(t);
    vi.advanceTimersByTime(61_000);
    await t.mutation(internal.dispatch.sweep.run, {});
    await settle(t);
    const calls = provider.callsFor(id);
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.message.id === id)).toBe(true);
    expect((await message(t, id)).status).toBe("delivered");
  });
});

describe("errors and backoff", () => {
  it("transient then permanent: retried once, then failed with the readable reason", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    provider.answer(["transient", "permanent"]);
    const id = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "x" });
    await settle(t);
    expect(await message(t, id)).toMatchObject({
      status: "failed",
      attempts: 2,
      lastError: { code: "TWILIO_21211", message: "The phone number is not valid", permanent: true },
    });
    expect((await as.query(api.messages.failed, { paginationOpts: { numItems: 5, cursor: null } })).page[0]._id).toBe(id);
  });

  it("backs off exponentially within bounds, honours Retry-After, and gives up after the last attempt", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    provider.answer(["rateLimited"], "transient");
    const id = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "x" });
    // Step the clock (rather than jump from timer to timer), so each retry runs at its own time.
    await runFor(t, 70_000, 50);
    await settle(t);
    const calls = provider.callsFor(id);
    expect(calls).toHaveLength(RETRY_POLICY.maxAttempts);
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i].at);
    // After attempt n the wait is in [step/2, step], step = base·2^(n-1); the 429 asked for 30 s.
    gaps.forEach((gap, i) => {
      const step = Math.min(RETRY_POLICY.capMs, RETRY_POLICY.baseMs * 2 ** i);
      const floor = i === 0 ? Math.max(step / 2, 30_000) : step / 2;
      expect(gap).toBeGreaterThanOrEqual(floor);
      expect(gap).toBeLessThanOrEqual(Math.max(step, floor) + 50);
    });
    expect(await message(t, id)).toMatchObject({
      status: "failed",
      attempts: RETRY_POLICY.maxAttempts,
      lastError: { code: "HTTP_503", permanent: true },
    });
    expect((await message(t, id)).lastError!.message).toMatch(/Gave up after 5 attempts/);
  });

  it("a person can retry a failed message; a carrier STOP (21610) opts the contact out", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    provider.answer(["permanent"]);
    const id = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "x" });
    await settle(t);
    expect((await message(t, id)).status).toBe("failed");
    await as.mutation(api.messages.retry, { messageId: id });
    await settle(t);
    expect(await message(t, id)).toMatchObject({ status: "delivered", attempts: 1 });
    await expect(as.mutation(api.messages.retry, { messageId: id })).rejects.toMatchObject(code("INVALID_STATE"));

    const { ChannelError } = await import("./channels/types");
    const { setSenderFactoryForTests } = await import("./channels/factory");
    setSenderFactoryForTests((_c, p) => ({
      provider: p,
      send: async () => {
        throw new ChannelError({ code: "TWILIO_21610", message: "The recipient has opted out", permanent: true });
      },
    }));
    await as.mutation(api.messages.send, { contactId, channel: "sms", content: "y" });
    await settle(t);
    expect((await as.query(api.contacts.get, { contactId })).optedOut.sms).toBe(true);
  });
});

describe("reads", () => {
  it("lists a thread newest first and filters the message list", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    for (const content of ["one", "two", "three"]) {
      await as.mutation(api.messages.send, { contactId, channel: "sms", content });
      vi.advanceTimersByTime(1000);
    }
    await as.mutation(api.messages.send, { contactId, channel: "email", subject: "S", content: "four" });
    const thread = await as.query(api.messages.thread, { contactId, paginationOpts: { numItems: 3, cursor: null } });
    expect(thread.page.map((m) => m.content)).toEqual(["four", "three", "two"]);
    const older = await as.query(api.messages.thread, {
      contactId,
      paginationOpts: { numItems: 3, cursor: thread.continueCursor },
    });
    expect(older.page.map((m) => m.content)).toEqual(["one"]);
    const emails = await as.query(api.messages.list, { channel: "email", paginationOpts: { numItems: 10, cursor: null } });
    expect(emails.page.map((m) => m.content)).toEqual(["four"]);
    const smsOfContact = await as.query(api.messages.list, {
      contactId,
      channel: "sms",
      direction: "outbound",
      paginationOpts: { numItems: 10, cursor: null },
    });
    expect(smsOfContact.page).toHaveLength(3);
  });
});
