/** Apply a provider's word about a message (delivery receipts), monotonically. */
import type { Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { MessageWrites, transition } from "./messages";

export type Receipt = {
  providerMessageId: string;
  /** Our id, when the provider echoes it back (Twilio status callback URL); may be malformed. */
  messageId?: string;
  status: "sent" | "delivered" | "read" | "failed";
  errorCode?: string;
  errorMessage?: string;
  /** Opt the contact out of the channel (a complaint, or a carrier STOP). */
  optOut?: boolean;
};

/** Per-user aggregate writers of one transaction, flushed once at its end. */
export class WritesByUser {
  private readonly byUser = new Map<Id<"users">, MessageWrites>();
  constructor(private readonly ctx: Pick<MutationCtx, "db" | "scheduler">) {}
  for(userId: Id<"users">): MessageWrites {
    let writes = this.byUser.get(userId);
    if (!writes) this.byUser.set(userId, (writes = new MessageWrites(this.ctx, userId)));
    return writes;
  }
  async flush(now = Date.now()): Promise<void> {
    for (const writes of this.byUser.values()) await writes.flush(now);
  }
}

export async function applyReceipt(ctx: Pick<MutationCtx, "db" | "scheduler">, receipt: Receipt, batch?: WritesByUser) {
  let message = await ctx.db
    .query("messages")
    .withIndex("by_providerMessageId", (q) => q.eq("providerMessageId", receipt.providerMessageId))
    .first();
  if (!message && receipt.messageId) {
    const id = ctx.db.normalizeId("messages", receipt.messageId);
    const byId = id && (await ctx.db.get("messages", id));
    // Only a message still waiting for its provider id may be matched by our own id.
    if (byId && byId.direction === "outbound" && byId.providerMessageId === undefined) message = byId;
  }
  if (!message) return { found: false, applied: false };

  const now = Date.now();
  const writes = batch ? batch.for(message.userId) : new MessageWrites(ctx, message.userId);
  const common = { providerMessageId: receipt.providerMessageId, claimedAt: undefined };
  const sentAt = message.sentAt === undefined ? { sentAt: now } : {};
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
          ...sentAt,
          ...(receipt.status === "delivered" ? { deliveredAt: now } : {}),
          ...(receipt.status === "read" ? { readAt: now, deliveredAt: message.deliveredAt ?? now } : {}),
        });
  if (!batch) await writes.flush();
  if (receipt.optOut) {
    const contact = await ctx.db.get("contacts", message.contactId);
    if (contact && !contact.optedOut[message.channel]) {
      await ctx.db.patch("contacts", contact._id, { optedOut: { ...contact.optedOut, [message.channel]: true } });
    }
  }
  return { found: true, applied: next !== null };
}
