/**
 * Delivery receipts: the one internal path by which a provider's word about a message (Twilio
 * status callbacks, Resend events, the simulator) changes its status. Webhooks queue receipts;
 * one applier job applies them in batches (see convex/lib/receipts.ts).
 */
import { v } from "convex/values";
import { internalMutation } from "./functions";
import { WritesByUser } from "./lib/messages";
import { applyReceipt, enqueueReceipt, receiptDecision, receiptMessage } from "./lib/receipts";
import { continueWorker, ownsWorker, PASS_INTERVAL_MS, SETTLE_MS } from "./lib/workers";
import { vReceiptStatus } from "./schema";

export { vReceiptStatus };

/** Receipts applied per pass: each reads and writes a message or two. */
const RECEIPT_BATCH = 200;

/** Queue a receipt. Reads nothing, so no load elsewhere can make a status webhook fail. */
export const apply = internalMutation({
  args: {
    providerMessageId: v.string(),
    messageId: v.optional(v.string()),
    status: vReceiptStatus,
    errorCode: v.optional(v.string()),
    errorMessage: v.optional(v.string()),
    optOut: v.optional(v.boolean()),
  },
  returns: v.null(),
  handler: async (ctx, receipt) => {
    await enqueueReceipt(ctx, receipt);
    return null;
  },
});

/** One pass of the applier: the oldest due receipts, in order; those that must wait are put back. */
export const applyQueued = internalMutation({
  args: { gen: v.number() },
  returns: v.null(),
  handler: async (ctx, { gen }) => {
    if (!(await ownsWorker(ctx, "receipts", gen))) return null;
    const now = Date.now();
    const rows = await ctx.db
      .query("receiptQueue")
      .withIndex("by_notBefore", (q) => q.lte("notBefore", now - SETTLE_MS))
      .take(RECEIPT_BATCH);
    const writes = new WritesByUser(ctx);
    for (const row of rows) {
      const message = await receiptMessage(ctx, row);
      const decision = receiptDecision(row, message, now);
      if (decision === "wait") {
        const tries = row.tries + 1;
        await ctx.db.patch("receiptQueue", row._id, { tries, notBefore: now + Math.min(5_000, 250 * 2 ** tries) });
        continue;
      }
      if (decision === "apply") await applyReceipt(ctx, writes.for(message!.userId), message!, row);
      else console.warn(`[receipts] no message for provider id ${row.providerMessageId.slice(0, 40)}; dropped`);
      await ctx.db.delete("receiptQueue", row._id);
    }
    await writes.flush();
    if (rows.length === RECEIPT_BATCH) {
      await continueWorker(ctx, "receipts", gen, 0);
      return null;
    }
    const next = await ctx.db.query("receiptQueue").withIndex("by_notBefore").first();
    await continueWorker(
      ctx,
      "receipts",
      gen,
      next ? Math.max(rows.length ? PASS_INTERVAL_MS : 1, Math.ceil(next.notBefore + SETTLE_MS - now)) : null,
    );
    return null;
  },
});
