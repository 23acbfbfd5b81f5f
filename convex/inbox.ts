/**
 * The inbox: conversations (contacts with messages) in three lists — open, done and snoozed —
 * each newest activity first, with unread and per-channel views; and what a person does to a
 * conversation: read, mark unread, done, snooze, reopen. A new inbound message reopens a done
 * or snoozed conversation (convex/lib/messages.ts); a snooze also ends on its own, at its time.
 */
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { MAX_SCHEDULE_AHEAD_MS } from "../lib/outboundRules";
import { internal } from "./_generated/api";
import { getOwned, internalMutation, userMutation, userQuery } from "./functions";
import { appError } from "./lib/errors";
import schema, { vChannel } from "./schema";

const vContact = doc(schema, "contacts");
export const vListState = v.union(v.literal("open"), v.literal("done"), v.literal("snoozed"));

/**
 * A page of one list. Open conversations have no `inboxState`. Each filter uses its own index;
 * with both unread and a channel, the channel is checked per page (a page may come out short).
 */
export const conversations = userQuery({
  args: {
    paginationOpts: paginationOptsValidator,
    state: v.optional(vListState),
    unread: v.optional(v.boolean()),
    channel: v.optional(vChannel),
  },
  returns: paginationResultValidator(vContact),
  handler: async (ctx, { paginationOpts, state = "open", unread, channel }) => {
    const inboxState = state === "open" ? undefined : state;
    const contacts = ctx.db.query("contacts");
    const query = unread
      ? contacts.withIndex("by_user_and_inboxState_and_hasUnread_and_lastMessageAt", (q) =>
          q.eq("userId", ctx.userId).eq("inboxState", inboxState).eq("hasUnread", true).gte("lastMessageAt", 0),
        )
      : channel
        ? contacts.withIndex("by_user_and_inboxState_and_lastMessageChannel_and_lastMessageAt", (q) =>
            q.eq("userId", ctx.userId).eq("inboxState", inboxState).eq("lastMessageChannel", channel).gte("lastMessageAt", 0),
          )
        : contacts.withIndex("by_user_and_inboxState_and_lastMessageAt", (q) =>
            q.eq("userId", ctx.userId).eq("inboxState", inboxState).gte("lastMessageAt", 0),
          );
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

/**
 * Unread messages across open conversations, for the tab title and icon: counted over the newest
 * 100 unread ones (done and snoozed conversations wait for later; a new message reopens them).
 */
export const unreadTotal = userQuery({
  args: {},
  returns: v.object({ messages: v.number(), conversations: v.number(), more: v.boolean() }),
  handler: async (ctx) => {
    const unread = await ctx.db
      .query("contacts")
      .withIndex("by_user_and_inboxState_and_hasUnread_and_lastMessageAt", (q) =>
        q.eq("userId", ctx.userId).eq("inboxState", undefined).eq("hasUnread", true),
      )
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

/** Back to unread, to come back to later (shows the badge again). */
export const markUnread = userMutation({
  args: { contactId: v.id("contacts") },
  returns: v.null(),
  handler: async (ctx, { contactId }) => {
    const contact = await getOwned(ctx, "contacts", contactId);
    await ctx.db.patch("contacts", contactId, { hasUnread: true, unreadCount: Math.max(1, contact.unreadCount) });
    return null;
  },
});

/** Done: out of the open list until the contact writes again (or it is reopened). */
export const markDone = userMutation({
  args: { contactId: v.id("contacts") },
  returns: v.null(),
  handler: async (ctx, { contactId }) => {
    await getOwned(ctx, "contacts", contactId);
    await ctx.db.patch("contacts", contactId, { inboxState: "done", snoozedUntil: undefined });
    return null;
  },
});

/** Back to the open list (from done or snoozed). */
export const reopen = userMutation({
  args: { contactId: v.id("contacts") },
  returns: v.null(),
  handler: async (ctx, { contactId }) => {
    await getOwned(ctx, "contacts", contactId);
    await ctx.db.patch("contacts", contactId, { inboxState: undefined, snoozedUntil: undefined });
    return null;
  },
});

/** Out of the open list until `until` (it comes back then, or sooner if the contact writes). */
export const snooze = userMutation({
  args: { contactId: v.id("contacts"), until: v.number() },
  returns: v.null(),
  handler: async (ctx, { contactId, until }) => {
    await getOwned(ctx, "contacts", contactId);
    const now = Date.now();
    if (!Number.isFinite(until) || until <= now) throw appError("SCHEDULE_IN_PAST", "Pick a time in the future to snooze until.");
    if (until > now + MAX_SCHEDULE_AHEAD_MS) {
      throw appError("INVALID_ARGUMENT", "Conversations can be snoozed at most a year ahead.", { field: "until" });
    }
    await ctx.db.patch("contacts", contactId, { inboxState: "snoozed", snoozedUntil: until });
    await ctx.scheduler.runAt(until, internal.inbox.wake, { contactId, until });
    return null;
  },
});

/** A snooze's time has come: reopen, unless it was reopened, re-snoozed or marked done meanwhile. */
export const wake = internalMutation({
  args: { contactId: v.id("contacts"), until: v.number() },
  returns: v.null(),
  handler: async (ctx, { contactId, until }) => {
    const contact = await ctx.db.get("contacts", contactId);
    if (!contact || contact.inboxState !== "snoozed" || contact.snoozedUntil !== until) return null;
    await ctx.db.patch("contacts", contactId, { inboxState: undefined, snoozedUntil: undefined });
    return null;
  },
});
