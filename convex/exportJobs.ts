/** Building exports (self-rescheduling, a batch per transaction) and deleting them after a day. */
import { v } from "convex/values";
import { internal } from "./_generated/api";
import { internalMutation } from "./functions";
import { csvLines, readBatch, splitChunks } from "./lib/exports";

/** Exports deleted per cleanup transaction (each with its chunks). */
const CLEANUP_BATCH = 20;
const CHUNK_DELETE_BATCH = 200;

/** Turn the next batch of rows into CSV chunks; the last batch marks the export ready. */
export const buildBatch = internalMutation({
  args: { exportId: v.id("exports"), run: v.number() },
  returns: v.null(),
  handler: async (ctx, { exportId, run }) => {
    const exp = await ctx.db.get("exports", exportId);
    if (!exp || exp.run !== run || exp.status !== "building") return null;
    const batch = await readBatch(ctx, exp);
    const text = (batch.header ? csvLines([batch.header]) : "") + csvLines(batch.rows);
    let chunks = exp.chunks;
    for (const piece of splitChunks(text)) {
      await ctx.db.insert("exportChunks", { userId: exp.userId, exportId, seq: chunks++, text: piece });
    }
    const now = Date.now();
    await ctx.db.patch("exports", exportId, {
      rows: exp.rows + batch.rows.length,
      chunks,
      bytes: exp.bytes + new TextEncoder().encode(text).length,
      cursor: batch.cursor,
      heartbeatAt: now,
      ...(batch.done ? { status: "ready" as const, completedAt: now } : {}),
    });
    if (!batch.done) await ctx.scheduler.runAfter(0, internal.exportJobs.buildBatch, { exportId, run });
    return null;
  },
});

/** Delete expired exports and their chunks (hourly). */
export const cleanup = internalMutation({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    const expired = await ctx.db
      .query("exports")
      .withIndex("by_expiresAt", (q) => q.lt("expiresAt", Date.now()))
      .take(CLEANUP_BATCH);
    let more = expired.length === CLEANUP_BATCH;
    for (const exp of expired) {
      const chunks = await ctx.db
        .query("exportChunks")
        .withIndex("by_export_and_seq", (q) => q.eq("exportId", exp._id))
        .take(CHUNK_DELETE_BATCH);
      for (const c of chunks) await ctx.db.delete("exportChunks", c._id);
      if (chunks.length < CHUNK_DELETE_BATCH) await ctx.db.delete("exports", exp._id);
      else more = true;
    }
    if (more) await ctx.scheduler.runAfter(0, internal.exportJobs.cleanup, {});
    return null;
  },
});
