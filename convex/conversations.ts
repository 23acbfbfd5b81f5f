/**
 * The conversation worker: applies recorded sends to their contacts (sent count, last broadcast,
 * the conversation row, the reply timer — convex/lib/messages.ts `applySent`), a pass every
 * PASS_INTERVAL_MS while there are any. Sends are recorded as inserts into `sentQueue` so the
 * transactions that record them (a pump's tick, a receipt) never write a contact; only this pass
 * does, and a reply from the same contact at that moment retries this pass, nothing else.
 */
import { v } from "convex/values";
import { internalMutation } from "./functions";
import { applySent as applyToContact, WritesByUser } from "./lib/messages";
import { continueWorker, ownsWorker, PASS_INTERVAL_MS, SETTLE_MS } from "./lib/workers";

/** Sends applied per pass: each reads a message and a contact and writes the contact. */
const SENT_BATCH = 100;

export const applySent = internalMutation({
  args: { gen: v.number() },
  returns: v.null(),
  handler: async (ctx, { gen }) => {
    if (!(await ownsWorker(ctx, "conversations", gen))) return null;
    const now = Date.now();
    const rows = await ctx.db
      .query("sentQueue")
      .withIndex("by_creation_time", (q) => q.lte("_creationTime", now - SETTLE_MS))
      .take(SENT_BATCH);
    if (rows.length > 0) {
      const writes = new WritesByUser(ctx);
      for (const row of rows) {
        const message = await ctx.db.get("messages", row.messageId);
        if (message) await applyToContact(ctx, writes.for(message.userId), message, row.sentAt);
        await ctx.db.delete("sentQueue", row._id);
      }
      await writes.flush();
      await continueWorker(ctx, "conversations", gen, rows.length === SENT_BATCH ? 0 : PASS_INTERVAL_MS);
      return null;
    }
    // Nothing settled yet: come back when the newest row has, or go idle on an empty queue.
    const newer = await ctx.db.query("sentQueue").withIndex("by_creation_time").first();
    await continueWorker(ctx, "conversations", gen, newer ? Math.max(1, Math.ceil(newer._creationTime + SETTLE_MS - now)) : null);
    return null;
  },
});
