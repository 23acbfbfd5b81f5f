/**
 * The dispatcher. Every outbound message is sent by claiming it, calling the provider, and
 * recording the outcome:
 *
 *   claim (mutation) → provider call (action) → complete (mutation)
 *
 * A claim moves the message to `sending` in one transaction, so however many jobs race for it
 * (its exact-time job, the cron sweep, a retry, a broadcast pump), only one calls the provider.
 * Single messages are dispatched one per action (`dispatchActions.send`, scheduled at their
 * exact time). Broadcasts are dispatched by a pump (`dispatchActions.pump`) that claims a window
 * of due messages in one mutation, sends them paced to the sender's rate, and records the
 * outcomes in one mutation. A cron sweep catches anything missed.
 *
 * Transient failures are retried with backoff. An SMS/WhatsApp whose outcome is unknown
 * (the action died or timed out after the request left) is never re-sent automatically:
 * the sweep fails it with UNKNOWN_OUTCOME. Email may be retried: Resend deduplicates by
 * our idempotency key.
 */
import { v, type Infer } from "convex/values";
import { backoffMs, RETRY_POLICY } from "./lib/backoff";
import { isPending } from "../lib/messageStatus";
import { internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { internalAction, type MutationCtx } from "./_generated/server";
import { internalMutation } from "./functions";
import { replyHeaders } from "./lib/emailBodies";
import { env } from "./lib/env";
import { insertMessage, MessageWrites, transition, type MessageDoc, type NewMessage } from "./lib/messages";
import { addressFor, defaultSender, recipientProblem, RECIPIENT_MESSAGES } from "./lib/outbound";
import { bucketCapacity, levelAt, nextSendAt } from "./lib/pacing";
import { WritesByUser } from "./lib/receipts";
import { vChannel, vProvider, type Actor } from "./schema";

/** Timers may fire a little early; a claim accepts a message due within this margin. */
const EARLY_MS = 50;
/** The sweep leaves due messages to their exact-time job (or pump) for this long. */
export const SWEEP_GRACE_MS = 10_000;
const SWEEP_BATCH = 100;

export const vJob = v.object({
  messageId: v.id("messages"),
  attempt: v.number(),
  channel: vChannel,
  provider: vProvider,
  /** When the message is due (a broadcast's send slot). */
  dueAt: v.number(),
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
    inReplyTo: v.optional(v.string()),
    references: v.optional(v.string()),
  }),
});
export type Job = Infer<typeof vJob>;

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
export type Outcome = Infer<typeof vOutcome>;

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

async function fail(ctx: Ctx, writes: MessageWrites, message: MessageDoc, code: string, reason: string) {
  return await transition(ctx, writes, message, "failed", {
    failedAt: Date.now(),
    claimedAt: undefined,
    lastError: { code, message: reason, permanent: true },
  });
}

/**
 * Claim one message for sending: re-check the rules (things change while a message waits),
 * then move it to `sending`. Null when someone else's job owns it, or it failed the checks.
 */
async function claimMessage(
  ctx: Ctx,
  writes: MessageWrites,
  message: MessageDoc,
  now: number,
  early = EARLY_MS,
): Promise<Job | null> {
  // Gone, already claimed, canceled, or moved to a later time: someone else's job.
  if (message.direction !== "outbound" || !isPending(message.status)) return null;
  if ((message.scheduledAt ?? 0) > now + early) return null;

  const contact = await ctx.db.get("contacts", message.contactId);
  if (!contact) {
    await fail(ctx, writes, message, "CONTACT_REMOVED", "The contact was removed.");
    return null;
  }
  const problem = recipientProblem(contact, message.channel, now);
  if (problem) {
    await fail(ctx, writes, message, problem, RECIPIENT_MESSAGES[problem](message.channel));
    return null;
  }
  const sender =
    (message.senderId && (await ctx.db.get("senders", message.senderId))) ||
    (await defaultSender(ctx, message.userId, message.channel));
  if (!sender) {
    await fail(ctx, writes, message, "NO_SENDER", "No sender is configured for this channel.");
    return null;
  }
  const to = addressFor(contact, message.channel)!;
  // An email to one person answers their latest email, so it lands in their mail client's thread.
  const thread = message.channel === "email" && !message.broadcastId ? await replyHeaders(ctx, contact._id) : null;
  const attempt = message.attempts + 1;
  await transition(ctx, writes, message, "sending", {
    claimedAt: now,
    attempts: attempt,
    to,
    from: sender.address,
    senderId: sender._id,
    provider: sender.provider,
  });
  return {
    messageId: message._id,
    attempt,
    channel: message.channel,
    provider: sender.provider,
    dueAt: message.scheduledAt ?? now,
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
      ...(thread ?? {}),
    },
  };
}

/**
 * Record what the provider said about one claimed message. Ignored if the message was settled
 * meanwhile (a receipt, the sweep). Returns the provider id of a simulator send, whose delivery
 * the caller reports.
 */
async function completeMessage(
  ctx: Ctx,
  writes: MessageWrites,
  message: MessageDoc,
  attempt: number,
  outcome: Outcome,
  now: number,
): Promise<{ simulatedDelivery?: string }> {
  if (message.status !== "sending" || message.attempts !== attempt) return {};

  if (outcome.kind === "sent") {
    await transition(ctx, writes, message, "sent", {
      sentAt: now,
      providerMessageId: outcome.providerMessageId,
      claimedAt: undefined,
      lastError: undefined,
    });
    return message.provider === "simulator" ? { simulatedDelivery: outcome.providerMessageId } : {};
  }

  const lastError = { code: outcome.code, message: outcome.message, permanent: outcome.permanent };
  if (outcome.outcomeUnknown && message.channel !== "email") {
    // The provider may have accepted it: never re-send blindly. A status callback may
    // still settle it; otherwise the sweep fails it with UNKNOWN_OUTCOME.
    await ctx.db.patch("messages", message._id, { lastError });
    return {};
  }
  if (!outcome.permanent && attempt < RETRY_POLICY.maxAttempts) {
    const retryAt = now + backoffMs(attempt, outcome.retryAfterMs);
    await transition(ctx, writes, message, "scheduled", { scheduledAt: retryAt, claimedAt: undefined, lastError });
    await scheduleDispatch(ctx, message._id, retryAt);
    return {};
  }
  const reason = outcome.permanent ? outcome.message : `Gave up after ${attempt} attempts: ${outcome.message}`;
  await transition(ctx, writes, message, "failed", {
    failedAt: now,
    claimedAt: undefined,
    lastError: { ...lastError, message: reason, permanent: true },
  });
  if (outcome.code === "TWILIO_21610") {
    // The carrier has the recipient's STOP on file: record it so nobody tries again.
    const contact = await ctx.db.get("contacts", message.contactId);
    if (contact && !contact.optedOut[message.channel]) {
      await ctx.db.patch("contacts", contact._id, { optedOut: { ...contact.optedOut, [message.channel]: true } });
    }
  }
  return {};
}

/** The simulator reports delivery through the same internal path real status webhooks use. */
async function reportSimulatedDeliveries(ctx: Ctx, providerMessageIds: string[]) {
  const delivery = env.simulatorDelivery();
  if (!delivery.enabled || providerMessageIds.length === 0) return;
  await ctx.scheduler.runAfter(delivery.delayMs, internal.receipts.applyMany, {
    providerMessageIds,
    status: "delivered",
  });
}

export const claim = internalMutation({
  args: { messageId: v.id("messages") },
  returns: v.union(v.null(), vJob),
  handler: async (ctx, { messageId }) => {
    const message = await ctx.db.get("messages", messageId);
    if (!message) return null;
    const writes = new MessageWrites(ctx, message.userId);
    const job = await claimMessage(ctx, writes, message, Date.now());
    await writes.flush();
    return job;
  },
});

export const complete = internalMutation({
  args: { messageId: v.id("messages"), attempt: v.number(), outcome: vOutcome },
  returns: v.null(),
  handler: async (ctx, { messageId, attempt, outcome }) => {
    const message = await ctx.db.get("messages", messageId);
    if (!message) return null;
    const writes = new MessageWrites(ctx, message.userId);
    const { simulatedDelivery } = await completeMessage(ctx, writes, message, attempt, outcome, Date.now());
    await writes.flush();
    await reportSimulatedDeliveries(ctx, simulatedDelivery ? [simulatedDelivery] : []);
    return null;
  },
});

/** How often a broadcast pump runs (convex/dispatchActions.ts). */
export const PUMP_TICK_MS = 50;
/** A late pump catches up on at most this much time at once (so it never bursts past a short burst). */
const PUMP_CATCH_UP_MS = 200;
/** The most messages one pump run claims, whatever the rate. */
const PUMP_MAX_BATCH = 500;

const vBucket = v.object({ level: v.number(), at: v.number() });

/**
 * Claim a broadcast's messages whose send slot has come, in slot order: at most what the pump's
 * token bucket holds (`convex/lib/pacing.ts`), so the pump keeps the sender's pace without
 * drifting and never bursts past it. The bucket was measured when the previous batch went to
 * the provider; the pump measures it again when this one goes (`pace`).
 * Also says when the next run should come, and whether nothing is left to send.
 */
export const claimBroadcastBatch = internalMutation({
  args: {
    broadcastId: v.id("broadcasts"),
    /** The bucket just after the previous batch was sent; none on a pump's first run. */
    bucket: v.optional(vBucket),
  },
  returns: v.object({
    jobs: v.array(vJob),
    /** The sender's pace, for measuring the bucket when the batch is sent. */
    pace: v.object({ ratePerSecond: v.number(), capacity: v.number(), level: v.number(), at: v.number() }),
    nextAt: v.union(v.number(), v.null()),
    finished: v.boolean(),
  }),
  handler: async (ctx, { broadcastId, bucket }) => {
    const now = Date.now();
    const broadcast = await ctx.db.get("broadcasts", broadcastId);
    const sender = broadcast && (await ctx.db.get("senders", broadcast.senderId));
    const ratePerSecond = sender?.ratePerSecond ?? 1;
    const capacity = bucketCapacity(ratePerSecond, PUMP_CATCH_UP_MS);
    // A first run starts with one tick's worth (at least one send).
    const level = bucket
      ? levelAt(bucket, now, ratePerSecond, capacity)
      : Math.min(capacity, Math.max(1, (ratePerSecond * PUMP_TICK_MS) / 1000));
    const pace = { ratePerSecond, capacity, level, at: now };
    if (!broadcast) return { jobs: [], pace, nextAt: null, finished: true };
    const room = Math.min(PUMP_MAX_BATCH, Math.floor(level));
    const due =
      room === 0
        ? []
        : await ctx.db
            .query("messages")
            .withIndex("by_broadcast_and_status_and_scheduledAt", (q) =>
              q.eq("broadcastId", broadcastId).eq("status", "queued").lte("scheduledAt", now),
            )
            .take(room);
    const writes = new MessageWrites(ctx, broadcast.userId);
    const jobs: Job[] = [];
    for (const message of due) {
      // Never before its slot: the slots are the sender's pace.
      const job = await claimMessage(ctx, writes, message, now, 0);
      if (job) jobs.push(job);
    }
    await writes.flush(now);
    const next = await ctx.db
      .query("messages")
      .withIndex("by_broadcast_and_status_and_scheduledAt", (q) =>
        q.eq("broadcastId", broadcastId).eq("status", "queued"),
      )
      .first();
    return {
      jobs,
      pace,
      // The next slot, or when the bucket holds a send again if that is later.
      nextAt: next ? Math.max(next.scheduledAt ?? now, nextSendAt({ level: level - jobs.length, at: now }, ratePerSecond)) : null,
      // Done when nothing waits and the fan-out will add nothing more.
      finished: next === null && (broadcast.fanOutDone || broadcast.status !== "sending"),
    };
  },
});

export const completeBatch = internalMutation({
  args: { results: v.array(v.object({ messageId: v.id("messages"), attempt: v.number(), outcome: vOutcome })) },
  returns: v.null(),
  handler: async (ctx, { results }) => {
    const now = Date.now();
    const writes = new WritesByUser(ctx);
    const delivered: string[] = [];
    for (const { messageId, attempt, outcome } of results) {
      const message = await ctx.db.get("messages", messageId);
      if (!message) continue;
      const { simulatedDelivery } = await completeMessage(ctx, writes.for(message.userId), message, attempt, outcome, now);
      if (simulatedDelivery) delivered.push(simulatedDelivery);
    }
    await writes.flush(now);
    await reportSimulatedDeliveries(ctx, delivered);
    return null;
  },
});

/** One sweep step: re-dispatch due messages whose job was missed, and settle stuck claims. */
export const sweepBatch = internalMutation({
  args: {},
  returns: v.object({ dispatched: v.number(), settled: v.number(), more: v.boolean() }),
  handler: async (ctx) => {
    const now = Date.now();
    let dispatched = 0;
    const pumps = new Set<Id<"broadcasts">>();
    for (const status of ["scheduled", "queued"] as const) {
      const due = await ctx.db
        .query("messages")
        .withIndex("by_status_and_scheduledAt", (q) => q.eq("status", status).lte("scheduledAt", now - SWEEP_GRACE_MS))
        .take(SWEEP_BATCH);
      for (const m of due) {
        // A broadcast's queued messages go back to its pump (keeping the sender's pace).
        if (status === "queued" && m.broadcastId) pumps.add(m.broadcastId);
        else await scheduleDispatch(ctx, m._id);
      }
      dispatched += due.length;
    }
    for (const broadcastId of pumps) await ctx.scheduler.runAfter(0, internal.dispatchActions.pump, { broadcastId });
    const stuck = await ctx.db
      .query("messages")
      .withIndex("by_status_and_claimedAt", (q) =>
        q.eq("status", "sending").lte("claimedAt", now - env.sendingTimeoutMs()),
      )
      .take(SWEEP_BATCH);
    for (const m of stuck) {
      const writes = new MessageWrites(ctx, m.userId);
      if (m.channel === "email" && m.attempts < RETRY_POLICY.maxAttempts) {
        // Safe to retry: the provider deduplicates by our idempotency key.
        await transition(ctx, writes, m, "scheduled", { scheduledAt: now, claimedAt: undefined });
        await scheduleDispatch(ctx, m._id);
      } else {
        await fail(
          ctx,
          writes,
          m,
          "UNKNOWN_OUTCOME",
          "The provider may have accepted this message but never confirmed it. It was not re-sent, to avoid texting twice.",
        );
      }
      await writes.flush(now);
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
