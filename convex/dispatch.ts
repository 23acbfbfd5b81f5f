/**
 * The dispatcher. A message is sent by `dispatchActions.send`, scheduled at its exact
 * time; a cron sweep catches anything missed. Both go through `claim`, which moves the
 * message to `sending` in one transaction, so only one of them ever calls the provider.
 *
 *   claim (mutation) → provider call (action) → complete (mutation)
 *
 * Transient failures are retried with backoff. An SMS/WhatsApp whose outcome is unknown
 * (the action died or timed out after the request left) is never re-sent automatically:
 * the sweep fails it with UNKNOWN_OUTCOME. Email may be retried: Resend deduplicates by
 * our idempotency key.
 */
import { v } from "convex/values";
import { backoffMs, RETRY_POLICY } from "../lib/backoff";
import { isPending } from "../lib/messageStatus";
import { internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { internalAction, internalMutation, type MutationCtx } from "./_generated/server";
import { env } from "./lib/env";
import { insertMessage, MessageWrites, transition, type MessageDoc, type NewMessage } from "./lib/messages";
import { addressFor, defaultSender, recipientProblem, RECIPIENT_MESSAGES } from "./lib/outbound";
import { vChannel, vProvider, type Actor } from "./schema";

/** Timers may fire a little early; a claim accepts a message due within this margin. */
const EARLY_MS = 50;
/** The sweep leaves due messages to their exact-time job for this long. */
export const SWEEP_GRACE_MS = 10_000;
const SWEEP_BATCH = 100;

export const vJob = v.object({
  attempt: v.number(),
  channel: vChannel,
  provider: vProvider,
  message: v.object({
    id: v.string(),
    channel: vChannel,
    to: v.string(),
    from: v.string(),
    content: v.string(),
    subject: v.optional(v.string()),
    mediaUrls: v.optional(v.array(v.string())),
    messagingServiceSid: v.optional(v.string()),
    statusCallbackUrl: v.optional(v.string()),
  }),
});

export const vOutcome = v.union(
  v.object({ kind: v.literal("sent"), providerMessageId: v.string() }),
  v.object({
    kind: v.literal("error"),
    code: v.string(),
    message: v.string(),
    permanent: v.boolean(),
    outcomeUnknown: v.boolean(),
    retryAfterMs: v.optional(v.number()),
  }),
);

type Ctx = Pick<MutationCtx, "db" | "scheduler">;

/** Hand a message to the dispatcher at `at` (or now). */
export async function scheduleDispatch(ctx: Ctx, messageId: Id<"messages">, at?: number) {
  if (at === undefined) await ctx.scheduler.runAfter(0, internal.dispatchActions.send, { messageId });
  else await ctx.scheduler.runAt(at, internal.dispatchActions.send, { messageId });
}

/** Write a validated outbound message and hand it to the dispatcher. */
export async function createOutbound(
  ctx: Ctx,
  fields: Pick<NewMessage, "userId" | "contactId" | "channel" | "content" | "subject" | "mediaUrls" | "to"> & {
    sender: Doc<"senders">;
    scheduledAt?: number;
    source: Actor;
  },
): Promise<Id<"messages">> {
  const now = Date.now();
  const { sender, scheduledAt, ...rest } = fields;
  const writes = new MessageWrites(ctx, fields.userId);
  const messageId = await insertMessage(ctx, writes, {
    ...rest,
    direction: "outbound",
    status: scheduledAt === undefined ? "queued" : "scheduled",
    at: scheduledAt ?? now,
    scheduledAt: scheduledAt ?? now,
    senderId: sender._id,
    from: sender.address,
    provider: sender.provider,
    attempts: 0,
  });
  await writes.flush();
  await scheduleDispatch(ctx, messageId, scheduledAt);
  return messageId;
}

async function fail(ctx: Ctx, message: MessageDoc, code: string, reason: string) {
  const writes = new MessageWrites(ctx, message.userId);
  const done = await transition(ctx, writes, message, "failed", {
    failedAt: Date.now(),
    claimedAt: undefined,
    lastError: { code, message: reason, permanent: true },
  });
  await writes.flush();
  return done;
}

export const claim = internalMutation({
  args: { messageId: v.id("messages") },
  returns: v.union(v.null(), vJob),
  handler: async (ctx, { messageId }) => {
    const now = Date.now();
    const message = await ctx.db.get("messages", messageId);
    // Gone, already claimed, canceled, or moved to a later time: someone else's job.
    if (!message || message.direction !== "outbound" || !isPending(message.status)) return null;
    if ((message.scheduledAt ?? 0) > now + EARLY_MS) return null;

    // The rules are checked again at send time: things change while a message waits.
    const contact = await ctx.db.get("contacts", message.contactId);
    if (!contact) {
      await fail(ctx, message, "CONTACT_REMOVED", "The contact was removed.");
      return null;
    }
    const problem = recipientProblem(contact, message.channel, now);
    if (problem) {
      await fail(ctx, message, problem, RECIPIENT_MESSAGES[problem](message.channel));
      return null;
    }
    const sender =
      (message.senderId && (await ctx.db.get("senders", message.senderId))) ||
      (await defaultSender(ctx, message.userId, message.channel));
    if (!sender) {
      await fail(ctx, message, "NO_SENDER", "No sender is configured for this channel.");
      return null;
    }
    const to = addressFor(contact, message.channel)!;
    const attempt = message.attempts + 1;
    const writes = new MessageWrites(ctx, message.userId);
    await transition(ctx, writes, message, "sending", {
      claimedAt: now,
      attempts: attempt,
      to,
      from: sender.address,
      senderId: sender._id,
      provider: sender.provider,
    });
    await writes.flush();
    return {
      attempt,
      channel: message.channel,
      provider: sender.provider,
      message: {
        id: message._id,
        channel: message.channel,
        to,
        from: sender.address,
        content: message.content,
        ...(message.subject ? { subject: message.subject } : {}),
        ...(message.mediaUrls?.length ? { mediaUrls: message.mediaUrls } : {}),
        ...(sender.messagingServiceSid ? { messagingServiceSid: sender.messagingServiceSid } : {}),
        ...(sender.provider === "twilio"
          ? { statusCallbackUrl: `${env.siteUrl()}/webhooks/twilio/status?m=${message._id}` }
          : {}),
      },
    };
  },
});

/** Record what the provider said. Ignored if the message was settled meanwhile (webhook, sweep). */
export const complete = internalMutation({
  args: { messageId: v.id("messages"), attempt: v.number(), outcome: vOutcome },
  returns: v.null(),
  handler: async (ctx, { messageId, attempt, outcome }) => {
    const now = Date.now();
    const message = await ctx.db.get("messages", messageId);
    if (!message || message.status !== "sending" || message.attempts !== attempt) return null;
    const writes = new MessageWrites(ctx, message.userId);

    if (outcome.kind === "sent") {
      await transition(ctx, writes, message, "sent", {
        sentAt: now,
        providerMessageId: outcome.providerMessageId,
        claimedAt: undefined,
        lastError: undefined,
      });
      await writes.flush();
      const delivery = env.simulatorDelivery();
      if (message.provider === "simulator" && delivery.enabled) {
        // Delivery is reported through the same internal path real status webhooks use.
        await ctx.scheduler.runAfter(delivery.delayMs, internal.receipts.apply, {
          providerMessageId: outcome.providerMessageId,
          status: "delivered",
        });
      }
      return null;
    }

    const lastError = { code: outcome.code, message: outcome.message, permanent: outcome.permanent };
    if (outcome.outcomeUnknown && message.channel !== "email") {
      // The provider may have accepted it: never re-send blindly. A status callback may
      // still settle it; otherwise the sweep fails it with UNKNOWN_OUTCOME.
      await ctx.db.patch("messages", messageId, { lastError });
      return null;
    }
    if (!outcome.permanent && attempt < RETRY_POLICY.maxAttempts) {
      const retryAt = now + backoffMs(attempt, outcome.retryAfterMs);
      await transition(ctx, writes, message, "scheduled", { scheduledAt: retryAt, claimedAt: undefined, lastError });
      await writes.flush();
      await scheduleDispatch(ctx, messageId, retryAt);
      return null;
    }
    const reason = outcome.permanent
      ? outcome.message
      : `Gave up after ${attempt} attempts: ${outcome.message}`;
    await transition(ctx, writes, message, "failed", {
      failedAt: now,
      claimedAt: undefined,
      lastError: { ...lastError, message: reason, permanent: true },
    });
    await writes.flush();
    if (outcome.code === "TWILIO_21610") await optOutAfterCarrierStop(ctx, message);
    return null;
  },
});

/** Twilio 21610: the carrier has the recipient's STOP on file. Record it so nobody tries again. */
async function optOutAfterCarrierStop(ctx: Ctx, message: MessageDoc) {
  const contact = await ctx.db.get("contacts", message.contactId);
  if (contact && !contact.optedOut[message.channel]) {
    await ctx.db.patch("contacts", contact._id, { optedOut: { ...contact.optedOut, [message.channel]: true } });
  }
}

/** One sweep step: re-dispatch due messages whose job was missed, and settle stuck claims. */
export const sweepBatch = internalMutation({
  args: {},
  returns: v.object({ dispatched: v.number(), settled: v.number(), more: v.boolean() }),
  handler: async (ctx) => {
    const now = Date.now();
    let dispatched = 0;
    for (const status of ["scheduled", "queued"] as const) {
      const due = await ctx.db
        .query("messages")
        .withIndex("by_status_and_scheduledAt", (q) => q.eq("status", status).lte("scheduledAt", now - SWEEP_GRACE_MS))
        .take(SWEEP_BATCH);
      for (const m of due) await scheduleDispatch(ctx, m._id);
      dispatched += due.length;
    }
    const stuck = await ctx.db
      .query("messages")
      .withIndex("by_status_and_claimedAt", (q) =>
        q.eq("status", "sending").lte("claimedAt", now - env.sendingTimeoutMs()),
      )
      .take(SWEEP_BATCH);
    for (const m of stuck) {
      if (m.channel === "email" && m.attempts < RETRY_POLICY.maxAttempts) {
        // Safe to retry: the provider deduplicates by our idempotency key.
        const writes = new MessageWrites(ctx, m.userId);
        await transition(ctx, writes, m, "scheduled", { scheduledAt: now, claimedAt: undefined });
        await writes.flush();
        await scheduleDispatch(ctx, m._id);
      } else {
        await fail(
          ctx,
          m,
          "UNKNOWN_OUTCOME",
          "The provider may have accepted this message but never confirmed it. It was not re-sent, to avoid texting twice.",
        );
      }
    }
    return {
      dispatched,
      settled: stuck.length,
      more: dispatched >= SWEEP_BATCH || stuck.length === SWEEP_BATCH,
    };
  },
});

/** Every minute (convex/crons.ts): sweep until nothing is left or the budget is spent. */
export const sweep = internalAction({
  args: {},
  returns: v.object({ dispatched: v.number(), settled: v.number() }),
  handler: async (ctx) => {
    const total = { dispatched: 0, settled: 0 };
    for (let i = 0; i < 20; i++) {
      const step = await ctx.runMutation(internal.dispatch.sweepBatch, {});
      total.dispatched += step.dispatched;
      total.settled += step.settled;
      if (!step.more) break;
    }
    return total;
  },
});
