/**
 * Delivery receipts: the one internal path by which a provider's word about a message
 * (Twilio status callbacks, Resend events, the simulator) changes its status. Monotonic:
 * a late or repeated receipt never moves a message backwards.
 */
import { v } from "convex/values";
import type { Id } from "./_generated/dataModel";
import { internalMutation } from "./_generated/server";
import { MessageWrites, transition } from "./lib/messages";

export const vReceiptStatus = v.union(v.literal("sent"), v.literal("delivered"), v.literal("read"), v.literal("failed"));

export const apply = internalMutation({
  args: {
    providerMessageId: v.string(),
    /** Our id, when the provider echoes it back (Twilio status callback URL): settles a claim whose completion was lost. */
    messageId: v.optional(v.id("messages")),
    status: vReceiptStatus,
    errorCode: v.optional(v.string()),
    errorMessage: v.optional(v.string()),
    /** Opt the contact out of the channel (a complaint, or a carrier STOP). */
    optOut: v.optional(v.boolean()),
  },
  returns: v.object({ found: v.boolean(), applied: v.boolean() }),
  handler: async (ctx, args) => {
    let message = await ctx.db
      .query("messages")
      .withIndex("by_providerMessageId", (q) => q.eq("providerMessageId", args.providerMessageId))
      .first();
    if (!message && args.messageId) {
      const byId = await ctx.db.get("messages", args.messageId as Id<"messages">);
      // Only a message still waiting for its provider id may be matched by our own id.
      if (byId && byId.direction === "outbound" && byId.providerMessageId === undefined) message = byId;
    }
    if (!message) return { found: false, applied: false };

    const now = Date.now();
    const writes = new MessageWrites(ctx, message.userId);
    const common = { providerMessageId: args.providerMessageId, claimedAt: undefined };
    const sentAt = message.sentAt === undefined ? { sentAt: now } : {};
    const next =
      args.status === "failed"
        ? await transition(ctx, writes, message, "failed", {
            ...common,
            failedAt: now,
            lastError: {
              code: args.errorCode ?? "DELIVERY_FAILED",
              message: args.errorMessage ?? "The message was not delivered.",
              permanent: true,
            },
          })
        : await transition(ctx, writes, message, args.status, {
            ...common,
            ...sentAt,
            ...(args.status === "delivered" ? { deliveredAt: now } : {}),
            ...(args.status === "read" ? { readAt: now, deliveredAt: message.deliveredAt ?? now } : {}),
          });
    await writes.flush();
    if (args.optOut) {
      const contact = await ctx.db.get("contacts", message.contactId);
      if (contact && !contact.optedOut[message.channel]) {
        await ctx.db.patch("contacts", contact._id, { optedOut: { ...contact.optedOut, [message.channel]: true } });
      }
    }
    return { found: true, applied: next !== null };
  },
});
