/** REST API: /groups and their members. Internal functions run as the API key's user. */
import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { apiMutation, apiQuery, getOwned, getOwnedByString } from "../functions";
import { appError } from "../lib/errors";
import { addGroupMembers, createGroup, removeGroup, removeGroupMembers, updateGroup } from "../lib/groups";
import { contactJson, groupJson, pageOptions, readPage } from "./resources";
import { defineRoute, type ApiRoute } from "./route";
import * as s from "./schemas";

export const list = apiQuery({
  args: { paginationOpts: paginationOptsValidator },
  handler: async (ctx, { paginationOpts }) =>
    await readPage(
      paginationOpts,
      () =>
        ctx.db
          .query("groups")
          .withIndex("by_user_and_sortName", (q) => q.eq("userId", ctx.userId))
          .paginate(paginationOpts),
      groupJson,
    ),
});

export const get = apiQuery({
  args: { groupId: v.string() },
  handler: async (ctx, { groupId }) => groupJson(await getOwnedByString(ctx, "groups", groupId)),
});

export const create = apiMutation({
  args: { name: v.string(), description: v.optional(v.string()) },
  handler: async (ctx, args) => {
    const groupId = await createGroup(ctx, ctx.userId, ctx.actor, args);
    return groupJson(await getOwned(ctx, "groups", groupId));
  },
});

export const update = apiMutation({
  args: { groupId: v.string(), name: v.optional(v.string()), description: v.optional(v.string()) },
  handler: async (ctx, { groupId, ...args }) => {
    const group = await getOwnedByString(ctx, "groups", groupId);
    await updateGroup(ctx, ctx.userId, ctx.actor, group._id, args);
    return groupJson(await getOwned(ctx, "groups", group._id));
  },
});

export const remove = apiMutation({
  args: { groupId: v.string() },
  handler: async (ctx, { groupId }) => {
    const group = await getOwnedByString(ctx, "groups", groupId);
    await removeGroup(ctx, ctx.userId, ctx.actor, group._id);
    return null;
  },
});

/** A group's members, in the order they were added. */
export const listMembers = apiQuery({
  args: { groupId: v.string(), paginationOpts: paginationOptsValidator },
  handler: async (ctx, { groupId, paginationOpts }) => {
    const group = await getOwnedByString(ctx, "groups", groupId);
    const page = await readPage(
      paginationOpts,
      () =>
        ctx.db
          .query("groupMemberships")
          .withIndex("by_group_and_contact", (q) => q.eq("groupId", group._id))
          .paginate(paginationOpts),
      (m) => m.contactId,
    );
    const contacts = await Promise.all(page.data.map((id) => ctx.db.get("contacts", id)));
    return { ...page, data: contacts.filter((c) => c !== null).map(contactJson) };
  },
});

export const addMembers = apiMutation({
  args: { groupId: v.string(), contactIds: v.array(v.string()) },
  handler: async (ctx, args) => {
    const group = await getOwnedByString(ctx, "groups", args.groupId);
    const contactIds: Id<"contacts">[] = [];
    for (const id of args.contactIds) {
      const contactId = ctx.db.normalizeId("contacts", id);
      if (contactId === null) throw appError("NOT_FOUND");
      contactIds.push(contactId);
    }
    return await addGroupMembers(ctx, ctx.userId, ctx.actor, group._id, contactIds);
  },
});

/** Take one contact out of a group; 404 if it is not a member. */
export const removeMember = apiMutation({
  args: { groupId: v.string(), contactId: v.string() },
  handler: async (ctx, args) => {
    const group = await getOwnedByString(ctx, "groups", args.groupId);
    const contact = await getOwnedByString(ctx, "contacts", args.contactId);
    const { removed } = await removeGroupMembers(ctx, ctx.userId, ctx.actor, group._id, [contact._id]);
    if (removed === 0) throw appError("NOT_FOUND", "That contact is not a member of this group.");
    return null;
  },
});

const TAG = "Groups";

export const groupRoutes: ApiRoute[] = [
  defineRoute({
    method: "GET",
    path: "/groups",
    tag: TAG,
    summary: "List groups",
    description: "Sorted by name.",
    query: s.PageQuery,
    responses: { 200: { description: "A page of groups.", schema: s.GroupList } },
    handler: async (ctx, { query }) => ({
      status: 200,
      body: await ctx.runQuery(internal.api.groups.list, { ...ctx.auth, paginationOpts: pageOptions(query) }),
    }),
  }),
  defineRoute({
    method: "POST",
    path: "/groups",
    tag: TAG,
    summary: "Create a group",
    body: s.GroupCreate,
    responses: { 201: { description: "The new group.", schema: s.Group } },
    errors: [409],
    handler: async (ctx, { body }) => ({
      status: 201,
      body: await ctx.runMutation(internal.api.groups.create, { ...ctx.auth, ...body }),
    }),
  }),
  defineRoute({
    method: "GET",
    path: "/groups/{id}",
    tag: TAG,
    summary: "Get a group",
    params: s.IdParams,
    responses: { 200: { description: "The group.", schema: s.Group } },
    errors: [404],
    handler: async (ctx, { params }) => ({
      status: 200,
      body: await ctx.runQuery(internal.api.groups.get, { ...ctx.auth, groupId: params.id }),
    }),
  }),
  defineRoute({
    method: "PATCH",
    path: "/groups/{id}",
    tag: TAG,
    summary: "Rename a group or change its description",
    params: s.IdParams,
    body: s.GroupUpdate,
    responses: { 200: { description: "The updated group.", schema: s.Group } },
    errors: [404, 409],
    handler: async (ctx, { params, body }) => ({
      status: 200,
      body: await ctx.runMutation(internal.api.groups.update, { ...ctx.auth, groupId: params.id, ...body }),
    }),
  }),
  defineRoute({
    method: "DELETE",
    path: "/groups/{id}",
    tag: TAG,
    summary: "Delete a group",
    description: "Its contacts stay.",
    params: s.IdParams,
    responses: { 204: { description: "Deleted." } },
    errors: [404],
    handler: async (ctx, { params }) => {
      await ctx.runMutation(internal.api.groups.remove, { ...ctx.auth, groupId: params.id });
      return { status: 204 };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/groups/{id}/members",
    tag: TAG,
    summary: "List a group's members",
    description: "In the order they were added.",
    params: s.IdParams,
    query: s.PageQuery,
    responses: { 200: { description: "A page of contacts.", schema: s.ContactList } },
    errors: [404],
    handler: async (ctx, { params, query }) => ({
      status: 200,
      body: await ctx.runQuery(internal.api.groups.listMembers, {
        ...ctx.auth,
        groupId: params.id,
        paginationOpts: pageOptions(query),
      }),
    }),
  }),
  defineRoute({
    method: "POST",
    path: "/groups/{id}/members",
    tag: TAG,
    summary: "Add contacts to a group",
    description: "Adding a contact that is already a member changes nothing.",
    params: s.IdParams,
    body: s.GroupMembersAdd,
    responses: { 200: { description: "How many were added.", schema: s.MembersAdded } },
    errors: [404],
    handler: async (ctx, { params, body }) => ({
      status: 200,
      body: await ctx.runMutation(internal.api.groups.addMembers, {
        ...ctx.auth,
        groupId: params.id,
        contactIds: body.contactIds,
      }),
    }),
  }),
  defineRoute({
    method: "DELETE",
    path: "/groups/{id}/members/{contactId}",
    tag: TAG,
    summary: "Remove a contact from a group",
    params: s.MemberParams,
    responses: { 204: { description: "Removed." } },
    errors: [404],
    handler: async (ctx, { params }) => {
      await ctx.runMutation(internal.api.groups.removeMember, {
        ...ctx.auth,
        groupId: params.id,
        contactId: params.contactId,
      });
      return { status: 204 };
    },
  }),
];
