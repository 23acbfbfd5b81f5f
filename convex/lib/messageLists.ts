/** Reading messages: the filtered list and the scheduled list, shared by the app and the REST API. */
import type { PaginationOptions, PaginationResult } from "convex/server";
import { v, type ObjectType } from "convex/values";
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { getOwned } from "../functions";
import { vChannel, vDirection, vMessageStatus } from "../schema";

export const vMessageFilters = {
  contactId: v.optional(v.id("contacts")),
  channel: v.optional(vChannel),
  status: v.optional(vMessageStatus),
  direction: v.optional(vDirection),
};
export type MessageFilters = ObjectType<typeof vMessageFilters>;

/**
 * The user's messages, newest first, filtered by contact, channel, status and direction.
 * The most selective filter picks the index; the rest are applied to each page, so a
 * page may hold fewer than numItems messages (keep paging until isDone).
 */
export async function listMessages(
  ctx: Pick<QueryCtx, "db">,
  userId: Id<"users">,
  { contactId, channel, status, direction }: MessageFilters,
  paginationOpts: PaginationOptions,
): Promise<PaginationResult<Doc<"messages">>> {
  const messages = ctx.db.query("messages");
  let query;
  if (contactId) {
    await getOwned({ db: ctx.db, userId }, "contacts", contactId);
    query = messages.withIndex("by_contact_and_at", (q) => q.eq("contactId", contactId));
  } else if (status) {
    query = messages.withIndex("by_user_and_status_and_at", (q) => q.eq("userId", userId).eq("status", status));
  } else if (channel) {
    query = messages.withIndex("by_user_and_channel_and_at", (q) => q.eq("userId", userId).eq("channel", channel));
  } else if (direction) {
    query = messages.withIndex("by_user_and_direction_and_at", (q) => q.eq("userId", userId).eq("direction", direction));
  } else {
    query = messages.withIndex("by_user_and_at", (q) => q.eq("userId", userId));
  }
  const result = await query.order("desc").paginate(paginationOpts);
  const page = result.page.filter(
    (m) =>
      (!channel || m.channel === channel) &&
      (!status || m.status === status) &&
      (!direction || m.direction === direction),
  );
  return { ...result, page };
}

/** Scheduled messages, soonest first (including retries waiting for their next try). */
export async function upcomingMessages(
  ctx: Pick<QueryCtx, "db">,
  userId: Id<"users">,
  paginationOpts: PaginationOptions,
): Promise<PaginationResult<Doc<"messages">>> {
  return await ctx.db
    .query("messages")
    .withIndex("by_user_and_status_and_at", (q) => q.eq("userId", userId).eq("status", "scheduled"))
    .paginate(paginationOpts);
}
