/** REST API: /custom-fields (the account's custom contact fields) and /tags. */
import { v } from "convex/values";
import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { apiMutation, apiQuery, getOwned, getOwnedByString } from "../functions";
import { recordAudit } from "../lib/audit";
import { createField, fieldDefs, updateField } from "../lib/customFields";
import { appError } from "../lib/errors";
import { applyTags } from "../lib/tags";
import { vFieldType } from "../schema";
import { TAG_LIMITS } from "../../lib/tags";
import { customFieldJson } from "./resources";
import { defineRoute, type ApiRoute } from "./route";
import * as s from "./schemas";

export const list = apiQuery({
  args: {},
  handler: async (ctx) => ({ data: (await fieldDefs(ctx, ctx.userId)).map(customFieldJson) }),
});

export const create = apiMutation({
  args: { label: v.string(), type: vFieldType, options: v.optional(v.array(v.string())), showInTable: v.optional(v.boolean()) },
  handler: async (ctx, args) => customFieldJson(await getOwned(ctx, "customFields", await createField(ctx, ctx.userId, ctx.actor, args))),
});

export const update = apiMutation({
  args: { fieldId: v.string(), label: v.optional(v.string()), options: v.optional(v.array(v.string())), showInTable: v.optional(v.boolean()) },
  handler: async (ctx, { fieldId, ...args }) => {
    const field = await getOwnedByString(ctx, "customFields", fieldId);
    if (field.deleting) throw appError("NOT_FOUND");
    await updateField(ctx, ctx.userId, ctx.actor, field, args);
    return customFieldJson(await getOwned(ctx, "customFields", field._id));
  },
});

export const remove = apiMutation({
  args: { fieldId: v.string() },
  handler: async (ctx, { fieldId }) => {
    const field = await getOwnedByString(ctx, "customFields", fieldId);
    if (field.deleting) throw appError("NOT_FOUND");
    await ctx.db.patch("customFields", field._id, { deleting: true });
    await ctx.scheduler.runAfter(0, internal.customFields.purgeValues, { fieldId: field._id, cursor: null });
    await recordAudit(ctx, { userId: ctx.userId, actor: ctx.actor, action: "customField.remove", target: { table: "customFields", id: field._id } });
    return null;
  },
});

export const tags = apiQuery({
  args: {},
  handler: async (ctx) => {
    const all = await ctx.db
      .query("tags")
      .withIndex("by_user_and_key", (q) => q.eq("userId", ctx.userId))
      .take(1000);
    return { data: all.map((t) => ({ name: t.name, contacts: t.count })) };
  },
});

export const applyTagsTo = apiMutation({
  args: { contactIds: v.array(v.string()), add: v.array(v.string()), remove: v.array(v.string()) },
  handler: async (ctx, { contactIds, add, remove }) => {
    if (contactIds.length > TAG_LIMITS.perCall) throw appError("LIMIT_EXCEEDED", `At most ${TAG_LIMITS.perCall} contacts per call.`);
    const contacts = [];
    const seen = new Set<Id<"contacts">>();
    for (const id of contactIds) {
      const contact = await getOwnedByString(ctx, "contacts", id);
      if (!seen.has(contact._id)) contacts.push(contact);
      seen.add(contact._id);
    }
    const result = await applyTags(ctx, ctx.userId, contacts, add, remove);
    await recordAudit(ctx, { userId: ctx.userId, actor: ctx.actor, action: "contact.tag", details: { changed: result.changed } });
    return result;
  },
});

const TAG = "Custom fields and tags";

export const customFieldRoutes: ApiRoute[] = [
  defineRoute({
    method: "GET",
    path: "/custom-fields",
    tag: TAG,
    summary: "List custom fields",
    responses: { 200: { description: "The account's custom contact fields.", schema: s.CustomFieldList } },
    handler: async (ctx) => ({ status: 200, body: await ctx.runQuery(internal.api.customFields.list, ctx.auth) }),
  }),
  defineRoute({
    method: "POST",
    path: "/custom-fields",
    tag: TAG,
    summary: "Create a custom field",
    description: "Types: text, number, date (YYYY-MM-DD), boolean, select (one of `options`). The key is derived from the label.",
    body: s.CustomFieldCreate,
    responses: { 201: { description: "The new field.", schema: s.CustomField } },
    errors: [409],
    handler: async (ctx, { body }) => ({
      status: 201,
      body: await ctx.runMutation(internal.api.customFields.create, { ...ctx.auth, ...body }),
    }),
  }),
  defineRoute({
    method: "PATCH",
    path: "/custom-fields/{id}",
    tag: TAG,
    summary: "Update a custom field",
    params: s.IdParams,
    body: s.CustomFieldUpdate,
    responses: { 200: { description: "The updated field.", schema: s.CustomField } },
    errors: [404, 409],
    handler: async (ctx, { params, body }) => ({
      status: 200,
      body: await ctx.runMutation(internal.api.customFields.update, { ...ctx.auth, fieldId: params.id, ...body }),
    }),
  }),
  defineRoute({
    method: "DELETE",
    path: "/custom-fields/{id}",
    tag: TAG,
    summary: "Delete a custom field",
    description: "Its values are removed from every contact (in the background).",
    params: s.IdParams,
    responses: { 204: { description: "Deleted." } },
    errors: [404],
    handler: async (ctx, { params }) => {
      await ctx.runMutation(internal.api.customFields.remove, { ...ctx.auth, fieldId: params.id });
      return { status: 204 };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/tags",
    tag: TAG,
    summary: "List tags",
    description: "Every tag in use, with how many contacts have it.",
    responses: { 200: { description: "The tags, by name.", schema: s.TagList } },
    handler: async (ctx) => ({ status: 200, body: await ctx.runQuery(internal.api.customFields.tags, ctx.auth) }),
  }),
  defineRoute({
    method: "POST",
    path: "/tags/apply",
    tag: TAG,
    summary: "Tag or untag contacts in bulk",
    body: s.TagsApply,
    responses: { 200: { description: "How many contacts changed.", schema: s.TagsApplied } },
    errors: [404],
    handler: async (ctx, { body }) => ({
      status: 200,
      body: await ctx.runMutation(internal.api.customFields.applyTagsTo, {
        ...ctx.auth,
        contactIds: body.contactIds,
        add: body.add ?? [],
        remove: body.remove ?? [],
      }),
    }),
  }),
];
