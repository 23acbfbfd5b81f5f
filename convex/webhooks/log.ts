import { v } from "convex/values";
import { internalMutation } from "../functions";
import { countRejection } from "../lib/stats";

/**
 * Count a rejected webhook request by provider and reason (its content is never kept). It only
 * inserts a delta that the aggregates rollup folds into the per-reason count: a flood of forged
 * requests shares no document, so none of them fails over a counter.
 */
export const reject = internalMutation({
  args: { provider: v.string(), reason: v.string() },
  returns: v.null(),
  handler: async (ctx, { provider, reason }) => {
    await countRejection(ctx, provider, reason);
    return null;
  },
});
