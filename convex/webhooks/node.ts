"use node";
/** Node-only webhook work: Twilio signature checks (twilio SDK) and the simulator's signed "text in". */
import { v } from "convex/values";
import twilio from "twilio";
import { defaultProvider } from "../channels/types";
import { resendRequest, twilioRequest } from "./signing";
import { internal } from "../_generated/api";
import { internalAction } from "../_generated/server";
import { userAction } from "../functions";
import { env } from "../lib/env";
import { appError } from "../lib/errors";
import { vChannel } from "../schema";

/** Twilio's own validator, against the public URL and the form parameters. */
export const verifyTwilio = internalAction({
  args: { url: v.string(), params: v.record(v.string(), v.string()), signature: v.string() },
  returns: v.boolean(),
  handler: async (_ctx, { url, params, signature }) => {
    const token = env.twilioWebhookToken();
    return token !== null && twilio.validateRequest(token, signature, url, params);
  },
});

/**
 * Simulator mode only: make a contact "text in" or "email in" by posting a correctly signed
 * request to the app's real webhook route, so demos and tests exercise the real path.
 */
export const simulateInbound = userAction({
  args: {
    contactId: v.id("contacts"),
    channel: vChannel,
    content: v.string(),
    subject: v.optional(v.string()),
    mediaUrls: v.optional(v.array(v.string())),
  },
  returns: v.object({ status: v.number(), providerMessageId: v.string() }),
  handler: async (ctx, args) => {
    if (defaultProvider(args.channel, env.channelConfig()) !== "simulator") {
      throw appError("INVALID_STATE", "Simulated inbound messages are only available in simulator mode.");
    }
    if (args.content.length > 5000) throw appError("CONTENT_INVALID");
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
      init = resendRequest(secret, {
        type: "email.received",
        created_at: new Date().toISOString(),
        data: { email_id: id, from, to: [to], subject: args.subject || "(no subject)", text: args.content },
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
      init = twilioRequest(token, url, params);
    }
    const response = await fetch(url, init).catch(() => null);
    if (!response?.ok) {
      throw appError("SIMULATION_FAILED", `The webhook at ${url} answered ${response ? response.status : "nothing"}.`);
    }
    return { status: response.status, providerMessageId: args.channel === "email" ? id : `SM${id}` };
  },
});
