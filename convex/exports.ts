/**
 * CSV exports in the app: contacts, messages of a date range, an import's failed rows. They are
 * built in the background (convex/exportJobs.ts); the browser downloads the chunks of a ready
 * export and joins them into the file.
 */
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { getOwned, userMutation, userQuery } from "./functions";
import { createExport } from "./lib/exports";
import schema, { vExportKind } from "./schema";

const vExport = doc(schema, "exports");

export const create = userMutation({
  args: { kind: vExportKind, from: v.optional(v.number()), to: v.optional(v.number()), importId: v.optional(v.id("imports")) },
  returns: v.id("exports"),
  handler: async (ctx, args) => await createExport(ctx, ctx.userId, ctx.actor, args),
});

/** An export with its progress (rows so far) and, when ready, how many chunks to download. */
export const get = userQuery({
  args: { exportId: v.id("exports") },
  returns: vExport,
  handler: async (ctx, { exportId }) => await getOwned(ctx, "exports", exportId),
});

/** Recent exports, newest first. */
export const list = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vExport),
  handler: async (ctx, { paginationOpts }) =>
    await ctx.db
      .query("exports")
      .withIndex("by_user", (q) => q.eq("userId", ctx.userId))
      .order("desc")
      .paginate(paginationOpts),
});

/** One chunk of a ready export's CSV text (chunks 0 … chunks - 1, in order). */
export const chunk = userQuery({
  args: { exportId: v.id("exports"), seq: v.number() },
  returns: v.string(),
  handler: async (ctx, { exportId, seq }) => {
    await getOwned(ctx, "exports", exportId);
    const found = await ctx.db
      .query("exportChunks")
      .withIndex("by_export_and_seq", (q) => q.eq("exportId", exportId).eq("seq", seq))
      .unique();
    return found?.text ?? "";
  },
});
