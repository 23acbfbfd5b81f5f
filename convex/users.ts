import { v } from "convex/values";
import { optionalUserQuery } from "./functions";

/** Who is signed in, or null: the UI's source of truth for the account menu. */
export const viewer = optionalUserQuery({
  args: {},
  returns: v.union(
    v.null(),
    v.object({ _id: v.id("users"), email: v.optional(v.string()), name: v.optional(v.string()) }),
  ),
  handler: async (ctx) => {
    if (ctx.userId === null) return null;
    const user = await ctx.db.get("users", ctx.userId);
    if (user === null) return null;
    return { _id: user._id, email: user.email, name: user.name };
  },
});
