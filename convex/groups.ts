import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { internalMutation, type MutationCtx } from "./_generated/server";
import { getOwned, userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { CONTACT_LIMITS, PURGE_BATCH } from "./lib/contacts";
import { appError } from "./lib/errors";
import schema from "./schema";

const vGroup = doc(schema, "groups");
const vContact = doc(schema, "contacts");
/** Contacts added or removed in one call. */
export const MAX_MEMBERS_PER_CALL = 500;
const NAME_MAX = 100;
const DESCRIPTION_MAX = 1000;

function cleanGroupName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, " ");
  if (trimmed.length === 0 || trimmed.length > NAME_MAX) {
    throw appError("INVALID_ARGUMENT", `Group names must be 1–${NAME_MAX} characters.`, { field: "name" });
  }
  return trimmed;
}

function cleanDescription(description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  if (description.length > DESCRIPTION_MAX) {
    throw appError("INVALID_ARGUMENT", `Descriptions are at most ${DESCRIPTION_MAX} characters.`, {
      field: "description",
    });
  }
  return description.trim();
}

async function assertNameFree(ctx: Pick<MutationCtx, "db">, userId: Id<"users">, name: string, exceptId?: Id<"groups">) {
  const existing = await ctx.db
    .query("groups")
    .withIndex("by_user_and_sortName", (q) => q.eq("userId", userId).eq("sortName", name.toLowerCase()))
    .first();
  if (existing && existing._id !== exceptId) {
    throw appError("DUPLICATE_GROUP", `A group named "${existing.name}" already exists.`, { groupId: existing._id });
  }
}

function checkBatch(contactIds: Id<"contacts">[]) {
  if (contactIds.length > MAX_MEMBERS_PER_CALL) {
    throw appError("LIMIT_EXCEEDED", `At most ${MAX_MEMBERS_PER_CALL} contacts per call.`);
  }
  return [...new Set(contactIds)];
}

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
  handler: async (ctx, args) => {
    const name = cleanGroupName(args.name);
    const description = cleanDescription(args.description);
    await assertNameFree(ctx, ctx.userId, name);
    const groupId = await ctx.db.insert("groups", {
      userId: ctx.userId,
      name,
      sortName: name.toLowerCase(),
      ...(description ? { description } : {}),
      memberCount: 0,
    });
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "group.create",
      target: { table: "groups", id: groupId },
    });
    return groupId;
  },
});

/** Rename a group or change its description. */
export const update = userMutation({
  args: { groupId: v.id("groups"), name: v.optional(v.string()), description: v.optional(v.string()) },
  returns: v.null(),
  handler: async (ctx, args) => {
    await getOwned(ctx, "groups", args.groupId);
    const patch: { name?: string; sortName?: string; description?: string } = {};
    if (args.name !== undefined) {
      const name = cleanGroupName(args.name);
      await assertNameFree(ctx, ctx.userId, name, args.groupId);
      Object.assign(patch, { name, sortName: name.toLowerCase() });
    }
    if (args.description !== undefined) patch.description = cleanDescription(args.description);
    await ctx.db.patch("groups", args.groupId, patch);
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "group.update",
      target: { table: "groups", id: args.groupId },
    });
    return null;
  },
});

/** Delete memberships of a removed group, a batch per transaction. */
async function deleteGroupMemberships(ctx: Pick<MutationCtx, "db">, groupId: Id<"groups">) {
  const batch = await ctx.db
    .query("groupMemberships")
    .withIndex("by_group_and_contact", (q) => q.eq("groupId", groupId))
    .take(PURGE_BATCH);
  for (const m of batch) await ctx.db.delete("groupMemberships", m._id);
  return batch.length;
}

/** Remove a group. Its contacts stay; its memberships go (large groups in scheduled batches). */
export const remove = userMutation({
  args: { groupId: v.id("groups") },
  returns: v.null(),
  handler: async (ctx, { groupId }) => {
    const group = await getOwned(ctx, "groups", groupId);
    await ctx.db.delete("groups", groupId);
    if ((await deleteGroupMemberships(ctx, groupId)) === PURGE_BATCH) {
      await ctx.scheduler.runAfter(0, internal.groups.purgeMemberships, { groupId });
    }
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "group.remove",
      target: { table: "groups", id: groupId },
      details: { name: group.name, members: group.memberCount },
    });
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
  handler: async (ctx, args) => {
    const group = await getOwned(ctx, "groups", args.groupId);
    let added = 0;
    const contactIds = checkBatch(args.contactIds);
    for (const contactId of contactIds) {
      await getOwned(ctx, "contacts", contactId);
      const existing = await ctx.db
        .query("groupMemberships")
        .withIndex("by_group_and_contact", (q) => q.eq("groupId", group._id).eq("contactId", contactId))
        .unique();
      if (existing) continue;
      await ctx.db.insert("groupMemberships", { userId: ctx.userId, groupId: group._id, contactId });
      added++;
    }
    if (added > 0) {
      await ctx.db.patch("groups", group._id, { memberCount: group.memberCount + added });
      await recordAudit(ctx, {
        userId: ctx.userId,
        actor: ctx.actor,
        action: "group.addMembers",
        target: { table: "groups", id: group._id },
        details: { added },
      });
    }
    return { added, alreadyMembers: contactIds.length - added };
  },
});

export const removeMembers = userMutation({
  args: { groupId: v.id("groups"), contactIds: v.array(v.id("contacts")) },
  returns: v.object({ removed: v.number() }),
  handler: async (ctx, args) => {
    const group = await getOwned(ctx, "groups", args.groupId);
    let removed = 0;
    for (const contactId of checkBatch(args.contactIds)) {
      await getOwned(ctx, "contacts", contactId);
      const existing = await ctx.db
        .query("groupMemberships")
        .withIndex("by_group_and_contact", (q) => q.eq("groupId", group._id).eq("contactId", contactId))
        .unique();
      if (!existing) continue;
      await ctx.db.delete("groupMemberships", existing._id);
      removed++;
    }
    if (removed > 0) {
      await ctx.db.patch("groups", group._id, { memberCount: Math.max(0, group.memberCount - removed) });
      await recordAudit(ctx, {
        userId: ctx.userId,
        actor: ctx.actor,
        action: "group.removeMembers",
        target: { table: "groups", id: group._id },
        details: { removed },
      });
    }
    return { removed };
  },
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
