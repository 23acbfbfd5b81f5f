/**
 * Delivery receipts: the one internal path by which a provider's word about a message
 * (Twilio status callbacks, Resend events, the simulator) changes its status. Monotonic:
 * a late or repeated receipt never moves a message backwards (see convex/lib/receipts.ts).
 */
import { v } from "convex/values";
import { internalMutation } from "./functions";

import { applyReceipt, WritesByUser } from "./lib/receipts";

export const vReceiptStatus = v.union(v.literal("sent"), v.literal("delivered"), v.literal("read"), v.literal("failed"));

export const apply = internalMutation({
  args: {
    providerMessageId: v.string(),
    messageId: v.optional(v.string()),
    status: vReceiptStatus,
    errorCode: v.optional(v.string()),
    errorMessage: v.optional(v.string()),
    optOut: v.optional(v.boolean()),
  },
  returns: v.object({ found: v.boolean(), applied: v.boolean() }),
  handler: async (ctx, args) => await applyReceipt(ctx, args),
});

/** Many receipts of one status at once (the simulator reports a broadcast's deliveries in batches). */
export const applyMany = internalMutation({
  args: { providerMessageIds: v.array(v.string()), status: vReceiptStatus },
  returns: v.null(),
  handler: async (ctx, { providerMessageIds, status }) => {
    const batch = new WritesByUser(ctx);
    for (const providerMessageId of providerMessageIds) await applyReceipt(ctx, { providerMessageId, status }, batch);
    await batch.flush();
    return null;
  },
});
