/**
 * REST API: /imports. A CSV file is POSTed as the body (`text/csv`), stored, and analysed in the
 * request: `dryRun=true` answers with the preview only; otherwise the import runs in the
 * background (202) and GET /imports/{id} follows it.
 */
import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import { apiMutation, apiQuery, getOwned, getOwnedByString } from "../functions";
import { MAX_IMPORT_BYTES } from "../lib/importCsv";
import { cancelImport, createImport, startImport, undoImport } from "../lib/imports";
import { analyzeImport } from "../lib/importRun";
import { vDuplicatePolicy, vImportRowStatus } from "../schema";
import { ApiError } from "./errors";
import { pageOptions, readPage } from "./resources";
import { defineRoute, type ApiRoute } from "./route";
import * as s from "./schemas";

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function importJson(imp: Doc<"imports">): s.ImportJson {
  const a = imp.analysis;
  return {
    id: imp._id,
    fileName: imp.fileName,
    bytes: imp.size,
    status: imp.status,
    options: {
      defaultCountry: imp.options.defaultCountry,
      onDuplicate: imp.options.onDuplicate,
      tag: imp.options.tag ?? null,
      groupId: imp.groupId ?? imp.options.groupId ?? null,
      newGroupName: imp.options.newGroupName ?? null,
    },
    file: a ? { encoding: a.encoding, delimiter: a.delimiter, hasHeader: a.hasHeader, headers: a.headers, rows: a.rows } : null,
    mapping: a?.mapping ?? imp.options.mapping ?? null,
    preview: a?.preview ?? null,
    progress: { processed: imp.processed, total: imp.total || a?.rows || 0 },
    counts: imp.counts,
    problems: [...(a?.problems ?? []), ...imp.problems].sort((x, y) => x.row - y.row).slice(0, 100),
    error: imp.error ?? null,
    createdAt: new Date(imp._creationTime).toISOString(),
    startedAt: iso(imp.startedAt),
    completedAt: iso(imp.completedAt),
  };
}

function rowJson(r: Doc<"importRows">): s.ImportRowJson {
  return { row: r.row, status: r.status, reason: r.reason ?? null, contactId: r.contactId ?? null, cells: r.raw };
}

export const create = apiMutation({
  args: {
    storageId: v.id("_storage"),
    fileName: v.string(),
    autoStart: v.boolean(),
    options: v.object({
      defaultCountry: v.optional(v.string()),
      onDuplicate: v.optional(vDuplicatePolicy),
      mapping: v.optional(v.array(v.string())),
      tag: v.optional(v.string()),
      groupId: v.optional(v.string()),
      newGroupName: v.optional(v.string()),
    }),
  },
  handler: async (ctx, { storageId, fileName, autoStart, options }) => {
    const { groupId, ...rest } = options;
    const group = groupId !== undefined ? await getOwnedByString(ctx, "groups", groupId) : null;
    return await createImport(ctx, ctx.userId, ctx.actor, {
      storageId,
      fileName,
      autoStart,
      scheduleAnalysis: false,
      options: { ...rest, ...(group ? { groupId: group._id } : {}) },
    });
  },
});

/** A stored upload whose import could not be created (bad options): nothing should keep it. */
export const discardUpload = apiMutation({
  args: { storageId: v.id("_storage") },
  handler: async (ctx, { storageId }) => {
    await ctx.storage.delete(storageId);
    return null;
  },
});

export const get = apiQuery({
  args: { importId: v.string() },
  handler: async (ctx, { importId }) => importJson(await getOwnedByString(ctx, "imports", importId)),
});

export const getById = apiQuery({
  args: { importId: v.id("imports") },
  handler: async (ctx, { importId }) => importJson(await getOwned(ctx, "imports", importId)),
});

export const list = apiQuery({
  args: { paginationOpts: paginationOptsValidator },
  handler: async (ctx, { paginationOpts }) =>
    await readPage(
      paginationOpts,
      () =>
        ctx.db
          .query("imports")
          .withIndex("by_user", (q) => q.eq("userId", ctx.userId))
          .order("desc")
          .paginate(paginationOpts),
      importJson,
    ),
});

export const rows = apiQuery({
  args: { importId: v.string(), status: vImportRowStatus, paginationOpts: paginationOptsValidator },
  handler: async (ctx, { importId, status, paginationOpts }) => {
    const imp = await getOwnedByString(ctx, "imports", importId);
    return await readPage(
      paginationOpts,
      () =>
        ctx.db
          .query("importRows")
          .withIndex("by_import_and_status_and_row", (q) => q.eq("importId", imp._id).eq("status", status))
          .paginate(paginationOpts),
      rowJson,
    );
  },
});

const act = (what: "start" | "cancel" | "undo") =>
  apiMutation({
    args: { importId: v.string() },
    handler: async (ctx, { importId }) => {
      const imp = await getOwnedByString(ctx, "imports", importId);
      const fn = what === "start" ? startImport : what === "cancel" ? cancelImport : undoImport;
      await fn(ctx, ctx.userId, ctx.actor, imp);
      return importJson(await getOwned(ctx, "imports", imp._id));
    },
  });
export const start = act("start");
export const cancel = act("cancel");
export const undo = act("undo");

const TAG = "Imports";

export const importRoutes: ApiRoute[] = [
  defineRoute({
    method: "POST",
    path: "/imports",
    tag: TAG,
    summary: "Import contacts from a CSV file",
    description:
      "Send the file itself as the body (`Content-Type: text/csv`, up to 10 MB and 50,000 rows; UTF-8 with or " +
      "without BOM, UTF-16, or Windows-1252; separated by `,` `;` tab or `|`). Columns are mapped from their " +
      "headers (name, first/last name, phone, mobile, email, tags, consent, custom fields by name). The file is " +
      "analysed in the request: with `dryRun=true` the answer (200) is the preview only and nothing is written " +
      "(run it later with POST /imports/{id}/start); otherwise the import runs in the background (202): follow " +
      "it with GET /imports/{id}. A file that is not CSV gets 400 `INVALID_FILE`.",
    query: s.ImportQuery,
    rawBody: { contentTypes: ["text/csv", "text/plain", "application/csv"], maxBytes: MAX_IMPORT_BYTES, description: "The CSV file." },
    responses: {
      200: { description: "dryRun: the import with its preview; nothing was written.", schema: s.Import },
      202: { description: "Accepted: the import, running (or analysed and about to run).", schema: s.Import },
    },
    errors: [404, 422],
    handler: async (ctx, { query, raw }) => {
      const storageId = await ctx.storage.store(new Blob([raw as Uint8Array<ArrayBuffer>], { type: "text/csv" }));
      let importId: Id<"imports">;
      try {
        importId = await ctx.runMutation(internal.api.imports.create, {
          ...ctx.auth,
          storageId,
          fileName: query.fileName ?? "import.csv",
          autoStart: !query.dryRun,
          options: {
            ...(query.defaultCountry ? { defaultCountry: query.defaultCountry } : {}),
            ...(query.onDuplicate ? { onDuplicate: query.onDuplicate } : {}),
            ...(query.mapping !== undefined ? { mapping: query.mapping.split(",").map((t) => t.trim()) } : {}),
            ...(query.tag ? { tag: query.tag } : {}),
            ...(query.groupId ? { groupId: query.groupId } : {}),
            ...(query.newGroup ? { newGroupName: query.newGroup } : {}),
          },
        });
      } catch (error) {
        await ctx.runMutation(internal.api.imports.discardUpload, { ...ctx.auth, storageId });
        throw error;
      }
      await analyzeImport(ctx, importId, 0);
      const imp = await ctx.runQuery(internal.api.imports.getById, { ...ctx.auth, importId });
      if (imp.status === "failed" && imp.error) {
        throw new ApiError(imp.error.code as "INVALID_FILE", imp.error.message, { importId });
      }
      return { status: query.dryRun ? 200 : 202, body: imp };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/imports",
    tag: TAG,
    summary: "List imports",
    description: "Newest first.",
    query: s.PageQuery,
    responses: { 200: { description: "A page of imports.", schema: s.ImportList } },
    handler: async (ctx, { query }) => ({
      status: 200,
      body: await ctx.runQuery(internal.api.imports.list, { ...ctx.auth, paginationOpts: pageOptions(query) }),
    }),
  }),
  defineRoute({
    method: "GET",
    path: "/imports/{id}",
    tag: TAG,
    summary: "Get an import: status, progress, counts, problems",
    description:
      "`counts` are the rows written so far (created, updated, unchanged, skipped, invalid, failed); `problems` " +
      "the first 100 rows that were not imported, with their row numbers (the header is row 1).",
    params: s.IdParams,
    responses: { 200: { description: "The import.", schema: s.Import } },
    errors: [404],
    handler: async (ctx, { params }) => ({
      status: 200,
      body: await ctx.runQuery(internal.api.imports.get, { ...ctx.auth, importId: params.id }),
    }),
  }),
  defineRoute({
    method: "GET",
    path: "/imports/{id}/rows",
    tag: TAG,
    summary: "An import's rows with one outcome",
    description: "E.g. `status=failed` or `status=invalid`: each row's number, the reason and its cells as read.",
    params: s.IdParams,
    query: s.ImportRowsQuery,
    responses: { 200: { description: "A page of rows, in file order.", schema: s.ImportRowList } },
    errors: [404],
    handler: async (ctx, { params, query }) => ({
      status: 200,
      body: await ctx.runQuery(internal.api.imports.rows, {
        ...ctx.auth,
        importId: params.id,
        status: query.status,
        paginationOpts: pageOptions(query),
      }),
    }),
  }),
  ...(["start", "cancel", "undo"] as const).map((what) =>
    defineRoute({
      method: "POST",
      path: `/imports/{id}/${what}`,
      tag: TAG,
      summary:
        what === "start"
          ? "Run a previewed (dryRun) import"
          : what === "cancel"
            ? "Cancel an import"
            : "Undo an import",
      description:
        what === "start"
          ? "The import runs in the background; follow it with GET /imports/{id}."
          : what === "cancel"
            ? "Rows not yet written are not written; what was written stays (and can be undone)."
            : "Removes the contacts it created and restores the ones it changed, in the background.",
      params: s.IdParams,
      responses: { 202: { description: "Accepted: the import.", schema: s.Import } },
      errors: [404, 422],
      handler: async (ctx, { params }) => ({
        status: 202,
        body: await ctx.runMutation(internal.api.imports[what], { ...ctx.auth, importId: params.id }),
      }),
    }),
  ),
];
