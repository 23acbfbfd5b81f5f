/**
 * The jobs of a CSV import (public functions are in convex/imports.ts):
 *
 *   analyzing ──analyze──▶ ready ──start──▶ staging ──stage──▶ running ──processBatch…──▶ completed
 *                                                                       (cancel → canceled; undo → undoing ─undoBatch…─▶ undone)
 *
 * The actions read the file (convex/lib/importRun.ts); the rows are then written a batch per
 * transaction by self-rescheduling internal mutations, each far below Convex's limits. Every job
 * carries the import's `run` and gives up when it changed, and writes a heartbeat; the sweep
 * (a cron) restarts a job whose heartbeat stopped, e.g. after a restart, up to MAX_ATTEMPTS.
 */
import { v } from "convex/values";
import { formatPhone } from "../lib/phone";
import { internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { internalAction, type MutationCtx } from "./_generated/server";
import { internalMutation, internalQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { deleteContactRecords, derivedContactFields, findContactByEmail, findContactByPhone, newContact } from "./lib/contacts";
import { fieldDefs } from "./lib/customFields";
import { createGroup, removeGroup } from "./lib/groups";
import { analyzeImport, stageImport } from "./lib/importRun";
import { newContactConsent, planRow } from "./lib/importRows";
import { adjustContactCount } from "./lib/stats";
import { TagWrites } from "./lib/tags";
import {
  vConsent,
  vFieldType,
  vFieldValues,
  vImportAnalysis,
  vImportOptions,
  vImportRowData,
  vImportRowStatus,
  vOptOut,
  type Actor,
  type ImportCounts,
  type ImportStatus,
} from "./schema";

/** Rows written per transaction while running, and undone per transaction. */
export const PROCESS_BATCH = 100;
export const UNDO_BATCH = 50;
/** Memberships and notes deleted with an undone contact at once (the rest in scheduled batches). */
const UNDO_PURGE_LIMIT = 20;
/** A job whose heartbeat is older than this is restarted by the sweep. */
export const STALE_MS = 2 * 60_000;
export const MAX_ATTEMPTS = 3;
/** Problems found while running kept on the import (the failed-rows CSV has all of them). */
const MAX_PROBLEMS = 100;

const vExisting = v.object({
  _id: v.id("contacts"),
  name: v.string(),
  phone: v.optional(v.string()),
  email: v.optional(v.string()),
  tags: v.optional(v.array(v.string())),
  fields: v.optional(vFieldValues),
  consent: v.optional(vConsent),
  optedOut: vOptOut,
  timeZone: v.optional(v.string()),
});

function existing(c: Doc<"contacts"> | null) {
  if (!c) return null;
  return {
    _id: c._id,
    name: c.name,
    optedOut: c.optedOut,
    ...(c.phone !== undefined ? { phone: c.phone } : {}),
    ...(c.email !== undefined ? { email: c.email } : {}),
    ...(c.tags !== undefined ? { tags: c.tags } : {}),
    ...(c.fields !== undefined ? { fields: c.fields } : {}),
    ...(c.consent !== undefined ? { consent: c.consent } : {}),
    ...(c.timeZone !== undefined ? { timeZone: c.timeZone } : {}),
  };
}

const systemActor = (importId: Id<"imports">): Actor => ({ kind: "system", id: `import:${importId}` });

// ---------------------------------------------------------------------------------------
// Reading the file (actions)

export const analyze = internalAction({
  args: { importId: v.id("imports"), run: v.number() },
  returns: v.null(),
  handler: async (ctx, { importId, run }) => {
    await analyzeImport(ctx, importId, run);
    return null;
  },
});

export const stage = internalAction({
  args: { importId: v.id("imports"), run: v.number() },
  returns: v.null(),
  handler: async (ctx, { importId, run }) => {
    await stageImport(ctx, importId, run);
    return null;
  },
});

/** What a file-reading job needs, if the import is still at `status` in `run`. */
export const jobInfo = internalQuery({
  args: { importId: v.id("imports"), run: v.number(), status: v.union(v.literal("analyzing"), v.literal("staging")) },
  returns: v.union(
    v.null(),
    v.object({
      userId: v.id("users"),
      storageId: v.id("_storage"),
      options: vImportOptions,
      fields: v.array(v.object({ key: v.string(), label: v.string(), type: vFieldType, options: v.optional(v.array(v.string())) })),
      staged: v.number(),
    }),
  ),
  handler: async (ctx, { importId, run, status }) => {
    const imp = await ctx.db.get("imports", importId);
    if (!imp || imp.run !== run || imp.status !== status || !imp.storageId) return null;
    const fields = (await fieldDefs(ctx, imp.userId)).map((f) => ({
      key: f.key,
      label: f.label,
      type: f.type,
      ...(f.options ? { options: f.options } : {}),
    }));
    return { userId: imp.userId, storageId: imp.storageId, options: imp.options, fields, staged: imp.staged };
  },
});

/** The contacts with these phone numbers and email addresses (aligned with the inputs; null for none). */
export const existingContacts = internalQuery({
  args: { userId: v.id("users"), phones: v.array(v.union(v.string(), v.null())), emails: v.array(v.union(v.string(), v.null())) },
  returns: v.object({ byPhone: v.array(v.union(vExisting, v.null())), byEmail: v.array(v.union(vExisting, v.null())) }),
  handler: async (ctx, { userId, phones, emails }) => ({
    byPhone: await Promise.all(phones.map(async (p) => (p ? existing(await findContactByPhone(ctx, userId, p)) : null))),
    byEmail: await Promise.all(emails.map(async (e) => (e ? existing(await findContactByEmail(ctx, userId, e)) : null))),
  }),
});

export const saveAnalysis = internalMutation({
  args: { importId: v.id("imports"), run: v.number(), analysis: vImportAnalysis },
  returns: v.null(),
  handler: async (ctx, { importId, run, analysis }) => {
    const imp = await ctx.db.get("imports", importId);
    if (!imp || imp.run !== run || imp.status !== "analyzing") return null;
    const now = Date.now();
    if (imp.autoStart) {
      await ctx.db.patch("imports", importId, { analysis, status: "staging", heartbeatAt: now, startedAt: now, attempts: 0 });
      await ctx.scheduler.runAfter(0, internal.importJobs.stage, { importId, run });
    } else {
      await ctx.db.patch("imports", importId, { analysis, status: "ready", heartbeatAt: now, attempts: 0 });
    }
    return null;
  },
});

/** The file or its options cannot be imported: say why, and keep nothing of it. */
export const fail = internalMutation({
  args: { importId: v.id("imports"), run: v.number(), code: v.string(), message: v.string() },
  returns: v.null(),
  handler: async (ctx, { importId, run, code, message }) => {
    const imp = await ctx.db.get("imports", importId);
    if (!imp || imp.run !== run) return null;
    // A failure before anything was written leaves nothing to undo; during staging, staged rows stay pending.
    await ctx.db.patch("imports", importId, { status: "failed", error: { code, message }, completedAt: Date.now() });
    return null;
  },
});

// ---------------------------------------------------------------------------------------
// Staging and running (mutations)

export const stageRows = internalMutation({
  args: {
    importId: v.id("imports"),
    run: v.number(),
    from: v.number(),
    rows: v.array(
      v.object({
        row: v.number(),
        status: vImportRowStatus,
        data: vImportRowData,
        raw: v.array(v.string()),
        reason: v.optional(v.string()),
      }),
    ),
  },
  returns: v.boolean(),
  handler: async (ctx, { importId, run, from, rows }) => {
    const imp = await ctx.db.get("imports", importId);
    // A newer job owns the import, or this batch was written already (an action retried).
    if (!imp || imp.run !== run || imp.status !== "staging" || imp.staged !== from) return false;
    const counts = { ...imp.counts };
    let settled = 0;
    for (const r of rows) {
      await ctx.db.insert("importRows", { userId: imp.userId, importId, ...r });
      if (r.status === "invalid") counts.invalid++;
      if (r.status === "skipped") counts.skipped++;
      if (r.status !== "pending") settled++;
    }
    await ctx.db.patch("imports", importId, {
      staged: from + rows.length,
      processed: imp.processed + settled,
      counts,
      heartbeatAt: Date.now(),
    });
    return true;
  },
});

export const beginProcessing = internalMutation({
  args: { importId: v.id("imports"), run: v.number(), total: v.number() },
  returns: v.null(),
  handler: async (ctx, { importId, run, total }) => {
    const imp = await ctx.db.get("imports", importId);
    if (!imp || imp.run !== run || imp.status !== "staging") return null;
    await ctx.db.patch("imports", importId, { status: "running", total, heartbeatAt: Date.now(), ...(await importGroup(ctx, imp)) });
    await ctx.scheduler.runAfter(0, internal.importJobs.processBatch, { importId, run });
    return null;
  },
});

/** The group the imported contacts join: the chosen one, or one of the given name (made if there is none). */
async function importGroup(ctx: MutationCtx, imp: Doc<"imports">): Promise<{ groupId?: Id<"groups">; createdGroup?: boolean }> {
  if (imp.groupId) return {};
  const { groupId, newGroupName } = imp.options;
  if (groupId) {
    const group = await ctx.db.get("groups", groupId);
    return group && group.userId === imp.userId ? { groupId } : {};
  }
  if (!newGroupName) return {};
  const same = await ctx.db
    .query("groups")
    .withIndex("by_user_and_sortName", (q) => q.eq("userId", imp.userId).eq("sortName", newGroupName.toLowerCase()))
    .first();
  if (same) return { groupId: same._id, createdGroup: false };
  return { groupId: await createGroup(ctx, imp.userId, imp.source, { name: newGroupName }), createdGroup: true };
}

/** Write the next batch of pending rows as contacts. */
export const processBatch = internalMutation({
  args: { importId: v.id("imports"), run: v.number() },
  returns: v.null(),
  handler: async (ctx, { importId, run }) => {
    const imp = await ctx.db.get("imports", importId);
    if (!imp || imp.run !== run || imp.status !== "running") return null;
    const rows = await ctx.db
      .query("importRows")
      .withIndex("by_import_and_status_and_row", (q) => q.eq("importId", importId).eq("status", "pending"))
      .take(PROCESS_BATCH);
    const now = Date.now();
    const source = `import:${importId}`;
    const group = imp.groupId ? await ctx.db.get("groups", imp.groupId) : null;
    const tags = new TagWrites(ctx, imp.userId);
    const counts: ImportCounts = { ...imp.counts };
    const problems = [...imp.problems];
    let created = 0;
    let joined = 0;

    for (const r of rows) {
      const d = r.data;
      const byPhone = d.phone ? await findContactByPhone(ctx, imp.userId, d.phone) : null;
      const byEmail = d.email ? await findContactByEmail(ctx, imp.userId, d.email) : null;
      const plan = planRow(d, existing(byPhone), existing(byEmail), imp.options.onDuplicate, source, now);
      let contactId: Id<"contacts"> | undefined;
      let patch: Partial<Doc<"importRows">> = {};
      switch (plan.kind) {
        case "create": {
          const name = d.name ?? (d.phone ? formatPhone(d.phone) : d.email!);
          contactId = await ctx.db.insert("contacts", {
            ...newContact(imp.userId, {
              name,
              ...(d.phone ? { phone: d.phone } : {}),
              ...(d.email ? { email: d.email } : {}),
              ...(d.tags?.length ? { tags: d.tags } : {}),
              ...(d.fields ? { fields: d.fields } : {}),
              // The file's zone, else (newContact) the one the phone number's region keeps.
              ...(d.timeZone ? { timeZone: d.timeZone } : {}),
              importId,
            }),
            ...newContactConsent(d, source, now),
          });
          if (d.tags?.length) await tags.change(contactId, [], d.tags, true);
          created++;
          patch = { status: "created", contactId };
          break;
        }
        case "update": {
          const contact = (plan.contact._id === byPhone?._id ? byPhone : byEmail)!;
          const p = plan.patch;
          const next = {
            name: p.name ?? contact.name,
            phone: p.phone ?? contact.phone,
            email: p.email ?? contact.email,
            tags: p.tags ?? contact.tags,
            fields: p.fields ?? contact.fields,
          };
          await ctx.db.patch("contacts", contact._id, { ...p, ...derivedContactFields(next) });
          if (p.tags) await tags.change(contact._id, contact.tags ?? [], p.tags);
          contactId = contact._id;
          patch = { status: "updated", contactId, before: snapshot(contact) };
          break;
        }
        case "unchanged":
          contactId = plan.contact._id as Id<"contacts">;
          patch = { status: "unchanged", contactId };
          break;
        case "skip":
          patch = { status: "skipped", contactId: plan.contact._id as Id<"contacts">, reason: plan.reason };
          break;
        case "conflict":
          patch = { status: "failed", reason: plan.reason };
          if (problems.length < MAX_PROBLEMS) problems.push({ row: r.row, message: plan.reason });
          break;
      }
      counts[plan.kind === "create" ? "created" : plan.kind === "update" ? "updated" : plan.kind === "unchanged" ? "unchanged" : plan.kind === "skip" ? "skipped" : "failed"]++;
      if (group && contactId && (await joinGroup(ctx, group, contactId, plan.kind === "create"))) {
        patch.addedToGroup = true;
        joined++;
      }
      await ctx.db.patch("importRows", r._id, patch);
    }

    await tags.flush();
    if (created) await adjustContactCount(ctx, imp.userId, created);
    if (group && joined) await ctx.db.patch("groups", group._id, { memberCount: group.memberCount + joined });
    const done = rows.length < PROCESS_BATCH;
    await ctx.db.patch("imports", importId, {
      counts,
      problems,
      processed: imp.processed + rows.length,
      heartbeatAt: now,
      ...(done ? { status: "completed" as const, completedAt: now, storageId: undefined } : {}),
    });
    if (!done) {
      await ctx.scheduler.runAfter(0, internal.importJobs.processBatch, { importId, run });
    } else {
      // The file is no longer needed: the rows, with their cells, are in importRows.
      if (imp.storageId) await ctx.storage.delete(imp.storageId);
      await recordAudit(ctx, {
        userId: imp.userId,
        actor: imp.source,
        action: "import.complete",
        target: { table: "imports", id: importId },
        details: { ...counts, fileName: imp.fileName },
      });
    }
    return null;
  },
});

/** Add a contact to the import's group; false if it already was a member. */
async function joinGroup(ctx: Pick<MutationCtx, "db">, group: Doc<"groups">, contactId: Id<"contacts">, fresh: boolean): Promise<boolean> {
  if (!fresh) {
    const member = await ctx.db
      .query("groupMemberships")
      .withIndex("by_group_and_contact", (q) => q.eq("groupId", group._id).eq("contactId", contactId))
      .unique();
    if (member) return false;
  }
  await ctx.db.insert("groupMemberships", { userId: group.userId, groupId: group._id, contactId });
  return true;
}

function snapshot(c: Doc<"contacts">): NonNullable<Doc<"importRows">["before"]> {
  return {
    name: c.name,
    optedOut: c.optedOut,
    ...(c.phone !== undefined ? { phone: c.phone } : {}),
    ...(c.email !== undefined ? { email: c.email } : {}),
    ...(c.tags !== undefined ? { tags: c.tags } : {}),
    ...(c.fields !== undefined ? { fields: c.fields } : {}),
    ...(c.consent !== undefined ? { consent: c.consent } : {}),
    ...(c.timeZone !== undefined ? { timeZone: c.timeZone } : {}),
  };
}

// ---------------------------------------------------------------------------------------
// Undo

/**
 * Undo a batch of rows: contacts the import created are deleted (if nothing else took them
 * over), contacts it changed get their earlier values back, and group memberships it added go.
 */
export const undoBatch = internalMutation({
  args: { importId: v.id("imports"), run: v.number(), cursor: v.union(v.string(), v.null()) },
  returns: v.null(),
  handler: async (ctx, { importId, run, cursor }) => {
    const imp = await ctx.db.get("imports", importId);
    if (!imp || imp.run !== run || imp.status !== "undoing") return null;
    const page = await ctx.db
      .query("importRows")
      .withIndex("by_import_and_row", (q) => q.eq("importId", importId))
      .paginate({ numItems: UNDO_BATCH, cursor });
    const tags = new TagWrites(ctx, imp.userId);
    let removed = 0;
    let left = 0;
    for (const r of page.page) {
      if (r.undone || !r.contactId) continue;
      const contact = await ctx.db.get("contacts", r.contactId);
      if (contact && r.status === "created" && contact.importId === importId) {
        await deleteContactRecords(ctx, imp.userId, contact, tags, UNDO_PURGE_LIMIT);
        removed++;
      } else if (contact && r.status === "updated" && r.before) {
        await restore(ctx, imp.userId, contact, r.before, tags);
      }
      if (contact && r.addedToGroup && r.status !== "created" && imp.groupId) {
        const member = await ctx.db
          .query("groupMemberships")
          .withIndex("by_group_and_contact", (q) => q.eq("groupId", imp.groupId!).eq("contactId", contact._id))
          .unique();
        if (member) {
          await ctx.db.delete("groupMemberships", member._id);
          left++;
        }
      }
      if (r.status === "created" || r.status === "updated" || r.addedToGroup) await ctx.db.patch("importRows", r._id, { undone: true });
    }
    await tags.flush();
    if (removed) await adjustContactCount(ctx, imp.userId, -removed);
    if (left && imp.groupId) {
      const group = await ctx.db.get("groups", imp.groupId);
      if (group) await ctx.db.patch("groups", group._id, { memberCount: Math.max(0, group.memberCount - left) });
    }
    await ctx.db.patch("imports", importId, { heartbeatAt: Date.now() });
    if (!page.isDone) {
      await ctx.scheduler.runAfter(0, internal.importJobs.undoBatch, { importId, run, cursor: page.continueCursor });
      return null;
    }
    if (imp.createdGroup && imp.groupId && (await ctx.db.get("groups", imp.groupId))) {
      await removeGroup(ctx, imp.userId, systemActor(importId), imp.groupId);
    }
    await ctx.db.patch("imports", importId, { status: "undone", completedAt: Date.now() });
    await recordAudit(ctx, { userId: imp.userId, actor: imp.source, action: "import.undone", target: { table: "imports", id: importId } });
    return null;
  },
});

/** Put back what an import changed; an address someone else has taken since stays as it is. */
async function restore(
  ctx: Pick<MutationCtx, "db">,
  userId: Id<"users">,
  contact: Doc<"contacts">,
  before: NonNullable<Doc<"importRows">["before"]>,
  tags: TagWrites,
) {
  const takenPhone = before.phone && before.phone !== contact.phone ? await findContactByPhone(ctx, userId, before.phone) : null;
  const takenEmail = before.email && before.email !== contact.email ? await findContactByEmail(ctx, userId, before.email) : null;
  const next = {
    name: before.name,
    phone: takenPhone ? contact.phone : before.phone,
    email: takenEmail ? contact.email : before.email,
    tags: before.tags,
    fields: before.fields,
  };
  if (!next.phone && !next.email) return;
  await ctx.db.patch("contacts", contact._id, {
    ...next,
    consent: before.consent,
    optedOut: before.optedOut,
    timeZone: before.timeZone,
    ...derivedContactFields(next),
  });
  await tags.change(contact._id, contact.tags ?? [], before.tags ?? []);
}

// ---------------------------------------------------------------------------------------
// Resuming after a restart

const ACTIVE: ImportStatus[] = ["analyzing", "staging", "running", "undoing"];

/** Restart import jobs whose heartbeat stopped (the process died, the deployment restarted). */
export const sweep = internalMutation({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    const now = Date.now();
    for (const status of ACTIVE) {
      const stale = await ctx.db
        .query("imports")
        .withIndex("by_status_and_heartbeatAt", (q) => q.eq("status", status).lt("heartbeatAt", now - STALE_MS))
        .take(10);
      for (const imp of stale) await resume(ctx, imp, now);
    }
    return null;
  },
});

async function resume(ctx: MutationCtx, imp: Doc<"imports">, now: number) {
  if (imp.attempts + 1 >= MAX_ATTEMPTS) {
    await ctx.db.patch("imports", imp._id, {
      status: "failed",
      completedAt: now,
      error: { code: "INTERNAL", message: "The import stopped responding and was stopped; what it wrote can be undone." },
    });
    return;
  }
  const run = imp.run + 1;
  await ctx.db.patch("imports", imp._id, { run, attempts: imp.attempts + 1, heartbeatAt: now });
  const args = { importId: imp._id, run };
  if (imp.status === "analyzing") await ctx.scheduler.runAfter(0, internal.importJobs.analyze, args);
  else if (imp.status === "staging") await ctx.scheduler.runAfter(0, internal.importJobs.stage, args);
  else if (imp.status === "running") await ctx.scheduler.runAfter(0, internal.importJobs.processBatch, args);
  else await ctx.scheduler.runAfter(0, internal.importJobs.undoBatch, { ...args, cursor: null });
}
