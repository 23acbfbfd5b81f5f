/**
 * Claiming a message for sending, and recording what the provider said. Every outbound message
 * is sent by
 *
 *   claim (mutation: `→ sending`) → provider call (the pump action) → outcome (mutation)
 *
 * A claim moves the message to `sending` in one transaction, so however many things race for it
 * only one calls the provider. Transient failures are retried with backoff. An SMS/WhatsApp whose
 * outcome is unknown (the call timed out, or the action died after the request left) is never
 * re-sent automatically: a receipt settles it, or the sweep fails it with UNKNOWN_OUTCOME. Email
 * may be retried: Resend deduplicates by our idempotency key.
 */
import { v, type Infer } from "convex/values";
import { isPending } from "../../lib/messageStatus";
import type { MutationCtx } from "../_generated/server";
import { vChannel, vProvider } from "../schema";
import { backoffMs, RETRY_POLICY } from "./backoff";
import { setOptOut } from "./contacts";
import { replyHeaders } from "./emailBodies";
import { env } from "./env";
import { annotateMessage, holdMessage, transition, type MessageDoc, type MessageWrites } from "./messages";
import { claimPolicyRequest, refuseClaim } from "./claimPolicy";
import { dispatchPending } from "./lanes";
import { renderAtSend } from "./personalize";
import { SendPolicy } from "./sendPolicy";

type Ctx = Pick<MutationCtx, "db" | "scheduler">;

/** Timers may fire a little early; a claim accepts a single message due within this margin. */
export const EARLY_MS = 50;

/**
 * A claimed send, as the pump needs it: addresses and ids, never the text (up to 50,000
 * characters a message: hundreds of them would not fit in a function's return value). The pump
 * reads bodies separately, once per broadcast, or per message for single sends.
 */
export const vJob = v.object({
  messageId: v.id("messages"),
  attempt: v.number(),
  channel: vChannel,
  provider: vProvider,
  senderId: v.id("senders"),
  /** A broadcast's messages all say what the broadcast says… */
  broadcastId: v.optional(v.id("broadcasts")),
  /** …unless rendered for their recipient (merge fields, a WhatsApp template): then the text is the message's own. */
  ownBody: v.optional(v.boolean()),
  to: v.string(),
  from: v.string(),
  messagingServiceSid: v.optional(v.string()),
  statusCallbackUrl: v.optional(v.string()),
  /** An email to one person answers their latest email (its Message-ID), so it lands in their thread. */
  inReplyTo: v.optional(v.string()),
  references: v.optional(v.string()),
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

export const vResult = v.object({
  messageId: v.id("messages"),
  attempt: v.number(),
  outcome: vOutcome,
  /** When the provider answered (the outcome is recorded up to a tick later). */
  at: v.optional(v.number()),
});
export type Result = Infer<typeof vResult>;

export async function failMessage(ctx: Ctx, writes: MessageWrites, message: MessageDoc, code: string, reason: string) {
  return await transition(ctx, writes, message, "failed", {
    failedAt: Date.now(),
    claimedAt: undefined,
    lastError: { code, message: reason, permanent: true },
  });
}

/**
 * Claim one message for sending: re-check the rules (things change while a message waits),
 * then move it to `sending`. Null when someone else owns it, it is not due, or it failed the checks.
 */
export async function claimMessage(
  ctx: Ctx,
  writes: MessageWrites,
  message: MessageDoc,
  now: number,
  early = EARLY_MS,
): Promise<Job | null> {
  if (message.direction !== "outbound" || !isPending(message.status)) return null;
  if ((message.scheduledAt ?? 0) > now + early) return null;

  const contact = await ctx.db.get("contacts", message.contactId);
  if (!contact) {
    await failMessage(ctx, writes, message, "CONTACT_REMOVED", "The contact was removed.");
    return null;
  }
  // The one send policy, again at send time: things change while a message waits.
  const decision = await new SendPolicy(ctx, message.userId).check(claimPolicyRequest(message, contact, now));
  if (decision.decision === "refuse") {
    await refuseClaim(ctx, writes, message, decision);
    return null;
  }
  if (decision.decision === "hold") {
    await holdMessage(ctx, writes, message, decision.until);
    await dispatchPending(ctx, message, decision.until);
    return null;
  }
  const { sender, to } = decision;
  // A scheduled message with merge fields is rendered now, with the contact's values now.
  const rendered = message.template ? await renderAtSend(ctx, message, contact, sender) : null;
  if (rendered && !rendered.ok) {
    await failMessage(ctx, writes, message, rendered.code, rendered.message);
    return null;
  }
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
    // An earlier try's error is history; from here on a lastError means this try's outcome.
    lastError: undefined,
    ...(rendered ? rendered.patch : {}),
  });
  return {
    messageId: message._id,
    attempt,
    channel: message.channel,
    provider: sender.provider,
    senderId: sender._id,
    ...(message.broadcastId ? { broadcastId: message.broadcastId, ...(message.personalized ? { ownBody: true } : {}) } : {}),
    to,
    from: sender.address,
    ...(sender.messagingServiceSid ? { messagingServiceSid: sender.messagingServiceSid } : {}),
    ...(sender.provider === "twilio" ? { statusCallbackUrl: `${env.siteUrl()}/webhooks/twilio/status?m=${message._id}` } : {}),
    ...(thread ?? {}),
  };
}

/**
 * Record what the provider said about one claimed message. Ignored if the message was settled
 * meanwhile (a receipt, the sweep). Returns the provider id of a simulator send (whose delivery
 * the caller reports) and, for a send to try again, when.
 */
export async function recordOutcome(
  ctx: Ctx,
  writes: MessageWrites,
  message: MessageDoc,
  attempt: number,
  outcome: Outcome,
  now: number,
): Promise<{ simulatedDelivery?: string; retryAt?: number }> {
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
    await annotateMessage(ctx, message, { lastError });
    return {};
  }
  if (!outcome.permanent && attempt < RETRY_POLICY.maxAttempts) {
    const broadcast = message.broadcastId && (await ctx.db.get("broadcasts", message.broadcastId));
    if (broadcast && broadcast.status === "canceled") {
      // Its broadcast was canceled meanwhile: the retry is canceled with it.
      const waiting = await transition(ctx, writes, message, "scheduled", { claimedAt: undefined, lastError });
      if (waiting) await transition(ctx, writes, waiting, "canceled", { scheduledAt: undefined });
      return {};
    }
    const retryAt = now + backoffMs(attempt, outcome.retryAfterMs);
    await transition(ctx, writes, message, "scheduled", { scheduledAt: retryAt, claimedAt: undefined, lastError });
    return { retryAt };
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
    if (contact) {
      await setOptOut(ctx, contact, message.channel, true, {
        actor: { kind: "webhook", id: "twilio" },
        details: { reason: "carrier opt-out (21610)" },
      });
    }
  }
  return {};
}

