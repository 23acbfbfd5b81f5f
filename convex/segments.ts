/**
 * Segments in the app: saved filters with a live count, their members, and (through
 * convex/broadcasts.ts) broadcast audiences. Counts are paginated queries: each page reads at
 * most `numItems` contacts and says how many of them match, so the app keeps a live total
 * (every page is a subscription) without any one read growing with the account.
 */
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import type { Id } from "./_generated/dataModel";
import type { QueryCtx } from "./_generated/server";
import { getOwned, userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { defsByKey, fieldDefs } from "./lib/customFields";
import { appError } from "./lib/errors";
import { cleanConditions, segmentPage } from "./lib/segments";
import schema, { vCondition, type Condition } from "./schema";

const vSegment = doc(schema, "segments");
const vContact = doc(schema, "contacts");
/** Contacts read per count page at most. */
export const COUNT_PAGE_MAX = 2000;
const NAME_MAX = 100;
const SEGMENTS_MAX = 200;

function cleanName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, " ");
  if (!trimmed || trimmed.length > NAME_MAX) throw appError("INVALID_ARGUMENT", `Segment names are 1–${NAME_MAX} characters.`, { field: "name" });
  return trimmed;
}

async function assertNameFree(ctx: Pick<QueryCtx, "db">, userId: Id<"users">, name: string, except?: Id<"segments">) {
  const same = await ctx.db
    .query("segments")
    .withIndex("by_user_and_sortName", (q) => q.eq("userId", userId).eq("sortName", name.toLowerCase()))
    .first();
  if (same && same._id !== except) throw appError("DUPLICATE_NAME", `A segment named "${same.name}" already exists.`, { field: "name" });
}

/** The segment's conditions, or conditions given as they are (the contacts table's filter). */
async function conditionsOf(ctx: QueryCtx & { userId: Id<"users"> }, args: { segmentId?: Id<"segments">; conditions?: Condition[] }) {
  if (args.segmentId) return (await getOwned(ctx, "segments", args.segmentId)).conditions;
  return await cleanConditions(ctx, ctx.userId, args.conditions ?? [], defsByKey(await fieldDefs(ctx, ctx.userId)));
}

export const list = userQuery({
  args: {},
  returns: v.array(vSegment),
  handler: async (ctx) =>
    await ctx.db
      .query("segments")
      .withIndex("by_user_and_sortName", (q) => q.eq("userId", ctx.userId))
      .take(SEGMENTS_MAX),
});

export const get = userQuery({
  args: { segmentId: v.id("segments") },
  returns: vSegment,
  handler: async (ctx, { segmentId }) => await getOwned(ctx, "segments", segmentId),
});

export const create = userMutation({
  args: { name: v.string(), conditions: v.array(vCondition) },
  returns: v.id("segments"),
  handler: async (ctx, args) => {
    const name = cleanName(args.name);
    await assertNameFree(ctx, ctx.userId, name);
    const conditions = await cleanConditions(ctx, ctx.userId, args.conditions, defsByKey(await fieldDefs(ctx, ctx.userId)));
    const segmentId = await ctx.db.insert("segments", { userId: ctx.userId, name, sortName: name.toLowerCase(), conditions, updatedAt: Date.now() });
    await recordAudit(ctx, { userId: ctx.userId, actor: ctx.actor, action: "segment.create", target: { table: "segments", id: segmentId } });
    return segmentId;
  },
});

export const update = userMutation({
  args: { segmentId: v.id("segments"), name: v.optional(v.string()), conditions: v.optional(v.array(vCondition)) },
  returns: v.null(),
  handler: async (ctx, args) => {
    await getOwned(ctx, "segments", args.segmentId);
    const patch: { name?: string; sortName?: string; conditions?: Condition[]; updatedAt: number } = { updatedAt: Date.now() };
    if (args.name !== undefined) {
      const name = cleanName(args.name);
      await assertNameFree(ctx, ctx.userId, name, args.segmentId);
      Object.assign(patch, { name, sortName: name.toLowerCase() });
    }
    if (args.conditions) patch.conditions = await cleanConditions(ctx, ctx.userId, args.conditions, defsByKey(await fieldDefs(ctx, ctx.userId)));
    await ctx.db.patch("segments", args.segmentId, patch);
    await recordAudit(ctx, { userId: ctx.userId, actor: ctx.actor, action: "segment.update", target: { table: "segments", id: args.segmentId } });
    return null;
  },
});

/** Delete a segment (broadcasts already sent to it keep their messages). */
export const remove = userMutation({
  args: { segmentId: v.id("segments") },
  returns: v.null(),
  handler: async (ctx, { segmentId }) => {
    const segment = await getOwned(ctx, "segments", segmentId);
    await ctx.db.delete("segments", segmentId);
    await recordAudit(ctx, { userId: ctx.userId, actor: ctx.actor, action: "segment.remove", target: { table: "segments", id: segmentId }, details: { name: segment.name } });
    return null;
  },
});

/**
 * A page of the count: how many of the next `numItems` contacts (of the narrowest index) match.
 * Load every page (usePaginatedQuery) and add them up for the live total.
 */
export const count = userQuery({
  args: { segmentId: v.optional(v.id("segments")), conditions: v.optional(v.array(vCondition)), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(v.object({ matched: v.number(), scanned: v.number() })),
  handler: async (ctx, args) => {
    const conditions = await conditionsOf(ctx, args);
    const opts = { ...args.paginationOpts, numItems: Math.min(args.paginationOpts.numItems, COUNT_PAGE_MAX) };
    const page = await segmentPage(ctx, ctx.userId, conditions, opts, Date.now());
    const { contacts, scanned, ...rest } = page;
    return { ...rest, page: [{ matched: contacts.length, scanned }] };
  },
});

/** The segment's (or the filter's) contacts, a page at a time; a page may hold fewer than asked. */
export const members = userQuery({
  args: { segmentId: v.optional(v.id("segments")), conditions: v.optional(v.array(vCondition)), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vContact),
  handler: async (ctx, args) => {
    const conditions = await conditionsOf(ctx, args);
    const opts = { ...args.paginationOpts, numItems: Math.min(args.paginationOpts.numItems, COUNT_PAGE_MAX) };
    const page = await segmentPage(ctx, ctx.userId, conditions, opts, Date.now());
    const { contacts, scanned: _scanned, ...rest } = page;
    return { ...rest, page: contacts };
  },
});
