/**
 * Inbound email bodies: what the thread shows of an email beyond its text (sanitized HTML,
 * attachments), and the internal steps that store an email once its body has been fetched from
 * the provider's Receiving API (convex/emailFetch.ts). The message itself goes through the one
 * write path (convex/lib/inbound.ts → lib/messages.ts).
 */
import { v } from "convex/values";
import { internal } from "./_generated/api";
import { getOwned, internalMutation, internalQuery, userQuery } from "./functions";
import { MAX_ATTACHMENTS, MAX_INBOUND_TEXT, truncateVisibly, vAttachment, vFetchJob, vReceived } from "./lib/emailBodies";
import { findOrCreateContact, storeInbound } from "./lib/inbound";

/** The body of one of the user's inbound emails; null for messages that have none (texts, outbound). */
export const get = userQuery({
  args: { messageId: v.id("messages") },
  returns: v.union(
    v.null(),
    v.object({
      /** Unsanitized HTML: the browser sanitizes it before showing it (components/inbox/email-body.tsx). */
      html: v.union(v.string(), v.null()),
      /** Where larger HTML is stored instead. */
      htmlUrl: v.union(v.string(), v.null()),
      /** The whole text, when the message's content was cut. */
      fullTextUrl: v.union(v.string(), v.null()),
      attachments: v.array(vAttachment),
      fetchError: v.union(v.string(), v.null()),
    }),
  ),
  handler: async (ctx, { messageId }) => {
    await getOwned(ctx, "messages", messageId);
    const body = await ctx.db
      .query("emailBodies")
      .withIndex("by_message", (q) => q.eq("messageId", messageId))
      .unique();
    if (!body) return null;
    return {
      html: body.html ?? null,
      htmlUrl: body.htmlStorageId ? await ctx.storage.getUrl(body.htmlStorageId) : null,
      fullTextUrl: body.textStorageId ? await ctx.storage.getUrl(body.textStorageId) : null,
      attachments: body.attachments,
      fetchError: body.fetchError ?? null,
    };
  },
});

/**
 * Store a received email once its body is in hand (or could not be had: `fetchError`). Runs once
 * per email id: a repeat (a replayed webhook, a retried fetch) only drops the files it brought.
 */
export const storeReceived = internalMutation({
  args: {
    ...vReceived,
    /** The message's text: at most MAX_INBOUND_TEXT characters and a note (the whole text is then in `textStorageId`). */
    text: v.string(),
    html: v.optional(v.string()),
    htmlStorageId: v.optional(v.id("_storage")),
    textStorageId: v.optional(v.id("_storage")),
    attachments: v.array(vAttachment),
    emailMessageId: v.optional(v.string()),
    references: v.optional(v.string()),
    fetchError: v.optional(v.string()),
  },
  returns: v.union(v.literal("stored"), v.literal("duplicate"), v.literal("senderGone")),
  handler: async (ctx, args) => {
    const dropFiles = async () => {
      if (args.htmlStorageId) await ctx.storage.delete(args.htmlStorageId);
      if (args.textStorageId) await ctx.storage.delete(args.textStorageId);
    };
    const simulated = await ctx.db
      .query("simulatedEmails")
      .withIndex("by_emailId", (q) => q.eq("emailId", args.emailId))
      .unique();
    if (simulated) await ctx.db.delete("simulatedEmails", simulated._id);
    const seen = await ctx.db
      .query("messages")
      .withIndex("by_providerMessageId", (q) => q.eq("providerMessageId", args.emailId))
      .first();
    if (seen) {
      await dropFiles();
      return "duplicate" as const;
    }
    const sender = await ctx.db.get("senders", args.senderId);
    if (!sender) {
      await dropFiles();
      return "senderGone" as const;
    }
    const contact = await findOrCreateContact(ctx, sender.userId, args.from);
    // A guard only: the fetch already cut the text to what a message holds.
    const { content } = truncateVisibly(
      args.fetchError ? `[The body of this email could not be fetched: ${args.fetchError}]` : args.text,
      MAX_INBOUND_TEXT + 1000,
    );
    const messageId = await storeInbound(ctx, sender, contact, {
      channel: "email",
      content,
      subject: args.subject,
      from: args.from.email,
      to: sender.address,
      providerMessageId: args.emailId,
      provider: sender.provider,
    });
    await ctx.db.insert("emailBodies", {
      userId: sender.userId,
      contactId: contact._id,
      messageId,
      ...(args.html !== undefined ? { html: args.html } : {}),
      ...(args.htmlStorageId ? { htmlStorageId: args.htmlStorageId } : {}),
      ...(args.textStorageId ? { textStorageId: args.textStorageId } : {}),
      attachments: args.attachments.slice(0, MAX_ATTACHMENTS),
      ...(args.emailMessageId ? { emailMessageId: args.emailMessageId } : {}),
      ...(args.references ? { references: args.references } : {}),
      ...(args.fetchError ? { fetchError: args.fetchError } : {}),
    });
    return "stored" as const;
  },
});

/** Try the fetch again later (the provider was unreachable or busy). */
export const retryFetch = internalMutation({
  args: { delayMs: v.number(), job: vFetchJob },
  returns: v.null(),
  handler: async (ctx, { delayMs, job }) => {
    await ctx.scheduler.runAfter(delayMs, internal.emailFetch.fetchReceived, job);
    return null;
  },
});

/** Simulator mode's Receiving API: the body of a simulated email. */
export const simulated = internalQuery({
  args: { emailId: v.string() },
  returns: v.union(v.null(), v.object({ text: v.string(), html: v.optional(v.string()) })),
  handler: async (ctx, { emailId }) => {
    const email = await ctx.db
      .query("simulatedEmails")
      .withIndex("by_emailId", (q) => q.eq("emailId", emailId))
      .unique();
    return email ? { text: email.text, ...(email.html !== undefined ? { html: email.html } : {}) } : null;
  },
});

/** Keep a simulated email's body for the webhook's fetch (webhooks/simulate.ts posts the webhook). */
export const putSimulated = internalMutation({
  args: { emailId: v.string(), text: v.string(), html: v.optional(v.string()) },
  returns: v.null(),
  handler: async (ctx, args) => {
    await ctx.db.insert("simulatedEmails", args);
    return null;
  },
});
