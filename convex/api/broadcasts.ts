/** REST API: /broadcasts, through the app's createBroadcast with the API key as the actor. */
import { v } from "convex/values";
import { internal } from "../_generated/api";
import { apiMutation, apiQuery, getOwned, getOwnedByString } from "../functions";
import { createBroadcast, withProgress } from "../lib/broadcasts";
import { vChannel } from "../schema";
import { idempotencyOf, onceForKey, storedResponse, vIdempotency } from "./idempotency";
import { broadcastJson } from "./resources";
import { defineRoute, type ApiRoute } from "./route";
import * as s from "./schemas";
import { templateRefs, vTemplateArgs, variablesOf } from "./templateRefs";

export const ROUTE_BROADCAST = "POST /broadcasts";

export const create = apiMutation({
  args: {
    groupId: v.optional(v.string()),
    segmentId: v.optional(v.string()),
    channel: vChannel,
    content: v.optional(v.string()),
    subject: v.optional(v.string()),
    mediaUrls: v.optional(v.array(v.string())),
    scheduledAt: v.optional(v.number()),
    ...vTemplateArgs,
    localTime: v.optional(v.object({ date: v.string(), time: v.string() })),
    frequencyCapDays: v.optional(v.number()),
    idempotency: vIdempotency,
  },
  handler: async (ctx, { groupId, segmentId, idempotency, templateId, whatsappTemplateId, content, ...request }) =>
    await onceForKey(ctx, ctx.userId, idempotency, ROUTE_BROADCAST, async () => {
      const audience =
        groupId !== undefined
          ? { groupId: (await getOwnedByString(ctx, "groups", groupId))._id }
          : { segmentId: (await getOwnedByString(ctx, "segments", segmentId!))._id };
      const templates = await templateRefs(ctx, { templateId, whatsappTemplateId });
      const broadcastId = await createBroadcast(ctx, ctx.userId, ctx.actor, { ...request, content: content ?? "", ...audience, ...templates });
      return { status: 202, body: broadcastJson(await withProgress(ctx, await getOwned(ctx, "broadcasts", broadcastId))) };
    }),
});

export const get = apiQuery({
  args: { broadcastId: v.string() },
  handler: async (ctx, { broadcastId }) =>
    broadcastJson(await withProgress(ctx, await getOwnedByString(ctx, "broadcasts", broadcastId))),
});

const TAG = "Broadcasts";

export const broadcastRoutes: ApiRoute[] = [
  defineRoute({
    method: "POST",
    path: "/broadcasts",
    tag: TAG,
    summary: "Send or schedule a broadcast to a group or a segment",
    description:
      "Members are messaged in the background, paced to the sender's rate; follow progress with " +
      "GET /broadcasts/{id}. Accepts an `Idempotency-Key` header like POST /messages.",
    body: s.BroadcastCreate,
    idempotent: true,
    responses: { 202: { description: "Accepted: the broadcast, `sending` or `scheduled`.", schema: s.Broadcast } },
    errors: [404, 422],
    handler: async (ctx, { body, idempotencyKey, bodyHash }) => {
      const { scheduledAt, variables, ...rest } = body;
      const result = await ctx.runMutation(internal.api.broadcasts.create, {
        ...ctx.auth,
        ...rest,
        ...variablesOf(variables),
        ...(scheduledAt !== undefined ? { scheduledAt: Date.parse(scheduledAt) } : {}),
        idempotency: idempotencyOf(idempotencyKey, bodyHash),
      });
      return storedResponse(result);
    },
  }),
  defineRoute({
    method: "GET",
    path: "/broadcasts/{id}",
    tag: TAG,
    summary: "Get a broadcast",
    description: "With live progress counts and why members were skipped.",
    params: s.IdParams,
    responses: { 200: { description: "The broadcast.", schema: s.Broadcast } },
    errors: [404],
    handler: async (ctx, { params }) => ({
      status: 200,
      body: await ctx.runQuery(internal.api.broadcasts.get, { ...ctx.auth, broadcastId: params.id }),
    }),
  }),
];
