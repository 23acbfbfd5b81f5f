/**
 * Delivery receipts: a provider's word about a message (Twilio status callbacks, Resend events,
 * the simulator). A webhook only queues a receipt — an insert that reads nothing, so it cannot
 * fail however busy the engine is — and the receipt applier (convex/receipts.ts) applies queued
 * receipts in batches, in arrival order, monotonically: a late or repeated receipt never moves a
 * message backwards (lib/messageStatus.ts).
 *
 * A receipt can arrive before the send's own outcome is recorded (the provider is quick, the pump
 * records outcomes a moment later). It then waits in the queue, so the applier never writes a
 * message the pump is about to record; once the outcome is in (or the call has certainly ended) it
 * is applied. A receipt for a message not found yet (Resend's email id is known only from the
 * outcome) waits too, for a while.
 */
import type { Doc } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import type { ReceiptStatus } from "../schema";
import { setOptOut } from "./contacts";
import { env } from "./env";
import { MessageWrites, transition, type MessageDoc } from "./messages";
import { SETTLE_MS, wakeWorker } from "./workers";

type Ctx = Pick<MutationCtx, "db" | "scheduler">;

export type Receipt = {
  providerMessageId: string;
  /** Our id, when the provider echoes it back (Twilio status callback URL); may be malformed. */
  messageId?: string;
  status: ReceiptStatus;
  errorCode?: string;
  errorMessage?: string;
  /** Opt the contact out of the channel (a complaint, or a carrier STOP). */
  optOut?: boolean;
};

/** A receipt for a message not found (yet) is kept this long. */
export const RECEIPT_NOT_FOUND_WAIT_MS = 2 * 60_000;

/** Queue receipts (applied within a fraction of a second, or from `notBefore`). */
export async function enqueueReceipts(ctx: Ctx, receipts: Receipt[], notBefore = Date.now()): Promise<void> {
  const now = Date.now();
  for (const receipt of receipts) await ctx.db.insert("receiptQueue", { ...receipt, receivedAt: now, notBefore, tries: 0 });
  if (receipts.length) await wakeWorker(ctx, "receipts", Math.max(0, notBefore - now) + SETTLE_MS);
}

export async function enqueueReceipt(ctx: Ctx, receipt: Receipt): Promise<void> {
  await enqueueReceipts(ctx, [receipt]);
}

/** The message a receipt is about: by the provider's id, else by ours while it still awaits the provider's. */
export async function receiptMessage(ctx: Pick<MutationCtx, "db">, receipt: Receipt): Promise<MessageDoc | null> {
  const byProviderId = await ctx.db
    .query("messages")
    .withIndex("by_providerMessageId", (q) => q.eq("providerMessageId", receipt.providerMessageId))
    .first();
  if (byProviderId || !receipt.messageId) return byProviderId;
  const id = ctx.db.normalizeId("messages", receipt.messageId);
  const byId = id && (await ctx.db.get("messages", id));
  return byId && byId.direction === "outbound" && byId.providerMessageId === undefined ? byId : null;
}

/**
 * Whether the send's outcome may still be recorded by its pump: the message is `sending`, no
 * outcome (not even "unknown") is on it, and the provider call could still be running.
 */
export function outcomePending(message: MessageDoc, now: number): boolean {
  return (
    message.status === "sending" &&
    message.lastError === undefined &&
    (message.claimedAt ?? 0) > now - (env.channelConfig().timeoutMs + 10_000)
  );
}

/** What to do with a queued receipt now. */
export function receiptDecision(row: Doc<"receiptQueue">, message: MessageDoc | null, now: number): "apply" | "wait" | "drop" {
  if (!message) return row.receivedAt > now - RECEIPT_NOT_FOUND_WAIT_MS ? "wait" : "drop";
  return outcomePending(message, now) ? "wait" : "apply";
}

/** Apply one receipt to its message; returns whether the status changed. */
export async function applyReceipt(ctx: Ctx, writes: MessageWrites, message: MessageDoc, receipt: Receipt): Promise<boolean> {
  const now = Date.now();
  const common = { providerMessageId: receipt.providerMessageId, claimedAt: undefined };
  const next =
    receipt.status === "failed"
      ? await transition(ctx, writes, message, "failed", {
          ...common,
          failedAt: now,
          lastError: {
            code: receipt.errorCode ?? "DELIVERY_FAILED",
            message: receipt.errorMessage ?? "The message was not delivered.",
            permanent: true,
          },
        })
      : await transition(ctx, writes, message, receipt.status, {
          ...common,
          ...(message.sentAt === undefined ? { sentAt: now } : {}),
          ...(receipt.status === "delivered" ? { deliveredAt: now } : {}),
          ...(receipt.status === "read" ? { readAt: now, deliveredAt: message.deliveredAt ?? now } : {}),
        });
  if (receipt.optOut) {
    const contact = await ctx.db.get("contacts", message.contactId);
    if (contact) {
      await setOptOut(ctx, contact, message.channel, true, {
        actor: { kind: "webhook", id: message.provider ?? "provider" },
        details: { reason: receipt.errorCode ?? "carrier opt-out" },
      });
    }
  }
  return next !== null;
}
