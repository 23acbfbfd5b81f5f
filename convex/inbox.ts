import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { getOwned, userMutation, userQuery } from "./functions";
import schema, { vChannel } from "./schema";

const vContact = doc(schema, "contacts");

/**
 * The inbox: every contact with a conversation, newest activity first. Filters use
 * their own indexes (unread, channel); with both, the channel is checked per page.
 */
export const conversations = userQuery({
  args: {
    paginationOpts: paginationOptsValidator,
    unread: v.optional(v.boolean()),
    channel: v.optional(vChannel),
  },
  returns: paginationResultValidator(vContact),
  handler: async (ctx, { paginationOpts, unread, channel }) => {
    const contacts = ctx.db.query("contacts");
    const query = unread
      ? contacts.withIndex("by_user_and_hasUnread_and_lastMessageAt", (q) =>
          q.eq("userId", ctx.userId).eq("hasUnread", true).gte("lastMessageAt", 0),
        )
      : channel
        ? contacts.withIndex("by_user_and_lastMessageChannel_and_lastMessageAt", (q) =>
            q.eq("userId", ctx.userId).eq("lastMessageChannel", channel).gte("lastMessageAt", 0),
          )
        : contacts.withIndex("by_user_and_lastMessageAt", (q) => q.eq("userId", ctx.userId).gte("lastMessageAt", 0));
    const result = await query.order("desc").paginate(paginationOpts);
    return unread && channel ? { ...result, page: result.page.filter((c) => c.lastMessageChannel === channel) } : result;
  },
});

/** Opening a thread marks it read. */
export const markRead = userMutation({
  args: { contactId: v.id("contacts") },
  returns: v.null(),
  handler: async (ctx, { contactId }) => {
    const contact = await getOwned(ctx, "contacts", contactId);
    if (contact.unreadCount !== 0 || contact.hasUnread) {
      await ctx.db.patch("contacts", contactId, { unreadCount: 0, hasUnread: false });
    }
    return null;
  },
});

/** How many conversations the unread total counts at most (the tab shows "99+" past that anyway). */
const UNREAD_SCAN = 100;

/** Unread messages across conversations, for the tab title and icon: counted over the newest 100 unread conversations. */
export const unreadTotal = userQuery({
  args: {},
  returns: v.object({ messages: v.number(), conversations: v.number(), more: v.boolean() }),
  handler: async (ctx) => {
    const unread = await ctx.db
      .query("contacts")
      .withIndex("by_user_and_hasUnread_and_lastMessageAt", (q) => q.eq("userId", ctx.userId).eq("hasUnread", true))
      .order("desc")
      .take(UNREAD_SCAN + 1);
    const counted = unread.slice(0, UNREAD_SCAN);
    return {
      messages: counted.reduce((sum, c) => sum + Math.max(c.unreadCount, 1), 0),
      conversations: counted.length,
      more: unread.length > UNREAD_SCAN,
    };
  },
});
