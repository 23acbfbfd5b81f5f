/**
 * Twilio webhooks: inbound SMS/MMS/WhatsApp and message status callbacks. Every request's
 * X-Twilio-Signature is checked against the public URL before anything in it is used.
 */
import { v } from "convex/values";
import { z } from "zod";
import { twilioReason } from "../channels/errors";
import { keywordOf } from "../lib/optOut";
import { twiml } from "./twiml";
import { internal } from "../_generated/api";
import { httpAction, type ActionCtx } from "../_generated/server";
import { internalMutation } from "../functions";
import { setOptOut } from "../lib/contacts";
import { env } from "../lib/env";
import { findOrCreateContact, inboundPhone, inboundSender, routeInbound, storeInbound } from "../lib/inbound";
import { formValues, parseForm } from "../lib/httpBody";
import { verifyTwilioSignature } from "../lib/twilioSignature";
import { MAX_FORM_BYTES, readBody, reject, xml } from "./http";

/**
 * The form of a signed request, or the response refusing it. The signature is checked here,
 * in the default runtime (Web Crypto), before anything in the form is used.
 */
async function verifiedForm(ctx: ActionCtx, request: Request): Promise<Record<string, string> | Response> {
  const text = await readBody(ctx, "twilio", request, MAX_FORM_BYTES);
  if (text instanceof Response) return text;
  const signature = request.headers.get("x-twilio-signature");
  if (!signature) return await reject(ctx, "twilio", "missing signature", 403);
  const token = env.twilioWebhookToken();
  if (!token) return await reject(ctx, "twilio", "no auth token configured", 403);
  const form = parseForm(text);
  if (form === null) return await reject(ctx, "twilio", "malformed form encoding", 400);
  // Signed for the public URL Twilio called, not the host this request arrived on.
  const url = new URL(request.url);
  const valid = await verifyTwilioSignature(token, signature, `${env.siteUrl()}${url.pathname}${url.search}`, form);
  if (!valid) return await reject(ctx, "twilio", "bad signature", 403);
  return formValues(form);
}

const sid = z.string().min(2).max(64).regex(/^[A-Za-z0-9]+$/);
const inboundForm = z.object({
  MessageSid: sid,
  From: z.string().min(1).max(64),
  To: z.string().min(1).max(64),
  Body: z.string().max(20_000).default(""),
  NumMedia: z.coerce.number().int().min(0).max(20).default(0),
  MessagingServiceSid: sid.optional(),
  OptOutType: z.string().max(16).optional(),
});

export const inbound = httpAction(async (ctx, request) => {
  const params = await verifiedForm(ctx, request);
  if (params instanceof Response) return params;
  const form = inboundForm.safeParse(params);
  if (!form.success) return await reject(ctx, "twilio", "malformed inbound form", 400);
  const f = form.data;
  // Neither a number, a short code nor a sender ID: no carrier sends that, so it is refused (and counted).
  if (inboundSender(f.From) === null) return await reject(ctx, "twilio", "unrecognised sender", 400);
  const media = Array.from({ length: f.NumMedia }, (_, i) => ({
    url: params[`MediaUrl${i}`] ?? "",
    contentType: params[`MediaContentType${i}`] ?? "application/octet-stream",
  })).filter((m) => m.url.startsWith("https://"));
  const result = await ctx.runMutation(internal.webhooks.twilio.recordInbound, {
    messageSid: f.MessageSid,
    from: f.From,
    to: f.To,
    body: f.Body,
    media,
    ...(f.MessagingServiceSid ? { messagingServiceSid: f.MessagingServiceSid } : {}),
    ...(f.OptOutType ? { optOutType: f.OptOutType } : {}),
  });
  return xml(twiml("reply" in result ? result.reply : undefined));
});

export const recordInbound = internalMutation({
  args: {
    messageSid: v.string(),
    from: v.string(),
    to: v.string(),
    body: v.string(),
    media: v.array(v.object({ url: v.string(), contentType: v.string() })),
    messagingServiceSid: v.optional(v.string()),
    optOutType: v.optional(v.string()),
  },
  returns: v.object({
    outcome: v.union(v.literal("stored"), v.literal("duplicate"), v.literal("unknownRecipient"), v.literal("badNumber")),
    reply: v.optional(v.string()),
  }),
  handler: async (ctx, args) => {
    const channel = /^whatsapp:/i.test(args.from) ? ("whatsapp" as const) : ("sms" as const);
    const to = inboundPhone(args.to) ?? args.to.replace(/^whatsapp:/i, "");
    const sender = await routeInbound(ctx, channel, to, args.messagingServiceSid);
    if (!sender) {
      console.warn(`[webhook] twilio inbound for an unknown recipient (${channel}); nothing stored`);
      return { outcome: "unknownRecipient" as const };
    }
    const sent = inboundSender(args.from);
    if (!sent) return { outcome: "badNumber" as const };
    // Twilio retries: the same MessageSid changes nothing (the reply is the same as the first time).
    const seen = await ctx.db
      .query("messages")
      .withIndex("by_providerMessageId", (q) => q.eq("providerMessageId", args.messageSid))
      .first();
    if (!("phone" in sent)) {
      // A short code or sender ID: kept on its own contact, never answered (no HELP reply, no
      // opt-out confirmation: nobody can receive a message there), and nothing is sent to it.
      if (seen) return { outcome: "duplicate" as const };
      const contact = await findOrCreateContact(ctx, sender.userId, sent);
      await storeInbound(ctx, sender, contact, {
        channel,
        content: args.body,
        ...mediaFields(args.media),
        from: sent.shortSender,
        to: sender.address,
        providerMessageId: args.messageSid,
        provider: "twilio",
      });
      return { outcome: "stored" as const };
    }
    const from = sent.phone;
    const keyword = keywordOf(args.body, args.optOutType);
    // With Twilio's Advanced Opt-Out (OptOutType sent) Twilio replied itself; for plain SMS the
    // carrier/Twilio confirms STOP/START. We only answer where nobody else does: never twice.
    const reply =
      args.optOutType !== undefined
        ? undefined
        : keyword === "help"
          ? env.helpReply()
          : channel === "whatsapp" && keyword === "optOut"
            ? "You are unsubscribed from WhatsApp messages. Reply START to resubscribe."
            : channel === "whatsapp" && keyword === "optIn"
              ? "You are resubscribed to WhatsApp messages."
              : undefined;

    if (seen) return { outcome: "duplicate" as const, ...(reply ? { reply } : {}) };

    const contact = await findOrCreateContact(ctx, sender.userId, { phone: from });
    await storeInbound(ctx, sender, contact, {
      channel,
      content: args.body,
      ...mediaFields(args.media),
      from,
      to: sender.address,
      providerMessageId: args.messageSid,
      provider: "twilio",
    });
    if (keyword === "optOut" || keyword === "optIn") {
      const fresh = (await ctx.db.get("contacts", contact._id))!;
      await setOptOut(ctx, fresh, channel, keyword === "optOut", {
        actor: { kind: "webhook", id: "twilio" },
        details: { keyword: args.body.trim().slice(0, 20) },
      });
    }
    return { outcome: "stored" as const, ...(reply ? { reply } : {}) };
  },
});

function mediaFields(media: Array<{ url: string; contentType: string }>) {
  return media.length ? { mediaUrls: media.map((m) => m.url), mediaTypes: media.map((m) => m.contentType) } : {};
}

const statusForm = z.object({
  MessageSid: sid,
  MessageStatus: z.string().min(1).max(32),
  ErrorCode: z.coerce.number().int().min(0).optional(),
});
const STATUS_MAP: Record<string, "sent" | "delivered" | "read" | "failed"> = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  undelivered: "failed",
  failed: "failed",
};

export const status = httpAction(async (ctx, request) => {
  const params = await verifiedForm(ctx, request);
  if (params instanceof Response) return params;
  const form = statusForm.safeParse(params);
  if (!form.success) return await reject(ctx, "twilio", "malformed status form", 400);
  const mapped = STATUS_MAP[form.data.MessageStatus.toLowerCase()];
  // queued/accepted/sending/scheduled are Twilio-internal steps our `sending` already covers.
  if (mapped) {
    const code = form.data.ErrorCode || undefined;
    const messageId = new URL(request.url).searchParams.get("m") ?? undefined;
    await ctx.runMutation(internal.receipts.apply, {
      providerMessageId: form.data.MessageSid,
      ...(messageId ? { messageId } : {}),
      status: mapped,
      ...(mapped === "failed"
        ? { errorCode: code ? `TWILIO_${code}` : "TWILIO_UNDELIVERED", errorMessage: twilioReason(code) }
        : {}),
      ...(code === 21610 ? { optOut: true } : {}),
    });
  }
  return new Response(null, { status: 200 });
});
