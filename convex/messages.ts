import {
  paginationOptsValidator,
  paginationResultValidator,
  type PaginationOptions,
  type PaginationResult,
} from "convex/server";
import { v, type ObjectType } from "convex/values";
import { doc } from "convex-helpers/validators";
import type { Doc, Id } from "./_generated/dataModel";
import type { MutationCtx, QueryCtx } from "./_generated/server";
import { createOutbound, scheduleDispatch } from "./dispatch";
import { getOwned, userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { appError } from "./lib/errors";
import { MessageWrites, moveSchedule, transition } from "./lib/messages";
import { checkScheduledAt, validateOutbound, type OutboundRequest } from "./lib/outbound";
import schema, { vChannel, vDirection, vMessageStatus, type Actor } from "./schema";

const vMessage = doc(schema, "messages");

export const vSendArgs = {
  contactId: v.id("contacts"),
  channel: vChannel,
  content: v.string(),
  subject: v.optional(v.string()),
  mediaUrls: v.optional(v.array(v.string())),
  /** Send at this time (ms since epoch) instead of now. */
  scheduledAt: v.optional(v.number()),
};

/**
 * Send a message to a contact now, or schedule it. It appears at once as `queued`
 * (or `scheduled`) and is dispatched immediately (or at its time exactly).
 */
export const send = userMutation({
  args: vSendArgs,
  returns: v.id("messages"),
  handler: async (ctx, { contactId, ...request }) => {
    const contact = await getOwned(ctx, "contacts", contactId);
    return await sendToContact(ctx, ctx.actor, contact, request);
  },
});

/** Shared by the app and the REST API: validate, write, dispatch, audit. */
export async function sendToContact(
  ctx: MutationCtx,
  actor: Actor,
  contact: Doc<"contacts">,
  args: OutboundRequest,
): Promise<Id<"messages">> {
  const now = Date.now();
  const { content, to, sender } = await validateOutbound(ctx, contact.userId, contact, args, now);
  const messageId = await createOutbound(ctx, {
    userId: contact.userId,
    contactId: contact._id,
    channel: args.channel,
    ...content,
    to,
    sender,
    ...(args.scheduledAt !== undefined ? { scheduledAt: args.scheduledAt } : {}),
    source: actor,
  });
  await recordAudit(ctx, {
    userId: contact.userId,
    actor,
    action: args.scheduledAt !== undefined ? "message.schedule" : "message.send",
    target: { table: "messages", id: messageId },
    details: { channel: args.channel, contactId: contact._id },
  });
  return messageId;
}

/** Cancel a message that has not left yet. A dispatch already under way cannot be stopped. */
export const cancel = userMutation({
  args: { messageId: v.id("messages") },
  returns: v.null(),
  handler: async (ctx, { messageId }) => {
    await cancelMessage(ctx, ctx.userId, ctx.actor, messageId);
    return null;
  },
});

/** Shared by the app and the REST API. Returns the canceled message. */
export async function cancelMessage(
  ctx: MutationCtx,
  userId: Id<"users">,
  actor: Actor,
  messageId: Id<"messages">,
): Promise<Doc<"messages">> {
  const message = await getOwned({ db: ctx.db, userId }, "messages", messageId);
  const writes = new MessageWrites(ctx, userId);
  const done = await transition(ctx, writes, message, "canceled", { scheduledAt: undefined });
  if (!done) throw appError("INVALID_STATE", `This message is ${message.status} and can no longer be canceled.`);
  await writes.flush();
  await recordAudit(ctx, {
    userId,
    actor,
    action: "message.cancel",
    target: { table: "messages", id: messageId },
  });
  return done;
}

/** Move a scheduled message to another time. The old exact-time job finds it not due and does nothing. */
export const reschedule = userMutation({
  args: { messageId: v.id("messages"), scheduledAt: v.number() },
  returns: v.null(),
  handler: async (ctx, { messageId, scheduledAt }) => {
    const message = await getOwned(ctx, "messages", messageId);
    if (message.status !== "scheduled") {
      throw appError("INVALID_STATE", `This message is ${message.status} and can no longer be rescheduled.`);
    }
    checkScheduledAt(scheduledAt, Date.now());
    if (message.channel === "whatsapp") {
      const contact = await getOwned(ctx, "contacts", message.contactId);
      await validateOutbound(ctx, ctx.userId, contact, { ...message, scheduledAt }, Date.now());
    }
    const writes = new MessageWrites(ctx, ctx.userId);
    await moveSchedule(ctx, writes, message, scheduledAt);
    await writes.flush();
    await scheduleDispatch(ctx, messageId, scheduledAt);
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "message.reschedule",
      target: { table: "messages", id: messageId },
      details: { scheduledAt },
    });
    return null;
  },
});

/** Try a failed message again, now. The rules are checked again at send time. */
export const retry = userMutation({
  args: { messageId: v.id("messages") },
  returns: v.null(),
  handler: async (ctx, { messageId }) => {
    const message = await getOwned(ctx, "messages", messageId);
    if (message.status !== "failed") throw appError("INVALID_STATE", "Only failed messages can be retried.");
    const contact = await getOwned(ctx, "contacts", message.contactId);
    await validateOutbound(ctx, ctx.userId, contact, { ...message, scheduledAt: undefined }, Date.now());
    const writes = new MessageWrites(ctx, ctx.userId);
    await transition(ctx, writes, message, "queued", {
      scheduledAt: Date.now(),
      attempts: 0,
      failedAt: undefined,
      lastError: undefined,
    });
    await writes.flush();
    await scheduleDispatch(ctx, messageId);
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "message.retry",
      target: { table: "messages", id: messageId },
    });
    return null;
  },
});

export const get = userQuery({
  args: { messageId: v.id("messages") },
  returns: vMessage,
  handler: async (ctx, { messageId }) => await getOwned(ctx, "messages", messageId),
});

/** A contact's thread, newest first (the UI shows it oldest-at-top and loads older pages on scroll). */
export const thread = userQuery({
  args: { contactId: v.id("contacts"), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vMessage),
  handler: async (ctx, { contactId, paginationOpts }) => {
    await getOwned(ctx, "contacts", contactId);
    return await ctx.db
      .query("messages")
      .withIndex("by_contact_and_at", (q) => q.eq("contactId", contactId))
      .order("desc")
      .paginate(paginationOpts);
  },
});

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
export const list = userQuery({
  args: { paginationOpts: paginationOptsValidator, ...vMessageFilters },
  returns: paginationResultValidator(vMessage),
  handler: async (ctx, { paginationOpts, ...filters }) => await listMessages(ctx, ctx.userId, filters, paginationOpts),
});

/** Shared by the app and the REST API; see `list`. */
export async function listMessages(
  ctx: QueryCtx,
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
export const upcoming = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vMessage),
  handler: async (ctx, { paginationOpts }) => await upcomingMessages(ctx, ctx.userId, paginationOpts),
});

/** Shared by the app and the REST API; see `upcoming`. */
export async function upcomingMessages(
  ctx: QueryCtx,
  userId: Id<"users">,
  paginationOpts: PaginationOptions,
): Promise<PaginationResult<Doc<"messages">>> {
  return await ctx.db
    .query("messages")
    .withIndex("by_user_and_status_and_at", (q) => q.eq("userId", userId).eq("status", "scheduled"))
    .paginate(paginationOpts);
}

/** Failed messages, newest first, with their reasons. */
export const failed = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vMessage),
  handler: async (ctx, { paginationOpts }) =>
    await ctx.db
      .query("messages")
      .withIndex("by_user_and_status_and_at", (q) => q.eq("userId", ctx.userId).eq("status", "failed"))
      .order("desc")
      .paginate(paginationOpts),
});
