/**
 * The action side of an import: read the stored file and analyse it (the preview: what a run
 * would do, nothing written), or stage its rows into `importRows` in batches for the run.
 * Called by the import's internal actions and, for `POST /api/v1/imports`, by the HTTP action
 * itself. Every database access goes through internal functions of convex/importJobs.ts, and
 * each write checks the import's `run`, so a superseded job (a re-analysis, a resume after a
 * restart) stops at its next write.
 */
import { ConvexError } from "convex/values";
import type { FieldDef } from "../../lib/customFields";
import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import type { ActionCtx } from "../_generated/server";
import type { ImportOptions } from "../schema";
import { appError } from "./errors";
import {
  checkMapping,
  decodeCsv,
  detectDelimiter,
  detectMapping,
  forEachRecord,
  isHeaderRow,
  MAX_IMPORT_COLUMNS,
  MAX_IMPORT_ROWS,
  type Target,
} from "./importCsv";
import { dedupeInFile, planRow, readRow, type ExistingContact, type InFileOutcome, type NormalizedRow } from "./importRows";

type JobCtx = Pick<ActionCtx, "runQuery" | "runMutation" | "storage">;

/** Rows written per staging transaction, and looked up per existing-contacts query. */
export const STAGE_BATCH = 250;
export const LOOKUP_BATCH = 400;
/** Problems kept for the preview. */
export const PREVIEW_PROBLEMS = 20;
const SAMPLE_ROWS = 50;
const RAW_CELL_MAX = 1000;

export type ParsedImport = {
  encoding: string;
  delimiter: string;
  hasHeader: boolean;
  headers: string[];
  mapping: Target[];
  sample: string[][];
  outcomes: InFileOutcome[];
};

/** Read and normalise every row of the file (nothing written), duplicates inside it resolved. */
export async function parseImport(bytes: Uint8Array, options: ImportOptions, fields: FieldDef[]): Promise<ParsedImport & { text: string }> {
  const { text, encoding } = decodeCsv(bytes);
  const delimiter = detectDelimiter(text);
  const country = options.defaultCountry;
  const context = { country, fields: new Map(fields.map((f) => [f.key, f])), ...(options.tag ? { tag: options.tag } : {}) };
  // Filled by the first record (headers) and once SAMPLE_ROWS rows are in (mapping).
  const state: { headers: string[] | null; hasHeader: boolean; mapping: Target[] | null; columns: number } = {
    headers: null,
    hasHeader: false,
    mapping: null,
    columns: 0,
  };
  const buffered: Array<[string[], number]> = [];
  const rows: NormalizedRow[] = [];
  const sampleCells: string[][] = [];

  const settle = (headers: string[]): Target[] => {
    const sample = buffered.map(([cells]) => cells);
    sampleCells.push(...sample.slice(0, 5));
    const mapping = options.mapping ? checkMapping(options.mapping, headers.length, fields) : detectMapping(headers, sample, fields, country);
    for (const [cells, row] of buffered) rows.push(readRow(cells, mapping, context, row));
    buffered.length = 0;
    return mapping;
  };

  await forEachRecord(text, delimiter, (cells, row) => {
    state.columns = Math.max(state.columns, cells.length);
    if (state.columns > MAX_IMPORT_COLUMNS) throw appError("INVALID_FILE", `The file has more than ${MAX_IMPORT_COLUMNS} columns: is it really CSV?`);
    if (state.headers === null) {
      state.hasHeader = isHeaderRow(cells, country);
      state.headers = state.hasHeader ? cells.map((h) => h.trim()) : cells.map((_, i) => `Column ${i + 1}`);
      if (state.hasHeader) return;
    }
    if (rows.length + buffered.length >= MAX_IMPORT_ROWS) {
      throw appError("LIMIT_EXCEEDED", `An import has at most ${MAX_IMPORT_ROWS.toLocaleString("en-US")} rows.`, { maxRows: MAX_IMPORT_ROWS });
    }
    if (state.mapping === null) {
      buffered.push([cells, row]);
      if (buffered.length >= SAMPLE_ROWS) state.mapping = settle(state.headers);
      return;
    }
    rows.push(readRow(cells, state.mapping, context, row));
  });
  if (state.headers === null) throw appError("INVALID_FILE", "The file has no rows.");
  const mapping = state.mapping ?? settle(state.headers);
  // Rows longer than the header get "Column N" headers (and are ignored unless mapped).
  const headers = [...state.headers];
  while (headers.length < state.columns) headers.push(`Column ${headers.length + 1}`);
  if (rows.length === 0) throw appError("INVALID_FILE", "The file has a header but no rows.");
  const outcomes = dedupeInFile(rows, options.onDuplicate);
  return {
    text,
    encoding,
    delimiter,
    hasHeader: state.hasHeader,
    headers,
    mapping: [...mapping, ...Array<Target>(Math.max(0, headers.length - mapping.length)).fill("")],
    sample: sampleCells.map((cells) => cells.map((c) => c.slice(0, 200))),
    outcomes,
  };
}

type Job = { userId: Id<"users">; storageId: Id<"_storage">; options: ImportOptions; fields: FieldDef[]; staged: number };

async function loadJob(ctx: JobCtx, importId: Id<"imports">, run: number, status: "analyzing" | "staging"): Promise<(Job & { bytes: Uint8Array }) | null> {
  const job = await ctx.runQuery(internal.importJobs.jobInfo, { importId, run, status });
  if (!job) return null;
  const blob = await ctx.storage.get(job.storageId);
  if (!blob) throw appError("INVALID_FILE", "The uploaded file is no longer stored; upload it again.");
  return { ...job, bytes: new Uint8Array(await blob.arrayBuffer()) };
}

/** A user-facing failure of the file (or its options) ends the job with that message; anything else is retried. */
async function failOnAppError(ctx: JobCtx, importId: Id<"imports">, run: number, error: unknown): Promise<void> {
  const data = error instanceof ConvexError ? (error.data as { code?: string; message?: string }) : null;
  if (!data?.code) throw error;
  await ctx.runMutation(internal.importJobs.fail, { importId, run, code: data.code, message: data.message ?? data.code });
}

/** The preview: counts of new, updated, skipped and invalid rows and the first problems. */
export async function analyzeImport(ctx: JobCtx, importId: Id<"imports">, run: number): Promise<void> {
  const started = Date.now();
  try {
    const job = await loadJob(ctx, importId, run, "analyzing");
    if (!job) return;
    const parsed = await parseImport(job.bytes, job.options, job.fields);
    const source = `import:${importId}`;
    const preview = { new: 0, updated: 0, skipped: 0, invalid: 0 };
    const problems: Array<{ row: number; message: string }> = [];
    const pending = parsed.outcomes.filter((o) => o.status === "pending");
    for (const o of parsed.outcomes) {
      if (o.status === "invalid") preview.invalid++;
      if (o.status === "skipped") preview.skipped++;
      if (o.status !== "pending") problems.push({ row: o.row, message: o.reason ?? "" });
    }
    for (let i = 0; i < pending.length; i += LOOKUP_BATCH) {
      const slice = pending.slice(i, i + LOOKUP_BATCH);
      const found = await ctx.runQuery(internal.importJobs.existingContacts, {
        userId: job.userId,
        phones: slice.map((o) => o.data.phone ?? null),
        emails: slice.map((o) => o.data.email ?? null),
      });
      slice.forEach((o, k) => {
        const plan = planRow(o.data, found.byPhone[k] as ExistingContact | null, found.byEmail[k] as ExistingContact | null, job.options.onDuplicate, source, started);
        if (plan.kind === "create") preview.new++;
        else if (plan.kind === "update") preview.updated++;
        else if (plan.kind === "conflict") {
          preview.invalid++;
          problems.push({ row: o.row, message: plan.reason });
        } else preview.skipped++;
      });
    }
    problems.sort((a, b) => a.row - b.row);
    await ctx.runMutation(internal.importJobs.saveAnalysis, {
      importId,
      run,
      analysis: {
        encoding: parsed.encoding,
        delimiter: parsed.delimiter,
        hasHeader: parsed.hasHeader,
        headers: parsed.headers.map((h) => h.slice(0, 200)),
        mapping: parsed.mapping,
        sample: parsed.sample,
        rows: parsed.outcomes.length,
        preview,
        problems: problems.slice(0, PREVIEW_PROBLEMS),
        analyzedAt: Date.now(),
        ms: Date.now() - started,
      },
    });
  } catch (error) {
    await failOnAppError(ctx, importId, run, error);
  }
}

/**
 * Write the file's rows into importRows (from where an earlier attempt stopped), then start
 * the run. The file is read again rather than kept from the analysis: a job holds one file's
 * rows in memory at a time, well inside an action's 64 MiB.
 */
export async function stageImport(ctx: JobCtx, importId: Id<"imports">, run: number): Promise<void> {
  try {
    const job = await loadJob(ctx, importId, run, "staging");
    if (!job) return;
    const parsed = await parseImport(job.bytes, job.options, job.fields);
    const byRow = new Map(parsed.outcomes.map((o, i) => [o.row, i]));
    let batch: Array<InFileOutcome & { raw: string[] }> = [];
    let next = job.staged;
    const flush = async () => {
      if (batch.length === 0) return;
      const rows = batch.map((r) => ({ ...r, raw: r.raw.map((c) => c.slice(0, RAW_CELL_MAX)) }));
      const ok = await ctx.runMutation(internal.importJobs.stageRows, { importId, run, from: next, rows });
      if (!ok) throw new StageSuperseded();
      next += batch.length;
      batch = [];
    };
    await forEachRecord(parsed.text, parsed.delimiter, async (cells, row) => {
      const index = byRow.get(row);
      if (index === undefined || index < next) return; // the header, or staged by an earlier attempt
      batch.push({ ...parsed.outcomes[index], raw: cells });
      if (batch.length >= STAGE_BATCH) await flush();
    });
    await flush();
    await ctx.runMutation(internal.importJobs.beginProcessing, { importId, run, total: parsed.outcomes.length });
  } catch (error) {
    if (error instanceof StageSuperseded) return;
    await failOnAppError(ctx, importId, run, error);
  }
}

class StageSuperseded extends Error {}
