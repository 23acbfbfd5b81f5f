/** Messages: send, schedule, cancel, reschedule, retry, and the thread and lists. */
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { getOwned, userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { deleteDraft } from "./lib/drafts";
import { appError } from "./lib/errors";
import { dispatchPending } from "./lib/lanes";
import { listMessages, upcomingMessages, vMessageFilters } from "./lib/messageLists";
import { isTemplateSend, MessageWrites, moveSchedule, transition } from "./lib/messages";
import { checkScheduledAt, requestOf, validateOutbound } from "./lib/outbound";
import { cancelMessage, sendToContact } from "./lib/send";
import schema, { vChannel, vSendVariables } from "./schema";

const vMessage = doc(schema, "messages");

export const vSendArgs = {
  contactId: v.id("contacts"),
  channel: vChannel,
  content: v.string(),
  subject: v.optional(v.string()),
  mediaUrls: v.optional(v.array(v.string())),
  /** Files uploaded and registered through convex/attachments.ts. */
  attachments: v.optional(v.array(v.id("_storage"))),
  /** Send at this time (ms since epoch) instead of now. */
  scheduledAt: v.optional(v.number()),
  /** Send a saved template (its text replaces `content` and `subject`). */
  templateId: v.optional(v.id("templates")),
  /** Send an approved WhatsApp template (allowed outside the 24-hour window; `content` is ignored). */
  whatsappTemplateId: v.optional(v.id("whatsappTemplates")),
  /** Values for merge fields (`var.<name>`, or overriding the contact's). */
  variables: v.optional(vSendVariables),
  /** A follow-up: canceled if the contact writes before it goes out. */
  cancelOnReply: v.optional(v.boolean()),
  /** Send now even though it is quiet hours for the contact (the composer asked, the person confirmed). */
  confirmQuietHours: v.optional(v.boolean()),
};

/**
 * Send a message to a contact now, or schedule it. It appears at once as `queued`
 * (or `scheduled`) and is dispatched immediately (or at its time exactly). The composer's
 * draft to the contact is gone with it, in the same transaction.
 */
export const send = userMutation({
  args: vSendArgs,
  returns: v.id("messages"),
  handler: async (ctx, { contactId, confirmQuietHours, ...request }) => {
    const contact = await getOwned(ctx, "contacts", contactId);
    // Quiet hours: a send now asks first; a scheduled one is held to the next allowed time.
    const quietHours = confirmQuietHours ? "ignore" : request.scheduledAt === undefined ? "ask" : "hold";
    const messageId = await sendToContact(ctx, ctx.actor, contact, { ...request, quietHours });
    await deleteDraft(ctx, ctx.userId, contactId);
    return messageId;
  },
});

/** Cancel a message that has not left yet. A dispatch already under way cannot be stopped. */
export const cancel = userMutation({
  args: { messageId: v.id("messages") },
  returns: v.null(),
  handler: async (ctx, { messageId }) => {
    await cancelMessage(ctx, ctx.userId, ctx.actor, messageId);
    return null;
  },
});

/** Move a scheduled message to another time (the dispatcher claims it when that comes). */
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
      await validateOutbound(ctx, ctx.userId, contact, { ...requestOf(message), scheduledAt, approvedTemplate: isTemplateSend(message) }, Date.now());
    }
    const writes = new MessageWrites(ctx, ctx.userId);
    // A person chose this time: quiet hours are checked again when it is due (and hold it then).
    await moveSchedule(ctx, writes, message, scheduledAt);
    await writes.flush();
    await dispatchPending(ctx, message, scheduledAt);
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
    await validateOutbound(
      ctx,
      ctx.userId,
      contact,
      { ...requestOf(message), scheduledAt: undefined, approvedTemplate: isTemplateSend(message), quietHours: "hold" },
      Date.now(),
    );
    const writes = new MessageWrites(ctx, ctx.userId);
    await transition(ctx, writes, message, "queued", {
      scheduledAt: Date.now(),
      attempts: 0,
      failedAt: undefined,
      lastError: undefined,
    });
    await writes.flush();
    await dispatchPending(ctx, message);
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

/** Scheduled messages, soonest first (including retries waiting for their next try). */
export const upcoming = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vMessage),
  handler: async (ctx, { paginationOpts }) => await upcomingMessages(ctx, ctx.userId, paginationOpts),
});

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
