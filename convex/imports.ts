/**
 * CSV imports in the app: upload a file, see the preview (what would be created, updated,
 * skipped, and the first problems), adjust the options, run it with live progress, cancel,
 * download the rows that failed (convex/exports.ts), and undo. The jobs are in importJobs.ts.
 */
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { getOwned, userMutation, userQuery } from "./functions";
import { cancelImport, createImport, reanalyzeImport, startImport, undoImport } from "./lib/imports";
import schema, { vDuplicatePolicy, vImportRowStatus } from "./schema";

const vImport = doc(schema, "imports");
const vImportRow = doc(schema, "importRows");

const vOptionsInput = v.object({
  defaultCountry: v.optional(v.string()),
  onDuplicate: v.optional(vDuplicatePolicy),
  mapping: v.optional(v.array(v.string())),
  tag: v.optional(v.string()),
  groupId: v.optional(v.id("groups")),
  newGroupName: v.optional(v.string()),
});

/** Where the browser POSTs the file (Convex file storage); the answer's storageId goes to `create`. */
export const generateUploadUrl = userMutation({
  args: {},
  returns: v.string(),
  handler: async (ctx) => await ctx.storage.generateUploadUrl(),
});

/** An import of an uploaded file; its analysis (the preview) starts at once. */
export const create = userMutation({
  args: { storageId: v.id("_storage"), fileName: v.string(), options: v.optional(vOptionsInput) },
  returns: v.id("imports"),
  handler: async (ctx, { storageId, fileName, options }) =>
    await createImport(ctx, ctx.userId, ctx.actor, { storageId, fileName, options: options ?? {}, autoStart: false }),
});

/** Change the options (country, duplicates, column mapping, tag, group) of an analysed import: the preview is redone. */
export const setOptions = userMutation({
  args: { importId: v.id("imports"), options: vOptionsInput },
  returns: v.null(),
  handler: async (ctx, { importId, options }) => {
    await reanalyzeImport(ctx, ctx.userId, await getOwned(ctx, "imports", importId), options);
    return null;
  },
});

export const start = userMutation({
  args: { importId: v.id("imports") },
  returns: v.null(),
  handler: async (ctx, { importId }) => {
    await startImport(ctx, ctx.userId, ctx.actor, await getOwned(ctx, "imports", importId));
    return null;
  },
});

export const cancel = userMutation({
  args: { importId: v.id("imports") },
  returns: v.null(),
  handler: async (ctx, { importId }) => {
    await cancelImport(ctx, ctx.userId, ctx.actor, await getOwned(ctx, "imports", importId));
    return null;
  },
});

export const undo = userMutation({
  args: { importId: v.id("imports") },
  returns: v.null(),
  handler: async (ctx, { importId }) => {
    await undoImport(ctx, ctx.userId, ctx.actor, await getOwned(ctx, "imports", importId));
    return null;
  },
});

/** An import with its preview, live progress and counts. */
export const get = userQuery({
  args: { importId: v.id("imports") },
  returns: vImport,
  handler: async (ctx, { importId }) => await getOwned(ctx, "imports", importId),
});

/** The account's imports, newest first. */
export const list = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vImport),
  handler: async (ctx, { paginationOpts }) =>
    await ctx.db
      .query("imports")
      .withIndex("by_user", (q) => q.eq("userId", ctx.userId))
      .order("desc")
      .paginate(paginationOpts),
});

/** An import's rows with one outcome (e.g. "failed" or "invalid"), in file order. */
export const rows = userQuery({
  args: { importId: v.id("imports"), status: vImportRowStatus, paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vImportRow),
  handler: async (ctx, { importId, status, paginationOpts }) => {
    await getOwned(ctx, "imports", importId);
    return await ctx.db
      .query("importRows")
      .withIndex("by_import_and_status_and_row", (q) => q.eq("importId", importId).eq("status", status))
      .paginate(paginationOpts);
  },
});
