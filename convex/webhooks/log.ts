import { v } from "convex/values";
import { internalMutation } from "../functions";

/** Count a rejected webhook request by provider and reason (its content is never kept). */
export const reject = internalMutation({
  args: { provider: v.string(), reason: v.string() },
  returns: v.null(),
  handler: async (ctx, { provider, reason }) => {
    const row = await ctx.db
      .query("webhookRejections")
      .withIndex("by_provider_and_reason", (q) => q.eq("provider", provider).eq("reason", reason))
      .unique();
    if (row) await ctx.db.patch("webhookRejections", row._id, { count: row.count + 1, lastAt: Date.now() });
    else await ctx.db.insert("webhookRejections", { provider, reason, count: 1, lastAt: Date.now() });
    return null;
  },
});
