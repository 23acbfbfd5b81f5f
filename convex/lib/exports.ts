/**
 * CSV exports, built a batch per transaction into `exportChunks` (so 100,000 rows never meet in
 * one transaction): contacts with every field, messages of a time range, and an import's rows
 * that failed (with the reason). Shared by the app (convex/exports.ts) and the REST API.
 */
import Papa from "papaparse";
import { formatFieldValue } from "../../lib/customFields";
import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { getOwned } from "../functions";
import type { Actor, ExportKind } from "../schema";
import { recordAudit } from "./audit";
import { fieldDefs } from "./customFields";
import { appError } from "./errors";

type Ctx = Pick<MutationCtx, "db" | "scheduler">;

/** Rows read per transaction: messages can be 50,000 characters (email), contacts are small. */
export const EXPORT_BATCH: Record<ExportKind, number> = { contacts: 500, messages: 200, importFailures: 500 };
/** Characters per chunk document (at most 3 bytes each in UTF-8: under Convex's 1 MiB). */
export const CHUNK_CHARS = 300_000;
/** Exports are kept a day, then deleted. */
export const EXPORT_TTL_MS = 24 * 3600_000;
/** The longest message range one export covers. */
const MAX_RANGE_MS = 366 * 86_400_000;

const iso = (ms: number | undefined) => (ms === undefined ? "" : new Date(ms).toISOString());

/**
 * A cell as written: text a spreadsheet would run as a formula (=, @, or + and - not followed by
 * a number) gets a leading apostrophe; phone numbers and negative numbers stay as they are.
 */
export function safeCell(value: string): string {
  return /^[=@\t\r]|^[+-](?![\d\s().-]*$)/.test(value) ? `'${value}` : value;
}

export function csvLines(rows: string[][]): string {
  if (rows.length === 0) return "";
  return Papa.unparse(rows.map((r) => r.map(safeCell)), { newline: "\r\n" }) + "\r\n";
}

export async function createExport(
  ctx: Ctx,
  userId: Id<"users">,
  actor: Actor,
  args: { kind: ExportKind; from?: number; to?: number; importId?: Id<"imports"> },
): Promise<Id<"exports">> {
  // Ownership first: another account's import is NOT_FOUND whatever the kind.
  const imp = args.importId ? await getOwned({ db: ctx.db, userId }, "imports", args.importId) : null;
  if (imp && args.kind !== "importFailures") throw appError("INVALID_ARGUMENT", "importId is only for importFailures.", { field: "importId" });
  const now = Date.now();
  let fileName = `contacts-${new Date(now).toISOString().slice(0, 10)}.csv`;
  if (args.kind === "messages") {
    if (args.from === undefined || args.to === undefined || !(args.to > args.from)) {
      throw appError("INVALID_ARGUMENT", "Give a time range: `from` before `to`.", { field: "from" });
    }
    if (args.to - args.from > MAX_RANGE_MS) throw appError("INVALID_ARGUMENT", "A message export covers at most a year.", { field: "to" });
    fileName = `messages-${new Date(args.from).toISOString().slice(0, 10)}-to-${new Date(args.to - 1).toISOString().slice(0, 10)}.csv`;
  }
  if (args.kind === "importFailures") {
    if (!imp) throw appError("INVALID_ARGUMENT", "Which import?", { field: "importId" });
    fileName = `${imp.fileName.replace(/\.csv$/i, "")}-failed-rows.csv`;
  }
  const exportId = await ctx.db.insert("exports", {
    userId,
    kind: args.kind,
    ...(args.kind === "messages" ? { from: args.from, to: args.to } : {}),
    ...(args.kind === "importFailures" ? { importId: args.importId } : {}),
    fileName,
    status: "building",
    rows: 0,
    chunks: 0,
    bytes: 0,
    run: 0,
    heartbeatAt: now,
    expiresAt: now + EXPORT_TTL_MS,
  });
  await ctx.scheduler.runAfter(0, internal.exportJobs.buildBatch, { exportId, run: 0 });
  await recordAudit(ctx, { userId, actor, action: "export.create", target: { table: "exports", id: exportId }, details: { kind: args.kind } });
  return exportId;
}

type Batch = { header: string[] | null; rows: string[][]; cursor: string; done: boolean };

/** The next batch of an export's rows as cells (the header with the first batch). */
export async function readBatch(ctx: Pick<MutationCtx, "db">, exp: Doc<"exports">): Promise<Batch> {
  const cursor = exp.cursor ?? null;
  const first = cursor === null;
  const numItems = EXPORT_BATCH[exp.kind];
  if (exp.kind === "contacts") {
    const defs = await fieldDefs(ctx, exp.userId);
    const page = await ctx.db
      .query("contacts")
      .withIndex("by_user_and_sortName", (q) => q.eq("userId", exp.userId))
      .paginate({ numItems, cursor });
    return {
      header: first
        ? ["id", "name", "phone", "email", "tags", ...defs.map((d) => d.label), "opted_out_sms", "opted_out_whatsapp", "opted_out_email", "consent", "consent_at", "consent_source", "last_message_at", "created_at"]
        : null,
      rows: page.page.map((c) => [
        c._id,
        c.name,
        c.phone ?? "",
        c.email ?? "",
        (c.tags ?? []).join(", "),
        ...defs.map((d) => (c.fields?.[d.key] === undefined ? "" : formatFieldValue(d, c.fields[d.key]!))),
        yesNo(c.optedOut.sms),
        yesNo(c.optedOut.whatsapp),
        yesNo(c.optedOut.email),
        c.consent ? yesNo(c.consent.optedIn) : "",
        iso(c.consent?.at),
        c.consent?.source ?? "",
        iso(c.lastMessageAt),
        iso(c._creationTime),
      ]),
      cursor: page.continueCursor,
      done: page.isDone,
    };
  }
  if (exp.kind === "messages") {
    const page = await ctx.db
      .query("messages")
      .withIndex("by_user_and_at", (q) => q.eq("userId", exp.userId).gte("at", exp.from!).lt("at", exp.to!))
      .paginate({ numItems, cursor });
    const names = new Map<Id<"contacts">, string>();
    for (const m of page.page) {
      if (!names.has(m.contactId)) names.set(m.contactId, (await ctx.db.get("contacts", m.contactId))?.name ?? "");
    }
    return {
      header: first
        ? ["id", "at", "direction", "channel", "status", "contact_id", "contact_name", "from", "to", "subject", "content", "broadcast_id", "sent_at", "delivered_at", "read_at", "failed_at", "error_code", "error_message"]
        : null,
      rows: page.page.map((m) => [
        m._id,
        iso(m.at),
        m.direction,
        m.channel,
        m.status,
        m.contactId,
        names.get(m.contactId) ?? "",
        m.from ?? "",
        m.to ?? "",
        m.subject ?? "",
        m.content,
        m.broadcastId ?? "",
        iso(m.sentAt),
        iso(m.deliveredAt),
        iso(m.readAt),
        iso(m.failedAt),
        m.lastError?.code ?? "",
        m.lastError?.message ?? "",
      ]),
      cursor: page.continueCursor,
      done: page.isDone,
    };
  }
  const imp = await ctx.db.get("imports", exp.importId!);
  const page = await ctx.db
    .query("importRows")
    .withIndex("by_import_and_row", (q) => q.eq("importId", exp.importId!))
    .paginate({ numItems, cursor });
  return {
    header: first ? ["row", "reason", ...(imp?.analysis?.headers ?? [])] : null,
    rows: page.page.filter((r) => r.status === "invalid" || r.status === "failed").map((r) => [String(r.row), r.reason ?? "", ...r.raw]),
    cursor: page.continueCursor,
    done: page.isDone,
  };
}

const yesNo = (b: boolean) => (b ? "yes" : "no");

/** Split text into pieces of at most CHUNK_CHARS, never inside a surrogate pair. */
export function splitChunks(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + CHUNK_CHARS);
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1])) end--;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}
