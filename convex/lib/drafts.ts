/** Drafts (unsent composer text per user and contact): the helpers other writes use. */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";

export async function findDraft(
  ctx: Pick<QueryCtx, "db">,
  userId: Id<"users">,
  contactId: Id<"contacts">,
): Promise<Doc<"drafts"> | null> {
  return await ctx.db
    .query("drafts")
    .withIndex("by_user_and_contact", (q) => q.eq("userId", userId).eq("contactId", contactId))
    .unique();
}

/** Keep the contact's draft mark (the conversation list's "Draft") in step; writes only on a change. */
export async function markDraft(ctx: Pick<MutationCtx, "db">, contactId: Id<"contacts">, hasDraft: boolean): Promise<void> {
  const contact = await ctx.db.get("contacts", contactId);
  if (contact && (contact.hasDraft ?? false) !== hasDraft) {
    await ctx.db.patch("contacts", contactId, { hasDraft: hasDraft || undefined });
  }
}

/** Remove the draft to a contact, if any (a message was sent from it, or the contact was deleted). */
export async function deleteDraft(ctx: Pick<MutationCtx, "db">, userId: Id<"users">, contactId: Id<"contacts">): Promise<void> {
  const draft = await findDraft(ctx, userId, contactId);
  if (!draft) return;
  await ctx.db.delete("drafts", draft._id);
  await markDraft(ctx, contactId, false);
}
