import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { doc } from "convex-helpers/validators";
import { userQuery } from "./functions";
import schema from "./schema";

/** The signed-in user's audit log, newest first. */
export const list = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(doc(schema, "auditLog")),
  handler: async (ctx, { paginationOpts }) =>
    await ctx.db
      .query("auditLog")
      .withIndex("by_user_and_at", (q) => q.eq("userId", ctx.userId))
      .order("desc")
      .paginate(paginationOpts),
});
