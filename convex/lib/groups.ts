/** Group rules shared by the app's mutations and the REST API. */
import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { getOwned } from "../functions";
import type { Actor } from "../schema";
import { recordAudit } from "./audit";
import { PURGE_BATCH } from "./contacts";
import { appError } from "./errors";

/** Contacts added or removed in one call. */
export const MAX_MEMBERS_PER_CALL = 500;
const NAME_MAX = 100;
const DESCRIPTION_MAX = 1000;

type Ctx = Pick<MutationCtx, "db">;

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

async function assertNameFree(ctx: Ctx, userId: Id<"users">, name: string, exceptId?: Id<"groups">) {
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

export async function createGroup(
  ctx: Ctx,
  userId: Id<"users">,
  actor: Actor,
  args: { name: string; description?: string },
): Promise<Id<"groups">> {
  const name = cleanGroupName(args.name);
  const description = cleanDescription(args.description);
  await assertNameFree(ctx, userId, name);
  const groupId = await ctx.db.insert("groups", {
    userId,
    name,
    sortName: name.toLowerCase(),
    ...(description ? { description } : {}),
    memberCount: 0,
  });
  await recordAudit(ctx, { userId, actor, action: "group.create", target: { table: "groups", id: groupId } });
  return groupId;
}

/** Rename a group or change its description. */
export async function updateGroup(
  ctx: Ctx,
  userId: Id<"users">,
  actor: Actor,
  groupId: Id<"groups">,
  args: { name?: string; description?: string },
): Promise<void> {
  await getOwned({ db: ctx.db, userId }, "groups", groupId);
  const patch: { name?: string; sortName?: string; description?: string } = {};
  if (args.name !== undefined) {
    const name = cleanGroupName(args.name);
    await assertNameFree(ctx, userId, name, groupId);
    Object.assign(patch, { name, sortName: name.toLowerCase() });
  }
  if (args.description !== undefined) patch.description = cleanDescription(args.description);
  await ctx.db.patch("groups", groupId, patch);
  await recordAudit(ctx, { userId, actor, action: "group.update", target: { table: "groups", id: groupId } });
}

/** Delete memberships of a removed group, a batch per transaction. Returns how many. */
export async function deleteGroupMemberships(ctx: Ctx, groupId: Id<"groups">): Promise<number> {
  const batch = await ctx.db
    .query("groupMemberships")
    .withIndex("by_group_and_contact", (q) => q.eq("groupId", groupId))
    .take(PURGE_BATCH);
  for (const m of batch) await ctx.db.delete("groupMemberships", m._id);
  return batch.length;
}

/** Remove a group. Its contacts stay; its memberships go (large groups in scheduled batches). */
export async function removeGroup(
  ctx: Pick<MutationCtx, "db" | "scheduler">,
  userId: Id<"users">,
  actor: Actor,
  groupId: Id<"groups">,
): Promise<void> {
  const group = await getOwned({ db: ctx.db, userId }, "groups", groupId);
  await ctx.db.delete("groups", groupId);
  if ((await deleteGroupMemberships(ctx, groupId)) === PURGE_BATCH) {
    await ctx.scheduler.runAfter(0, internal.groups.purgeMemberships, { groupId });
  }
  await recordAudit(ctx, {
    userId,
    actor,
    action: "group.remove",
    target: { table: "groups", id: groupId },
    details: { name: group.name, members: group.memberCount },
  });
}

/** Add contacts to a group. Adding a member twice is a no-op. */
export async function addGroupMembers(
  ctx: Ctx,
  userId: Id<"users">,
  actor: Actor,
  groupId: Id<"groups">,
  contactIds: Id<"contacts">[],
): Promise<{ added: number; alreadyMembers: number }> {
  const owned = { db: ctx.db, userId };
  const group = await getOwned(owned, "groups", groupId);
  let added = 0;
  const unique = checkBatch(contactIds);
  for (const contactId of unique) {
    await getOwned(owned, "contacts", contactId);
    const existing = await ctx.db
      .query("groupMemberships")
      .withIndex("by_group_and_contact", (q) => q.eq("groupId", group._id).eq("contactId", contactId))
      .unique();
    if (existing) continue;
    await ctx.db.insert("groupMemberships", { userId, groupId: group._id, contactId });
    added++;
  }
  if (added > 0) {
    await ctx.db.patch("groups", group._id, { memberCount: group.memberCount + added });
    await recordAudit(ctx, {
      userId,
      actor,
      action: "group.addMembers",
      target: { table: "groups", id: group._id },
      details: { added },
    });
  }
  return { added, alreadyMembers: unique.length - added };
}

/** Remove contacts from a group; contacts that are not members are skipped. */
export async function removeGroupMembers(
  ctx: Ctx,
  userId: Id<"users">,
  actor: Actor,
  groupId: Id<"groups">,
  contactIds: Id<"contacts">[],
): Promise<{ removed: number }> {
  const owned = { db: ctx.db, userId };
  const group = await getOwned(owned, "groups", groupId);
  let removed = 0;
  for (const contactId of checkBatch(contactIds)) {
    await getOwned(owned, "contacts", contactId);
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
      userId,
      actor,
      action: "group.removeMembers",
      target: { table: "groups", id: group._id },
      details: { removed },
    });
  }
  return { removed };
}
