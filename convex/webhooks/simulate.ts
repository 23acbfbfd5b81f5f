/**
 * Simulator mode: make a contact "text in" or "email in" by posting a correctly signed request
 * to the app's real webhook route, so demos and tests take the real, verified path. Signed in
 * the default runtime (Web Crypto for Twilio, svix for Resend): no Node action.
 */
import { v } from "convex/values";
import { Webhook } from "svix";
import { defaultProvider } from "../channels/types";
import { internal } from "../_generated/api";
import { getOwned, internalQuery, userAction } from "../functions";
import { env } from "../lib/env";
import { appError } from "../lib/errors";
import { addressFor, defaultSender } from "../lib/outbound";
import { twilioSignature } from "../lib/twilioSignature";
import { vChannel } from "../schema";

/** Who a simulated inbound message is from (the contact) and to (the user's sender). */
export const target = internalQuery({
  args: { userId: v.id("users"), contactId: v.id("contacts"), channel: vChannel },
  returns: v.object({ from: v.string(), to: v.string() }),
  handler: async (ctx, { userId, contactId, channel }) => {
    const contact = await getOwned({ db: ctx.db, userId }, "contacts", contactId);
    const from = addressFor(contact, channel);
    if (!from) throw appError("NO_ADDRESS");
    const sender = await defaultSender(ctx, userId, channel);
    if (!sender) throw appError("NO_SENDER");
    return { from, to: sender.address };
  },
});

async function twilioRequest(token: string, url: string, params: Record<string, string>): Promise<RequestInit> {
  return {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": await twilioSignature(token, url, params),
    },
    body: new URLSearchParams(params).toString(),
  };
}

function resendRequest(secret: string, event: unknown): RequestInit {
  const id = `msg_${crypto.randomUUID()}`;
  const at = new Date();
  const payload = JSON.stringify(event);
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
      "svix-signature": new Webhook(secret).sign(id, at, payload),
    },
    body: payload,
  };
}

export const simulateInbound = userAction({
  args: {
    contactId: v.id("contacts"),
    channel: vChannel,
    content: v.string(),
    subject: v.optional(v.string()),
    /** Email only: an HTML part, as a mail client would send besides the text. */
    html: v.optional(v.string()),
    mediaUrls: v.optional(v.array(v.string())),
  },
  returns: v.object({ status: v.number(), providerMessageId: v.string() }),
  handler: async (ctx, args) => {
    if (defaultProvider(args.channel, env.channelConfig()) !== "simulator") {
      throw appError("INVALID_STATE", "Simulated inbound messages are only available in simulator mode.");
    }
    if (args.content.length > 5000 || (args.html?.length ?? 0) > 200_000) throw appError("CONTENT_INVALID");
    const { from, to } = await ctx.runQuery(internal.webhooks.simulate.target, {
      userId: ctx.userId,
      contactId: args.contactId,
      channel: args.channel,
    });
    const id = crypto.randomUUID().replace(/-/g, "");
    let url: string;
    let init: RequestInit;
    if (args.channel === "email") {
      const secret = env.resendWebhookSecret();
      if (!secret) throw appError("INVALID_STATE", "SIMULATOR_WEBHOOK_SECRET is not set.");
      url = `${env.siteUrl()}/webhooks/resend`;
      // Like Resend: the webhook carries metadata only; the body waits in the simulator's
      // "Receiving API" for the webhook's fetch (convex/emailFetch.ts).
      await ctx.runMutation(internal.emailBodies.putSimulated, {
        emailId: id,
        text: args.content,
        ...(args.html !== undefined ? { html: args.html } : {}),
      });
      init = resendRequest(secret, {
        type: "email.received",
        created_at: new Date().toISOString(),
        data: {
          email_id: id,
          created_at: new Date().toISOString(),
          from,
          to: [to],
          cc: [],
          bcc: [],
          message_id: `<${id}@simulator.test>`,
          subject: args.subject || "(no subject)",
          attachments: [],
        },
      });
    } else {
      const token = env.twilioWebhookToken();
      if (!token) throw appError("INVALID_STATE", "SIMULATOR_WEBHOOK_SECRET is not set.");
      const prefix = args.channel === "whatsapp" ? "whatsapp:" : "";
      const media = (args.mediaUrls ?? []).filter((u) => u.startsWith("https://")).slice(0, 10);
      const params: Record<string, string> = {
        AccountSid: `AC${"0".repeat(32)}`,
        MessageSid: `SM${id}`,
        From: prefix + from,
        To: prefix + to,
        Body: args.content,
        NumMedia: String(media.length),
        ...Object.fromEntries(media.flatMap((u, i) => [[`MediaUrl${i}`, u], [`MediaContentType${i}`, "image/jpeg"]])),
      };
      url = `${env.siteUrl()}/webhooks/twilio/inbound`;
      init = await twilioRequest(token, url, params);
    }
    const response = await fetch(url, init).catch(() => null);
    if (!response?.ok) {
      throw appError("SIMULATION_FAILED", `The webhook at ${url} answered ${response ? response.status : "nothing"}.`);
    }
    return { status: response.status, providerMessageId: args.channel === "email" ? id : `SM${id}` };
  },
});
