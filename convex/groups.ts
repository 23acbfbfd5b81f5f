import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { internal } from "./_generated/api";

import { getOwned, internalMutation, userMutation, userQuery } from "./functions";
import { CONTACT_LIMITS, PURGE_BATCH } from "./lib/contacts";
import {
  addGroupMembers,
  createGroup,
  deleteGroupMemberships,
  removeGroup,
  removeGroupMembers,
  updateGroup,
} from "./lib/groups";
import schema from "./schema";

export { MAX_MEMBERS_PER_CALL } from "./lib/groups";

const vGroup = doc(schema, "groups");
const vContact = doc(schema, "contacts");

export const list = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vGroup),
  handler: async (ctx, { paginationOpts }) =>
    await ctx.db
      .query("groups")
      .withIndex("by_user_and_sortName", (q) => q.eq("userId", ctx.userId))
      .paginate(paginationOpts),
});

export const get = userQuery({
  args: { groupId: v.id("groups") },
  returns: vGroup,
  handler: async (ctx, { groupId }) => await getOwned(ctx, "groups", groupId),
});

export const create = userMutation({
  args: { name: v.string(), description: v.optional(v.string()) },
  returns: v.id("groups"),
  handler: async (ctx, args) => await createGroup(ctx, ctx.userId, ctx.actor, args),
});

/** Rename a group or change its description. */
export const update = userMutation({
  args: { groupId: v.id("groups"), name: v.optional(v.string()), description: v.optional(v.string()) },
  returns: v.null(),
  handler: async (ctx, { groupId, ...args }) => {
    await updateGroup(ctx, ctx.userId, ctx.actor, groupId, args);
    return null;
  },
});

/** Remove a group. Its contacts stay; its memberships go (large groups in scheduled batches). */
export const remove = userMutation({
  args: { groupId: v.id("groups") },
  returns: v.null(),
  handler: async (ctx, { groupId }) => {
    await removeGroup(ctx, ctx.userId, ctx.actor, groupId);
    return null;
  },
});

export const purgeMemberships = internalMutation({
  args: { groupId: v.id("groups") },
  returns: v.null(),
  handler: async (ctx, { groupId }) => {
    if ((await deleteGroupMemberships(ctx, groupId)) === PURGE_BATCH) {
      await ctx.scheduler.runAfter(0, internal.groups.purgeMemberships, { groupId });
    }
    return null;
  },
});

/** Add contacts to a group. Adding a member twice is a no-op. */
export const addMembers = userMutation({
  args: { groupId: v.id("groups"), contactIds: v.array(v.id("contacts")) },
  returns: v.object({ added: v.number(), alreadyMembers: v.number() }),
  handler: async (ctx, { groupId, contactIds }) =>
    await addGroupMembers(ctx, ctx.userId, ctx.actor, groupId, contactIds),
});

export const removeMembers = userMutation({
  args: { groupId: v.id("groups"), contactIds: v.array(v.id("contacts")) },
  returns: v.object({ removed: v.number() }),
  handler: async (ctx, { groupId, contactIds }) =>
    await removeGroupMembers(ctx, ctx.userId, ctx.actor, groupId, contactIds),
});

/** A group's members, a page at a time, in the order they were added. */
export const listMembers = userQuery({
  args: { groupId: v.id("groups"), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vContact),
  handler: async (ctx, { groupId, paginationOpts }) => {
    await getOwned(ctx, "groups", groupId);
    const result = await ctx.db
      .query("groupMemberships")
      .withIndex("by_group_and_contact", (q) => q.eq("groupId", groupId))
      .paginate(paginationOpts);
    const contacts = await Promise.all(result.page.map((m) => ctx.db.get("contacts", m.contactId)));
    return { ...result, page: contacts.filter((c) => c !== null) };
  },
});

/** The groups a contact belongs to, by name. */
export const listForContact = userQuery({
  args: { contactId: v.id("contacts") },
  returns: v.array(vGroup),
  handler: async (ctx, { contactId }) => {
    await getOwned(ctx, "contacts", contactId);
    const memberships = await ctx.db
      .query("groupMemberships")
      .withIndex("by_contact_and_group", (q) => q.eq("contactId", contactId))
      .take(CONTACT_LIMITS.groupsPerUser);
    const groups = await Promise.all(memberships.map((m) => ctx.db.get("groups", m.groupId)));
    return groups.filter((g) => g !== null).sort((a, b) => a.sortName.localeCompare(b.sortName));
  },
});
