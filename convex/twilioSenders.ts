"use node";
/**
 * Adding a Twilio sender while Twilio credentials are set: Twilio's API must confirm that the
 * number (and the Messaging Service, if any) belongs to the deployment's Twilio account before
 * the sender is stored. Without that, one account of the app could register another's number
 * or service and receive its inbound messages. Other senders go through `senders.create`.
 */
import { v } from "convex/values";
import { twilioOwnsNumber, twilioOwnsService, type Ownership } from "./channels/twilioAccount";
import { defaultProvider, type TwilioConfig } from "./channels/types";
import { internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { userAction } from "./functions";
import { parsePhone } from "./lib/contacts";
import { env } from "./lib/env";
import { appError } from "./lib/errors";
import { vChannel, vProvider } from "./schema";

function twilioConfig(): TwilioConfig | null {
  const config = env.channelConfig();
  return config.twilio ? { ...config.twilio, timeoutMs: config.timeoutMs } : null;
}

/** Ask Twilio; a refusal is a field error, an outage or bad credentials a state error. */
async function confirm(field: "address" | "messagingServiceSid", ask: () => Promise<Ownership>): Promise<void> {
  let answer: Ownership;
  try {
    answer = await ask();
  } catch (error) {
    const status = (error as { status?: number })?.status;
    throw appError(
      "INVALID_STATE",
      status === 401 || status === 403
        ? "Twilio refused the deployment's credentials (TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN)."
        : "Twilio could not be reached to check the sender. Try again.",
    );
  }
  if (!answer.owned) throw appError("INVALID_ARGUMENT", answer.reason, { field });
}

export const create = userAction({
  args: {
    channel: vChannel,
    address: v.string(),
    label: v.optional(v.string()),
    provider: v.optional(vProvider),
    messagingServiceSid: v.optional(v.string()),
    ratePerSecond: v.optional(v.number()),
  },
  returns: v.id("senders"),
  handler: async (ctx, args): Promise<Id<"senders">> => {
    const config = twilioConfig();
    const provider = args.provider ?? defaultProvider(args.channel, env.channelConfig());
    if (config && provider === "twilio" && args.channel !== "email") {
      const phone = parsePhone(args.address);
      await confirm("address", () => twilioOwnsNumber(config, args.channel as "sms" | "whatsapp", phone));
      const sid = args.messagingServiceSid;
      if (sid) await confirm("messagingServiceSid", () => twilioOwnsService(config, sid));
    }
    return await ctx.runMutation(internal.senders.createChecked, { userId: ctx.userId, ...args });
  },
});

export const update = userAction({
  args: {
    senderId: v.id("senders"),
    label: v.optional(v.string()),
    ratePerSecond: v.optional(v.number()),
    messagingServiceSid: v.optional(v.union(v.string(), v.null())),
  },
  returns: v.null(),
  handler: async (ctx, args): Promise<null> => {
    const config = twilioConfig();
    const sid = args.messagingServiceSid;
    if (config && typeof sid === "string") {
      const sender = await ctx.runQuery(internal.senders.ownedSender, { userId: ctx.userId, senderId: args.senderId });
      if (sender.provider === "twilio") await confirm("messagingServiceSid", () => twilioOwnsService(config, sid));
    }
    await ctx.runMutation(internal.senders.updateChecked, { userId: ctx.userId, ...args });
    return null;
  },
});
