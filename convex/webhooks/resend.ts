/**
 * Resend webhooks (Svix-signed): delivery events update the message; `email.received` is an
 * inbound email. Idempotent by event id (svix-id).
 */
import { v } from "convex/values";
import { Webhook, WebhookVerificationError } from "svix";
import { z } from "zod";
import { internal } from "../_generated/api";
import { httpAction } from "../_generated/server";
import { internalMutation } from "../functions";
import { setOptOut } from "../lib/contacts";
import { env } from "../lib/env";
import { MAX_ATTACHMENTS, vAttachment } from "../lib/emailBodies";
import { parseMailbox, routeInbound } from "../lib/inbound";
import { enqueueReceipt } from "../lib/receipts";
import { json, MAX_JSON_BYTES, readBody, reject } from "./http";

const short = z.string().max(1000);
const addresses = z.union([z.array(short).max(50), short]);
/**
 * Resend's event shape. `email.received` carries metadata only (no text or HTML: those come
 * from the Receiving API, see convex/emailFetch.ts): from, to, cc, subject, message_id and the
 * attachments' metadata.
 */
const event = z.object({
  type: z.string().min(1).max(100),
  created_at: z.string().max(100).optional(),
  data: z
    .object({
      email_id: z.string().min(1).max(200).optional(),
      from: short.optional(),
      to: addresses.optional(),
      cc: addresses.nullish(),
      subject: z.string().max(2000).optional(),
      message_id: z.string().max(1000).nullish(),
      attachments: z
        .array(
          z
            .object({
              filename: z.string().max(1000).nullish(),
              content_type: z.string().max(255).nullish(),
              content_id: z.string().max(1000).nullish(),
              content_disposition: z.string().max(100).nullish(),
              size: z.number().nonnegative().nullish(),
            })
            .passthrough(),
        )
        .max(500)
        .nullish(),
      bounce: z.object({ message: short.optional(), type: short.optional() }).passthrough().optional(),
    })
    .passthrough(),
});
const list = (value: string | string[] | null | undefined) => (value == null ? [] : Array.isArray(value) ? value : [value]);

export const webhook = httpAction(async (ctx, request) => {
  const text = await readBody(ctx, "resend", request, MAX_JSON_BYTES);
  if (text instanceof Response) return text;
  const secret = env.resendWebhookSecret();
  if (!secret) return await reject(ctx, "resend", "no signing secret configured", 403);
  const headers = {
    "svix-id": request.headers.get("svix-id") ?? "",
    "svix-timestamp": request.headers.get("svix-timestamp") ?? "",
    "svix-signature": request.headers.get("svix-signature") ?? "",
  };
  if (!headers["svix-id"] || !headers["svix-timestamp"] || !headers["svix-signature"]) {
    return await reject(ctx, "resend", "missing signature", 403);
  }
  let payload: unknown;
  try {
    // Checks the signature and that the timestamp is within 5 minutes, then parses the JSON.
    payload = new Webhook(secret).verify(text, headers);
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      return await reject(ctx, "resend", /timestamp/i.test(error.message) ? "stale timestamp" : "bad signature", 403);
    }
    return await reject(ctx, "resend", "malformed JSON", 400);
  }
  const parsed = event.safeParse(payload);
  if (!parsed.success) return await reject(ctx, "resend", "malformed event", 400);
  const { type, data } = parsed.data;
  const result = await ctx.runMutation(internal.webhooks.resend.handleEvent, {
    eventId: headers["svix-id"].slice(0, 200),
    type,
    ...(data.email_id ? { emailId: data.email_id } : {}),
    ...(data.from ? { from: data.from } : {}),
    to: [...list(data.to), ...list(data.cc)],
    ...(data.subject !== undefined ? { subject: data.subject } : {}),
    ...(data.message_id ? { emailMessageId: data.message_id } : {}),
    attachments: (data.attachments ?? []).slice(0, MAX_ATTACHMENTS).map((a) => ({
      filename: (a.filename || "attachment").slice(0, 255),
      contentType: a.content_type || "application/octet-stream",
      size: a.size ?? 0,
      ...(a.content_id ? { contentId: a.content_id.slice(0, 255) } : {}),
      inline: a.content_disposition === "inline",
    })),
    ...(data.bounce?.message ? { bounceMessage: String(data.bounce.message) } : {}),
  });
  return json({ received: true, outcome: result });
});

const RECEIPTS: Record<string, "sent" | "delivered" | "read" | "failed"> = {
  "email.sent": "sent",
  "email.delivered": "delivered",
  "email.opened": "read",
  "email.clicked": "read",
  "email.bounced": "failed",
  "email.failed": "failed",
  "email.suppressed": "failed",
};

export const handleEvent = internalMutation({
  args: {
    eventId: v.string(),
    type: v.string(),
    emailId: v.optional(v.string()),
    from: v.optional(v.string()),
    to: v.array(v.string()),
    subject: v.optional(v.string()),
    emailMessageId: v.optional(v.string()),
    attachments: v.array(vAttachment),
    bounceMessage: v.optional(v.string()),
  },
  returns: v.string(),
  handler: async (ctx, args) => {
    const seen = await ctx.db
      .query("webhookEvents")
      .withIndex("by_provider_and_eventId", (q) => q.eq("provider", "resend").eq("eventId", args.eventId))
      .first();
    if (seen) return "duplicate";
    await ctx.db.insert("webhookEvents", { provider: "resend", eventId: args.eventId, receivedAt: Date.now() });

    if (args.type === "email.received") {
      for (const recipient of args.to) {
        const mailbox = parseMailbox(recipient);
        const sender = mailbox && (await routeInbound(ctx, "email", mailbox.email));
        if (!sender) continue;
        const from = args.from ? parseMailbox(args.from) : null;
        if (!from || !args.emailId) return "badSender";
        // One fetch per email, whatever the number of events announcing it.
        const emailId = args.emailId;
        const announced = await ctx.db
          .query("webhookEvents")
          .withIndex("by_provider_and_eventId", (q) => q.eq("provider", "resend-email").eq("eventId", emailId))
          .first();
        if (announced) return "duplicate";
        await ctx.db.insert("webhookEvents", { provider: "resend-email", eventId: emailId, receivedAt: Date.now() });
        // The body is fetched from the Receiving API, then stored (convex/emailFetch.ts).
        await ctx.scheduler.runAfter(0, internal.emailFetch.fetchReceived, {
          senderId: sender._id,
          provider: sender.provider,
          emailId: args.emailId,
          from,
          subject: args.subject ?? "(no subject)",
          ...(args.emailMessageId ? { emailMessageId: args.emailMessageId.slice(0, 500) } : {}),
          attachments: args.attachments,
          attempt: 1,
        });
        return "fetching";
      }
      console.warn("[webhook] resend inbound email for an unknown recipient; nothing stored");
      return "unknownRecipient";
    }

    if (!args.emailId) return "ignored";
    if (args.type === "email.complained") {
      const message = await ctx.db
        .query("messages")
        .withIndex("by_providerMessageId", (q) => q.eq("providerMessageId", args.emailId))
        .first();
      const contact = message && (await ctx.db.get("contacts", message.contactId));
      if (!contact) return "unknownEmail";
      await setOptOut(ctx, contact, "email", true, {
        actor: { kind: "webhook", id: "resend" },
        details: { reason: "spam complaint" },
      });
      return "optedOut";
    }
    const status = RECEIPTS[args.type];
    if (!status) return "ignored"; // e.g. email.delivery_delayed: Resend keeps trying
    const reason =
      args.type === "email.bounced"
        ? `The email bounced${args.bounceMessage ? `: ${args.bounceMessage}` : "."}`
        : args.type === "email.suppressed"
          ? "The address is on Resend's suppression list (an earlier bounce or complaint)."
          : "Resend could not send the email.";
    // Queued like every receipt: applied in order by the receipt applier (convex/receipts.ts).
    await enqueueReceipt(ctx, {
      providerMessageId: args.emailId,
      status,
      ...(status === "failed" ? { errorCode: `RESEND_${args.type.slice(6).toUpperCase()}`, errorMessage: reason } : {}),
    });
    return "queued";
  },
});

const EVENT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Forget handled event ids after a week (providers stop retrying long before). */
export const pruneEvents = internalMutation({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    const old = await ctx.db
      .query("webhookEvents")
      .withIndex("by_creation_time", (q) => q.lt("_creationTime", Date.now() - EVENT_RETENTION_MS))
      .take(500);
    for (const e of old) await ctx.db.delete("webhookEvents", e._id);
    if (old.length === 500) await ctx.scheduler.runAfter(0, internal.webhooks.resend.pruneEvents, {});
    return null;
  },
});
