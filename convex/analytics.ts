/** Analytics for a date range, read from the daily aggregates only (never from messages). */
import { v } from "convex/values";
import { userQuery } from "./functions";
import { analyticsSummary, vAnalyticsSummary } from "./lib/analytics";

export const summary = userQuery({
  args: {
    /** First day, inclusive, "YYYY-MM-DD" (UTC). */
    from: v.string(),
    /** Last day, inclusive. */
    to: v.string(),
  },
  returns: vAnalyticsSummary,
  handler: async (ctx, { from, to }) => await analyticsSummary(ctx, ctx.userId, from, to),
});
