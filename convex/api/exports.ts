/** REST API: /exports. CSV files built in the background; GET /exports/{id}/file downloads a ready one. */
import { v } from "convex/values";
import { internal } from "../_generated/api";
import type { Doc } from "../_generated/dataModel";
import { apiMutation, apiQuery, getOwned, getOwnedByString } from "../functions";
import { appError } from "../lib/errors";
import { createExport } from "../lib/exports";
import { vExportKind } from "../schema";
import { defineRoute, type ApiRoute } from "./route";
import * as s from "./schemas";

/** Convex answers an HTTP action with at most 20 MiB. */
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024 - 64 * 1024;

function exportJson(e: Doc<"exports">): s.ExportJson {
  return {
    id: e._id,
    kind: e.kind,
    status: e.status,
    fileName: e.fileName,
    from: e.from === undefined ? null : new Date(e.from).toISOString(),
    to: e.to === undefined ? null : new Date(e.to).toISOString(),
    importId: e.importId ?? null,
    rows: e.rows,
    bytes: e.bytes,
    createdAt: new Date(e._creationTime).toISOString(),
    completedAt: e.completedAt === undefined ? null : new Date(e.completedAt).toISOString(),
    expiresAt: new Date(e.expiresAt).toISOString(),
  };
}

export const create = apiMutation({
  args: { kind: vExportKind, from: v.optional(v.number()), to: v.optional(v.number()), importId: v.optional(v.string()) },
  handler: async (ctx, { importId, ...args }) => {
    const imp = importId !== undefined ? await getOwnedByString(ctx, "imports", importId) : null;
    const exportId = await createExport(ctx, ctx.userId, ctx.actor, { ...args, ...(imp ? { importId: imp._id } : {}) });
    return exportJson(await getOwned(ctx, "exports", exportId));
  },
});

export const get = apiQuery({
  args: { exportId: v.string() },
  handler: async (ctx, { exportId }) => exportJson(await getOwnedByString(ctx, "exports", exportId)),
});

/** A ready export's chunks from `seq` on, up to about 8 MB of text per call. */
export const chunks = apiQuery({
  args: { exportId: v.string(), seq: v.number() },
  handler: async (ctx, { exportId, seq }) => {
    const exp = await getOwnedByString(ctx, "exports", exportId);
    if (exp.status !== "ready") throw appError("INVALID_STATE", `This export is ${exp.status}; download it when it is ready.`);
    if (exp.bytes > MAX_DOWNLOAD_BYTES) {
      throw appError("LIMIT_EXCEEDED", "This export is larger than one download allows (20 MB): export a shorter date range.");
    }
    const texts = await ctx.db
      .query("exportChunks")
      .withIndex("by_export_and_seq", (q) => q.eq("exportId", exp._id).gte("seq", seq))
      .take(25);
    return { texts: texts.map((c) => c.text), next: texts.length === 25 ? seq + 25 : null, fileName: exp.fileName };
  },
});

const TAG = "Exports";

export const exportRoutes: ApiRoute[] = [
  defineRoute({
    method: "POST",
    path: "/exports",
    tag: TAG,
    summary: "Export contacts, messages or an import's failed rows as CSV",
    description:
      "`contacts`: every contact with every field. `messages`: one row per message between `from` and `to` (at " +
      "most a year). `importFailures`: an import's rows that were not imported, with the reason. The file is built " +
      "in the background: poll GET /exports/{id} until `ready`, then GET /exports/{id}/file. Kept 24 hours.",
    body: s.ExportCreate,
    responses: { 202: { description: "Accepted: the export, `building`.", schema: s.Export } },
    errors: [404],
    handler: async (ctx, { body }) => ({
      status: 202,
      body: await ctx.runMutation(internal.api.exports.create, {
        ...ctx.auth,
        kind: body.kind,
        ...(body.from !== undefined ? { from: Date.parse(body.from) } : {}),
        ...(body.to !== undefined ? { to: Date.parse(body.to) } : {}),
        ...(body.importId !== undefined ? { importId: body.importId } : {}),
      }),
    }),
  }),
  defineRoute({
    method: "GET",
    path: "/exports/{id}",
    tag: TAG,
    summary: "Get an export's status",
    params: s.IdParams,
    responses: { 200: { description: "The export.", schema: s.Export } },
    errors: [404],
    handler: async (ctx, { params }) => ({
      status: 200,
      body: await ctx.runQuery(internal.api.exports.get, { ...ctx.auth, exportId: params.id }),
    }),
  }),
  defineRoute({
    method: "GET",
    path: "/exports/{id}/file",
    tag: TAG,
    summary: "Download a ready export",
    description: "The CSV file (UTF-8 with a BOM, so spreadsheets read accents right). 422 while it is still building.",
    params: s.IdParams,
    fileResponse: "text/csv",
    responses: { 200: { description: "The CSV file.", schema: s.CsvFile } },
    errors: [404, 422],
    handler: async (ctx, { params }) => {
      const parts: string[] = ["\uFEFF"];
      let seq: number | null = 0;
      let fileName = "export.csv";
      while (seq !== null) {
        const page: { texts: string[]; next: number | null; fileName: string } = await ctx.runQuery(internal.api.exports.chunks, {
          ...ctx.auth,
          exportId: params.id,
          seq,
        });
        parts.push(...page.texts);
        fileName = page.fileName;
        seq = page.next;
      }
      return {
        status: 200,
        file: { text: parts.join(""), contentType: "text/csv; charset=utf-8" },
        headers: { "Content-Disposition": `attachment; filename="${fileName.replace(/[^\w.-]+/g, "_")}"` },
      };
    },
  }),
];
