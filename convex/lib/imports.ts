/** Import rules shared by the app's functions (convex/imports.ts) and the REST API. */
import { isSupportedCountry } from "libphonenumber-js";
import { cleanTag } from "../../lib/tags";
import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { getOwned } from "../functions";
import type { Actor, ImportOptions } from "../schema";
import { recordAudit } from "./audit";
import { fieldDefs } from "./customFields";
import { env } from "./env";
import { appError } from "./errors";
import { checkMapping, MAX_IMPORT_BYTES } from "./importCsv";

type Ctx = Pick<MutationCtx, "db" | "scheduler" | "storage">;

export const ZERO_IMPORT_COUNTS = { created: 0, updated: 0, unchanged: 0, skipped: 0, invalid: 0, failed: 0 };

/** Options as given → checked options (country, tag, group), defaults filled in. */
export async function cleanImportOptions(
  ctx: Pick<MutationCtx, "db">,
  userId: Id<"users">,
  input: Partial<ImportOptions>,
): Promise<ImportOptions> {
  // Ownership first: another account's group is NOT_FOUND whatever else is wrong.
  if (input.groupId) await getOwned({ db: ctx.db, userId }, "groups", input.groupId);
  const defaultCountry = (input.defaultCountry ?? env.defaultCountry()).toUpperCase();
  if (!isSupportedCountry(defaultCountry)) {
    throw appError("INVALID_ARGUMENT", `"${defaultCountry.slice(0, 10)}" is not a country code such as US or GB.`, { field: "defaultCountry" });
  }
  const tag = input.tag === undefined ? undefined : cleanTag(input.tag);
  const newGroupName = input.newGroupName?.trim().replace(/\s+/g, " ");
  if (newGroupName !== undefined && (newGroupName.length === 0 || newGroupName.length > 100)) {
    throw appError("INVALID_ARGUMENT", "Group names must be 1–100 characters.", { field: "newGroupName" });
  }
  if (input.groupId && newGroupName) throw appError("INVALID_ARGUMENT", "Give a group or a new group's name, not both.", { field: "groupId" });
  return {
    defaultCountry,
    onDuplicate: input.onDuplicate ?? "fillEmpty",
    ...(input.mapping ? { mapping: input.mapping } : {}),
    ...(tag ? { tag } : {}),
    ...(input.groupId ? { groupId: input.groupId } : {}),
    ...(newGroupName ? { newGroupName } : {}),
  };
}

/** A new import of a stored file: analysed at once, and run after that when `autoStart`. */
export async function createImport(
  ctx: Ctx,
  userId: Id<"users">,
  actor: Actor,
  args: {
    storageId: Id<"_storage">;
    fileName: string;
    options: Partial<ImportOptions>;
    autoStart: boolean;
    /** false when the caller (the REST API) analyses the file itself, right away. */
    scheduleAnalysis?: boolean;
  },
): Promise<Id<"imports">> {
  const file = await ctx.db.system.get("_storage", args.storageId);
  if (!file) throw appError("NOT_FOUND", "The uploaded file was not found; upload it again.");
  if (file.size > MAX_IMPORT_BYTES) {
    await ctx.storage.delete(args.storageId);
    throw appError("LIMIT_EXCEEDED", `Files are at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB.`, { maxBytes: MAX_IMPORT_BYTES });
  }
  const options = await cleanImportOptions(ctx, userId, args.options);
  const now = Date.now();
  const importId = await ctx.db.insert("imports", {
    userId,
    fileName: args.fileName.trim().slice(0, 200) || "import.csv",
    size: file.size,
    storageId: args.storageId,
    status: "analyzing",
    options,
    staged: 0,
    processed: 0,
    total: 0,
    counts: ZERO_IMPORT_COUNTS,
    problems: [],
    autoStart: args.autoStart,
    run: 0,
    heartbeatAt: now,
    attempts: 0,
    source: actor,
  });
  if (args.scheduleAnalysis !== false) await ctx.scheduler.runAfter(0, internal.importJobs.analyze, { importId, run: 0 });
  await recordAudit(ctx, { userId, actor, action: "import.create", target: { table: "imports", id: importId }, details: { fileName: args.fileName.slice(0, 200), bytes: file.size } });
  return importId;
}

/** New options for an analysed import: analyse again (the preview follows). */
export async function reanalyzeImport(ctx: Ctx, userId: Id<"users">, imp: Doc<"imports">, input: Partial<ImportOptions>): Promise<void> {
  if (imp.status !== "ready" && imp.status !== "analyzing" && !(imp.status === "failed" && imp.staged === 0)) {
    throw appError("INVALID_STATE", `This import is ${imp.status}; its options can no longer change.`);
  }
  if (!imp.storageId) throw appError("INVALID_STATE", "The file of this import is gone; upload it again.");
  const options = await cleanImportOptions(ctx, userId, { ...imp.options, ...input });
  if (options.mapping && imp.analysis) checkMapping(options.mapping, imp.analysis.headers.length, await fieldDefs(ctx, userId));
  const run = imp.run + 1;
  await ctx.db.patch("imports", imp._id, { options, status: "analyzing", run, heartbeatAt: Date.now(), attempts: 0, error: undefined });
  await ctx.scheduler.runAfter(0, internal.importJobs.analyze, { importId: imp._id, run });
}

/** Run an analysed import: its rows are staged, then written a batch at a time. */
export async function startImport(ctx: Ctx, userId: Id<"users">, actor: Actor, imp: Doc<"imports">): Promise<void> {
  if (imp.status !== "ready") throw appError("INVALID_STATE", `This import is ${imp.status}; only an analysed import can start.`);
  const now = Date.now();
  await ctx.db.patch("imports", imp._id, { status: "staging", startedAt: now, heartbeatAt: now, attempts: 0 });
  await ctx.scheduler.runAfter(0, internal.importJobs.stage, { importId: imp._id, run: imp.run });
  await recordAudit(ctx, { userId, actor, action: "import.start", target: { table: "imports", id: imp._id }, details: { rows: imp.analysis?.rows ?? 0 } });
}

/** Stop an import: rows not yet written stay unwritten; what was written stays (and can be undone). */
export async function cancelImport(ctx: Ctx, userId: Id<"users">, actor: Actor, imp: Doc<"imports">): Promise<void> {
  if (!["analyzing", "ready", "staging", "running"].includes(imp.status)) {
    throw appError("INVALID_STATE", `This import is ${imp.status} and can no longer be canceled.`);
  }
  await ctx.db.patch("imports", imp._id, { status: "canceled", completedAt: Date.now(), run: imp.run + 1, storageId: undefined });
  if (imp.storageId) await ctx.storage.delete(imp.storageId);
  await recordAudit(ctx, { userId, actor, action: "import.cancel", target: { table: "imports", id: imp._id } });
}

/** Undo a finished (or canceled, or failed) import: remove what it created, restore what it changed. */
export async function undoImport(ctx: Ctx, userId: Id<"users">, actor: Actor, imp: Doc<"imports">): Promise<void> {
  const written = imp.counts.created + imp.counts.updated > 0 || imp.groupId !== undefined;
  if (!["completed", "canceled", "failed"].includes(imp.status) || (!written && imp.staged === 0)) {
    throw appError("INVALID_STATE", imp.status === "undone" ? "This import was already undone." : `This import is ${imp.status}: there is nothing to undo yet.`);
  }
  const run = imp.run + 1;
  await ctx.db.patch("imports", imp._id, { status: "undoing", run, heartbeatAt: Date.now(), attempts: 0 });
  await ctx.scheduler.runAfter(0, internal.importJobs.undoBatch, { importId: imp._id, run, cursor: null });
  await recordAudit(ctx, { userId, actor, action: "import.undo", target: { table: "imports", id: imp._id } });
}
