/** REST API: /templates (saved message templates) and /whatsapp-templates (synced from Twilio). */
import { v } from "convex/values";
import { internal } from "../_generated/api";
import { apiMutation, apiQuery, getOwned, getOwnedByString } from "../functions";
import { createTemplate, listTemplates, removeTemplate, updateTemplate } from "../lib/templates";
import { vChannel } from "../schema";
import { templateJson, whatsappTemplateJson } from "./resources";
import { defineRoute, type ApiRoute } from "./route";
import * as s from "./schemas";

export const list = apiQuery({
  args: { search: v.optional(v.string()), channel: v.optional(vChannel) },
  handler: async (ctx, args) => ({ data: (await listTemplates(ctx, ctx.userId, { ...args, limit: 100 })).map(templateJson) }),
});

export const get = apiQuery({
  args: { templateId: v.string() },
  handler: async (ctx, { templateId }) => templateJson(await getOwnedByString(ctx, "templates", templateId)),
});

export const create = apiMutation({
  args: { name: v.string(), channel: v.union(vChannel, v.null()), content: v.string(), subject: v.optional(v.string()) },
  handler: async (ctx, args) => templateJson(await getOwned(ctx, "templates", await createTemplate(ctx, ctx.userId, ctx.actor, args))),
});

export const update = apiMutation({
  args: {
    templateId: v.string(),
    name: v.optional(v.string()),
    channel: v.optional(v.union(vChannel, v.null())),
    content: v.optional(v.string()),
    subject: v.optional(v.string()),
  },
  handler: async (ctx, { templateId, ...patch }) => {
    const template = await getOwnedByString(ctx, "templates", templateId);
    await updateTemplate(ctx, ctx.userId, ctx.actor, template, patch);
    return templateJson(await getOwned(ctx, "templates", template._id));
  },
});

export const remove = apiMutation({
  args: { templateId: v.string() },
  handler: async (ctx, { templateId }) => {
    await removeTemplate(ctx, ctx.userId, ctx.actor, await getOwnedByString(ctx, "templates", templateId));
    return null;
  },
});

export const whatsappList = apiQuery({
  args: {},
  handler: async (ctx) => {
    const all = await ctx.db
      .query("whatsappTemplates")
      .withIndex("by_user_and_name", (q) => q.eq("userId", ctx.userId))
      .take(1000);
    return { data: all.map(whatsappTemplateJson) };
  },
});

const TAG = "Templates";

export const templateRoutes: ApiRoute[] = [
  defineRoute({
    method: "GET",
    path: "/templates",
    tag: TAG,
    summary: "List templates",
    description: "By name; with `search`, those whose name or text match (at most 100).",
    query: s.TemplatesQuery,
    responses: { 200: { description: "The templates.", schema: s.TemplateList } },
    handler: async (ctx, { query }) => ({ status: 200, body: await ctx.runQuery(internal.api.templates.list, { ...ctx.auth, ...query }) }),
  }),
  defineRoute({
    method: "POST",
    path: "/templates",
    tag: TAG,
    summary: "Create a template",
    body: s.TemplateCreate,
    responses: { 201: { description: "The new template.", schema: s.Template } },
    errors: [409],
    handler: async (ctx, { body }) => ({
      status: 201,
      body: await ctx.runMutation(internal.api.templates.create, { ...ctx.auth, ...body, channel: body.channel ?? null }),
    }),
  }),
  defineRoute({
    method: "GET",
    path: "/templates/{id}",
    tag: TAG,
    summary: "Get a template",
    params: s.IdParams,
    responses: { 200: { description: "The template.", schema: s.Template } },
    errors: [404],
    handler: async (ctx, { params }) => ({
      status: 200,
      body: await ctx.runQuery(internal.api.templates.get, { ...ctx.auth, templateId: params.id }),
    }),
  }),
  defineRoute({
    method: "PATCH",
    path: "/templates/{id}",
    tag: TAG,
    summary: "Update a template",
    params: s.IdParams,
    body: s.TemplateUpdate,
    responses: { 200: { description: "The updated template.", schema: s.Template } },
    errors: [404, 409],
    handler: async (ctx, { params, body }) => ({
      status: 200,
      body: await ctx.runMutation(internal.api.templates.update, { ...ctx.auth, templateId: params.id, ...body }),
    }),
  }),
  defineRoute({
    method: "DELETE",
    path: "/templates/{id}",
    tag: TAG,
    summary: "Delete a template",
    description: "Messages already scheduled with its text keep their own copy.",
    params: s.IdParams,
    responses: { 204: { description: "Deleted." } },
    errors: [404],
    handler: async (ctx, { params }) => {
      await ctx.runMutation(internal.api.templates.remove, { ...ctx.auth, templateId: params.id });
      return { status: 204 };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/whatsapp-templates",
    tag: TAG,
    summary: "List WhatsApp templates",
    description:
      "Synced from Twilio's Content API (Settings → Templates → Sync), with WhatsApp's approval status and the merge field that " +
      "fills each placeholder. Send an approved one with `whatsappTemplateId` on POST /messages or /broadcasts.",
    responses: { 200: { description: "The WhatsApp templates, by name.", schema: s.WhatsAppTemplateList } },
    handler: async (ctx) => ({ status: 200, body: await ctx.runQuery(internal.api.templates.whatsappList, ctx.auth) }),
  }),
];
