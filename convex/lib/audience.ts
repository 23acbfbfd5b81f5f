/**
 * A broadcast's audience, a page at a time, for its fan-out: a group's members, or the contacts
 * a segment matches when it is sent (its conditions are fixed on the broadcast when the fan-out
 * starts, so one send uses one definition). The fan-out reads recipients only through here.
 */
import type { Doc } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { segmentPage } from "./segments";

export type AudiencePage = { contacts: Doc<"contacts">[]; continueCursor: string; isDone: boolean };

export async function audiencePage(
  ctx: Pick<MutationCtx, "db">,
  b: Doc<"broadcasts">,
  cursor: string | null,
  numItems: number,
  now: number,
): Promise<AudiencePage> {
  if (b.segmentId) {
    let conditions = b.segmentConditions;
    if (conditions === undefined) {
      // The first batch: the segment as it is now (a deleted segment reaches nobody).
      conditions = (await ctx.db.get("segments", b.segmentId))?.conditions;
      if (conditions === undefined) return { contacts: [], continueCursor: "", isDone: true };
      await ctx.db.patch("broadcasts", b._id, { segmentConditions: conditions });
    }
    return await segmentPage(ctx, b.userId, conditions, { numItems, cursor }, now);
  }
  const page = await ctx.db
    .query("groupMemberships")
    .withIndex("by_group_and_contact", (q) => q.eq("groupId", b.groupId!))
    .paginate({ numItems, cursor });
  const contacts = await Promise.all(page.page.map((m) => ctx.db.get("contacts", m.contactId)));
  return { contacts: contacts.filter((c) => c !== null), continueCursor: page.continueCursor, isDone: page.isDone };
}

/**
 * A page of a group's members or a segment's contacts, read only (the composer's preview and
 * cost): the segment as it is now. One paginated read, so a query may call it once.
 */
export async function recipientPage(
  ctx: Pick<QueryCtx, "db">,
  userId: Doc<"users">["_id"],
  audience: { group: Doc<"groups"> } | { segment: Doc<"segments"> },
  paginationOpts: { numItems: number; cursor: string | null },
  now: number,
): Promise<AudiencePage & { scanned: number }> {
  if ("segment" in audience) {
    const page = await segmentPage(ctx, userId, audience.segment.conditions, paginationOpts, now);
    return { contacts: page.contacts, continueCursor: page.continueCursor, isDone: page.isDone, scanned: page.scanned };
  }
  const page = await ctx.db
    .query("groupMemberships")
    .withIndex("by_group_and_contact", (q) => q.eq("groupId", audience.group._id))
    .paginate(paginationOpts);
  const contacts = await Promise.all(page.page.map((m) => ctx.db.get("contacts", m.contactId)));
  return {
    contacts: contacts.filter((c) => c !== null),
    continueCursor: page.continueCursor,
    isDone: page.isDone,
    scanned: page.page.length,
  };
}
