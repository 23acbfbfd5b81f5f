/** REST API: /contacts. Internal functions run as the API key's user; the routes call them. */
import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { normalizeSearchQuery } from "../lib/search";
import { internal } from "../_generated/api";
import { apiMutation, apiQuery, getOwned, getOwnedByString } from "../functions";
import { createContact, removeContact, updateContact } from "../lib/contacts";
import { vFieldValuesInput, vMetadata, vSocialHandles } from "../schema";
import { contactJson, pageOptions, readPage } from "./resources";
import { defineRoute, type ApiRoute } from "./route";
import * as s from "./schemas";

const vContactFields = {
  name: v.optional(v.string()),
  phone: v.optional(v.union(v.string(), v.null())),
  email: v.optional(v.union(v.string(), v.null())),
  socialHandles: v.optional(vSocialHandles),
  metadata: v.optional(vMetadata),
  tags: v.optional(v.array(v.string())),
  fields: v.optional(vFieldValuesInput),
  timeZone: v.optional(v.union(v.string(), v.null())),
};

export const list = apiQuery({
  args: { search: v.optional(v.string()), paginationOpts: paginationOptsValidator },
  handler: async (ctx, { search, paginationOpts }) => {
    const query = normalizeSearchQuery(search ?? "");
    const contacts = ctx.db.query("contacts");
    return await readPage(
      paginationOpts,
      () =>
        query === ""
          ? contacts.withIndex("by_user_and_sortName", (q) => q.eq("userId", ctx.userId)).paginate(paginationOpts)
          : contacts
              .withSearchIndex("search_text", (q) => q.search("searchText", query).eq("userId", ctx.userId))
              .paginate(paginationOpts),
      contactJson,
    );
  },
});

export const get = apiQuery({
  args: { contactId: v.string() },
  handler: async (ctx, { contactId }) => contactJson(await getOwnedByString(ctx, "contacts", contactId)),
});

export const create = apiMutation({
  args: { ...vContactFields, name: v.string(), phone: v.optional(v.string()), email: v.optional(v.string()) },
  handler: async (ctx, input) => {
    const contactId = await createContact(ctx, ctx.userId, ctx.actor, input);
    return contactJson(await getOwned(ctx, "contacts", contactId));
  },
});

export const update = apiMutation({
  args: { contactId: v.string(), ...vContactFields },
  handler: async (ctx, { contactId, ...input }) => {
    const contact = await getOwnedByString(ctx, "contacts", contactId);
    await updateContact(ctx, ctx.userId, ctx.actor, contact._id, input);
    return contactJson(await getOwned(ctx, "contacts", contact._id));
  },
});

export const remove = apiMutation({
  args: { contactId: v.string() },
  handler: async (ctx, { contactId }) => {
    const contact = await getOwnedByString(ctx, "contacts", contactId);
    await removeContact(ctx, ctx.userId, ctx.actor, contact._id);
    return null;
  },
});

const TAG = "Contacts";

export const contactRoutes: ApiRoute[] = [
  defineRoute({
    method: "GET",
    path: "/contacts",
    tag: TAG,
    summary: "List or search contacts",
    description: "Sorted by name, or best matches first with `search`.",
    query: s.ContactsQuery,
    responses: { 200: { description: "A page of contacts.", schema: s.ContactList } },
    handler: async (ctx, { query }) => {
      const body = await ctx.runQuery(internal.api.contacts.list, {
        ...ctx.auth,
        ...(query.search !== undefined ? { search: query.search } : {}),
        paginationOpts: pageOptions(query),
      });
      return { status: 200, body };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/contacts",
    tag: TAG,
    summary: "Create a contact",
    body: s.ContactCreate,
    responses: { 201: { description: "The new contact.", schema: s.Contact } },
    errors: [409, 422],
    handler: async (ctx, { body }) => ({
      status: 201,
      body: await ctx.runMutation(internal.api.contacts.create, { ...ctx.auth, ...body }),
    }),
  }),
  defineRoute({
    method: "GET",
    path: "/contacts/{id}",
    tag: TAG,
    summary: "Get a contact",
    params: s.IdParams,
    responses: { 200: { description: "The contact.", schema: s.Contact } },
    errors: [404],
    handler: async (ctx, { params }) => ({
      status: 200,
      body: await ctx.runQuery(internal.api.contacts.get, { ...ctx.auth, contactId: params.id }),
    }),
  }),
  defineRoute({
    method: "PATCH",
    path: "/contacts/{id}",
    tag: TAG,
    summary: "Update a contact",
    params: s.IdParams,
    body: s.ContactUpdate,
    responses: { 200: { description: "The updated contact.", schema: s.Contact } },
    errors: [404, 409, 422],
    handler: async (ctx, { params, body }) => ({
      status: 200,
      body: await ctx.runMutation(internal.api.contacts.update, { ...ctx.auth, contactId: params.id, ...body }),
    }),
  }),
  defineRoute({
    method: "DELETE",
    path: "/contacts/{id}",
    tag: TAG,
    summary: "Delete a contact",
    description: "Also removes its group memberships, notes and messages (pending messages never send).",
    params: s.IdParams,
    responses: { 204: { description: "Deleted." } },
    errors: [404],
    handler: async (ctx, { params }) => {
      await ctx.runMutation(internal.api.contacts.remove, { ...ctx.auth, contactId: params.id });
      return { status: 204 };
    },
  }),
];
