/**
 * The aggregates rollup: one job folds the deltas every message write records into the daily
 * analytics, broadcast progress, contact counts and webhook rejection counts (convex/lib/rollup.ts),
 * a pass every PASS_INTERVAL_MS while there are any (see convex/lib/workers.ts for why this never
 * contends with the writers).
 */
import { v } from "convex/values";
import { internalMutation } from "./functions";
import { rollUp } from "./lib/rollup";
import { continueWorker, ownsWorker, PASS_INTERVAL_MS, SETTLE_MS } from "./lib/workers";

/** Deltas folded per pass: each is a few documents' worth of work. */
const ROLLUP_BATCH = 400;

export const rollup = internalMutation({
  args: { gen: v.number() },
  returns: v.null(),
  handler: async (ctx, { gen }) => {
    if (!(await ownsWorker(ctx, "rollup", gen))) return null;
    const now = Date.now();
    const deltas = await ctx.db
      .query("aggregateDeltas")
      .withIndex("by_creation_time", (q) => q.lte("_creationTime", now - SETTLE_MS))
      .take(ROLLUP_BATCH);
    if (deltas.length > 0) {
      await rollUp(ctx, deltas, now);
      await continueWorker(ctx, "rollup", gen, deltas.length === ROLLUP_BATCH ? 0 : PASS_INTERVAL_MS);
      return null;
    }
    // Nothing settled yet: come back when the newest delta has, or go idle on an empty queue.
    const newer = await ctx.db.query("aggregateDeltas").withIndex("by_creation_time").first();
    await continueWorker(ctx, "rollup", gen, newer ? Math.max(1, Math.ceil(newer._creationTime + SETTLE_MS - now)) : null);
    return null;
  },
});
