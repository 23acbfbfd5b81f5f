/** REST API: /segments, saved filters over contacts (usable as a broadcast's `segmentId`). */
import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { internal } from "../_generated/api";
import type { Doc } from "../_generated/dataModel";
import { apiMutation, apiQuery, getOwned, getOwnedByString } from "../functions";
import { recordAudit } from "../lib/audit";
import { defsByKey, fieldDefs } from "../lib/customFields";
import { appError } from "../lib/errors";
import { cleanConditions, segmentPage } from "../lib/segments";
import { vCondition, type Condition } from "../schema";
import { contactJson } from "./resources";
import { defineRoute, type ApiRoute } from "./route";
import * as s from "./schemas";

/** Contacts read per count step (each step is one query). */
const COUNT_STEP = 2000;

function segmentJson(seg: Doc<"segments">, count: number | null): s.SegmentJson {
  return {
    id: seg._id,
    name: seg.name,
    conditions: seg.conditions as s.SegmentJson["conditions"],
    count,
    createdAt: new Date(seg._creationTime).toISOString(),
    updatedAt: new Date(seg.updatedAt).toISOString(),
  };
}

async function cleanName(ctx: Parameters<typeof fieldDefs>[0], userId: Doc<"segments">["userId"], name: string, except?: Doc<"segments">["_id"]) {
  const trimmed = name.trim().replace(/\s+/g, " ");
  if (!trimmed || trimmed.length > 100) throw appError("INVALID_ARGUMENT", "Segment names are 1–100 characters.", { field: "name" });
  const same = await ctx.db
    .query("segments")
    .withIndex("by_user_and_sortName", (q) => q.eq("userId", userId).eq("sortName", trimmed.toLowerCase()))
    .first();
  if (same && same._id !== except) throw appError("DUPLICATE_NAME", `A segment named "${same.name}" already exists.`, { field: "name" });
  return trimmed;
}

export const list = apiQuery({
  args: {},
  handler: async (ctx) => {
    const all = await ctx.db
      .query("segments")
      .withIndex("by_user_and_sortName", (q) => q.eq("userId", ctx.userId))
      .take(200);
    return { data: all.map((seg) => segmentJson(seg, null)) };
  },
});

export const get = apiQuery({
  args: { segmentId: v.string() },
  handler: async (ctx, { segmentId }) => segmentJson(await getOwnedByString(ctx, "segments", segmentId), null),
});

/** One step of a segment's count (the HTTP action adds the steps up). */
export const countStep = apiQuery({
  args: { segmentId: v.string(), cursor: v.union(v.string(), v.null()) },
  handler: async (ctx, { segmentId, cursor }) => {
    const seg = await getOwnedByString(ctx, "segments", segmentId);
    const page = await segmentPage(ctx, ctx.userId, seg.conditions, { numItems: COUNT_STEP, cursor }, Date.now());
    return { matched: page.contacts.length, cursor: page.isDone ? null : page.continueCursor };
  },
});

export const contacts = apiQuery({
  args: { segmentId: v.string(), paginationOpts: paginationOptsValidator },
  handler: async (ctx, { segmentId, paginationOpts }) => {
    const seg = await getOwnedByString(ctx, "segments", segmentId);
    let page;
    try {
      page = await segmentPage(ctx, ctx.userId, seg.conditions, paginationOpts, Date.now());
    } catch (error) {
      if (paginationOpts.cursor === null) throw error;
      throw appError("INVALID_ARGUMENT", "The cursor is not one this list gave out.", { field: "cursor" });
    }
    return { data: page.contacts.map(contactJson), nextCursor: page.isDone ? null : page.continueCursor };
  },
});

export const create = apiMutation({
  args: { name: v.string(), conditions: v.array(vCondition) },
  handler: async (ctx, args) => {
    const name = await cleanName(ctx, ctx.userId, args.name);
    const conditions = await cleanConditions(ctx, ctx.userId, args.conditions, defsByKey(await fieldDefs(ctx, ctx.userId)));
    const id = await ctx.db.insert("segments", { userId: ctx.userId, name, sortName: name.toLowerCase(), conditions, updatedAt: Date.now() });
    await recordAudit(ctx, { userId: ctx.userId, actor: ctx.actor, action: "segment.create", target: { table: "segments", id } });
    return segmentJson(await getOwned(ctx, "segments", id), null);
  },
});

export const update = apiMutation({
  args: { segmentId: v.string(), name: v.optional(v.string()), conditions: v.optional(v.array(vCondition)) },
  handler: async (ctx, { segmentId, ...args }) => {
    const seg = await getOwnedByString(ctx, "segments", segmentId);
    const patch: { name?: string; sortName?: string; conditions?: Condition[]; updatedAt: number } = { updatedAt: Date.now() };
    if (args.name !== undefined) {
      const name = await cleanName(ctx, ctx.userId, args.name, seg._id);
      Object.assign(patch, { name, sortName: name.toLowerCase() });
    }
    if (args.conditions) patch.conditions = await cleanConditions(ctx, ctx.userId, args.conditions, defsByKey(await fieldDefs(ctx, ctx.userId)));
    await ctx.db.patch("segments", seg._id, patch);
    await recordAudit(ctx, { userId: ctx.userId, actor: ctx.actor, action: "segment.update", target: { table: "segments", id: seg._id } });
    return segmentJson(await getOwned(ctx, "segments", seg._id), null);
  },
});

export const remove = apiMutation({
  args: { segmentId: v.string() },
  handler: async (ctx, { segmentId }) => {
    const seg = await getOwnedByString(ctx, "segments", segmentId);
    await ctx.db.delete("segments", seg._id);
    await recordAudit(ctx, { userId: ctx.userId, actor: ctx.actor, action: "segment.remove", target: { table: "segments", id: seg._id } });
    return null;
  },
});

const TAG = "Segments";

export const segmentRoutes: ApiRoute[] = [
  defineRoute({
    method: "GET",
    path: "/segments",
    tag: TAG,
    summary: "List segments",
    responses: { 200: { description: "The segments, by name (without counts).", schema: s.SegmentList } },
    handler: async (ctx) => ({ status: 200, body: await ctx.runQuery(internal.api.segments.list, ctx.auth) }),
  }),
  defineRoute({
    method: "POST",
    path: "/segments",
    tag: TAG,
    summary: "Create a segment",
    description:
      "A saved filter: contacts that meet all `conditions` (tags, custom fields, reachable on a channel, opted " +
      "in/out, last message received/sent before/after, replied to a broadcast, created by an import). Broadcast " +
      "to it with POST /broadcasts `segmentId`.",
    body: s.SegmentCreate,
    responses: { 201: { description: "The new segment.", schema: s.Segment } },
    errors: [404, 409],
    handler: async (ctx, { body }) => ({
      status: 201,
      body: await ctx.runMutation(internal.api.segments.create, { ...ctx.auth, name: body.name, conditions: body.conditions as Condition[] }),
    }),
  }),
  defineRoute({
    method: "GET",
    path: "/segments/{id}",
    tag: TAG,
    summary: "Get a segment with how many contacts it matches now",
    params: s.IdParams,
    responses: { 200: { description: "The segment and its count.", schema: s.Segment } },
    errors: [404],
    handler: async (ctx, { params }) => {
      const seg = await ctx.runQuery(internal.api.segments.get, { ...ctx.auth, segmentId: params.id });
      let count = 0;
      let cursor: string | null = null;
      do {
        const step: { matched: number; cursor: string | null } = await ctx.runQuery(internal.api.segments.countStep, { ...ctx.auth, segmentId: params.id, cursor });
        count += step.matched;
        cursor = step.cursor;
      } while (cursor !== null);
      return { status: 200, body: { ...seg, count } };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/segments/{id}/contacts",
    tag: TAG,
    summary: "The contacts a segment matches",
    description: "A page may hold fewer than `limit` contacts while `nextCursor` says more follow (pages read `limit` contacts each).",
    params: s.IdParams,
    query: s.PageQuery,
    responses: { 200: { description: "A page of contacts.", schema: s.ContactList } },
    errors: [404],
    handler: async (ctx, { params, query }) => ({
      status: 200,
      body: await ctx.runQuery(internal.api.segments.contacts, {
        ...ctx.auth,
        segmentId: params.id,
        paginationOpts: { numItems: query.limit ?? s.DEFAULT_PAGE_SIZE, cursor: query.cursor ?? null },
      }),
    }),
  }),
  defineRoute({
    method: "PATCH",
    path: "/segments/{id}",
    tag: TAG,
    summary: "Update a segment",
    params: s.IdParams,
    body: s.SegmentUpdate,
    responses: { 200: { description: "The updated segment.", schema: s.Segment } },
    errors: [404, 409],
    handler: async (ctx, { params, body }) => ({
      status: 200,
      body: await ctx.runMutation(internal.api.segments.update, {
        ...ctx.auth,
        segmentId: params.id,
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.conditions !== undefined ? { conditions: body.conditions as Condition[] } : {}),
      }),
    }),
  }),
  defineRoute({
    method: "DELETE",
    path: "/segments/{id}",
    tag: TAG,
    summary: "Delete a segment",
    params: s.IdParams,
    responses: { 204: { description: "Deleted." } },
    errors: [404],
    handler: async (ctx, { params }) => {
      await ctx.runMutation(internal.api.segments.remove, { ...ctx.auth, segmentId: params.id });
      return { status: 204 };
    },
  }),
];
