import { v, type Infer } from "convex/values";
import { doc } from "convex-helpers/validators";
import { defaultProvider } from "./channels/types";
import type { Id } from "./_generated/dataModel";
import type { MutationCtx } from "./_generated/server";
import { getOwned, internalMutation, internalQuery, userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { parseEmail, parsePhone } from "./lib/contacts";
import { env } from "./lib/env";
import { appError } from "./lib/errors";
import { assertAddressFree, assertServiceFree, DEFAULT_RATES, provisionSimulatorSenders, providersFor } from "./lib/senders";
import schema, { vChannel, vProvider, type Actor, type Channel, type Provider } from "./schema";

const vSender = doc(schema, "senders");
const MAX_SENDERS_PER_CHANNEL = 20;

function cleanRate(rate: number): number {
  if (!Number.isFinite(rate) || rate < 0.1 || rate > 1000) {
    throw appError("INVALID_ARGUMENT", "Send rate must be between 0.1 and 1000 per second.", { field: "ratePerSecond" });
  }
  return rate;
}

function cleanServiceSid(sid: string): string {
  if (!/^MG[0-9a-fA-F]{32}$/.test(sid)) {
    throw appError("INVALID_ARGUMENT", "A Messaging Service SID looks like MG followed by 32 hex digits.", {
      field: "messagingServiceSid",
    });
  }
  return sid;
}

/** The user's sender identities, the providers configured on the deployment, and the webhook URLs to paste. */
export const list = userQuery({
  args: {},
  returns: v.object({
    senders: v.array(vSender),
    configured: v.object({ twilio: v.boolean(), resend: v.boolean() }),
    /** The deployment's site URL: webhooks and the REST API (`/api/v1`) live under it. */
    siteUrl: v.string(),
    webhooks: v.object({ twilioInbound: v.string(), twilioStatus: v.string(), resend: v.string() }),
  }),
  handler: async (ctx) => {
    const senders = [];
    for (const channel of ["sms", "whatsapp", "email"] as const) {
      senders.push(
        ...(await ctx.db
          .query("senders")
          .withIndex("by_user_and_channel", (q) => q.eq("userId", ctx.userId).eq("channel", channel))
          .take(MAX_SENDERS_PER_CHANNEL)),
      );
    }
    const config = env.channelConfig();
    const site = env.siteUrl();
    return {
      senders,
      configured: { twilio: config.twilio !== undefined, resend: config.resend !== undefined },
      siteUrl: site,
      webhooks: {
        twilioInbound: `${site}/webhooks/twilio/inbound`,
        twilioStatus: `${site}/webhooks/twilio/status`,
        resend: `${site}/webhooks/resend`,
      },
    };
  },
});

const vCreateArgs = {
  channel: vChannel,
  address: v.string(),
  label: v.optional(v.string()),
  provider: v.optional(vProvider),
  messagingServiceSid: v.optional(v.string()),
  ratePerSecond: v.optional(v.number()),
};
type CreateArgs = Infer<ReturnType<typeof v.object<typeof vCreateArgs>>>;

const vUpdateArgs = {
  senderId: v.id("senders"),
  label: v.optional(v.string()),
  ratePerSecond: v.optional(v.number()),
  /** null removes the Messaging Service. */
  messagingServiceSid: v.optional(v.union(v.string(), v.null())),
};
type UpdateArgs = Infer<ReturnType<typeof v.object<typeof vUpdateArgs>>>;

/**
 * With Twilio credentials set, a Twilio number or Messaging Service is added only after Twilio
 * confirms it belongs to the deployment's account: through `twilioSenders.create`/`update`
 * (a Node action asking Twilio's API), not these mutations.
 */
function refuseUncheckedTwilio(provider: Provider, what: string): void {
  if (provider === "twilio" && env.channelConfig().twilio !== undefined) {
    throw appError("INVALID_STATE", `Twilio ${what} are checked with Twilio first: use twilioSenders.${what === "senders" ? "create" : "update"}.`);
  }
}

export const create = userMutation({
  args: vCreateArgs,
  returns: v.id("senders"),
  handler: async (ctx, args) => {
    return await createSender(ctx, ctx.userId, ctx.actor, args, { checkedWithTwilio: false });
  },
});

/** `create` after twilioSenders.create has checked the number and service with Twilio. */
export const createChecked = internalMutation({
  args: { userId: v.id("users"), ...vCreateArgs },
  returns: v.id("senders"),
  handler: async (ctx, { userId, ...args }) => await createSender(ctx, userId, { kind: "user", id: userId }, args, { checkedWithTwilio: true }),
});

function providerOf(args: { channel: Channel; provider?: Provider }): Provider {
  return args.provider ?? defaultProvider(args.channel, env.channelConfig());
}

async function createSender(
  ctx: MutationCtx,
  userId: Id<"users">,
  actor: Actor,
  args: CreateArgs,
  { checkedWithTwilio }: { checkedWithTwilio: boolean },
): Promise<Id<"senders">> {
  const channel: Channel = args.channel;
  const provider = providerOf(args);
  if (!providersFor(channel).includes(provider)) {
    throw appError("INVALID_ARGUMENT", `${provider} cannot send ${channel} messages.`, { field: "provider" });
  }
  const address = channel === "email" ? parseEmail(args.address) : parsePhone(args.address);
  const messagingServiceSid = args.messagingServiceSid ? cleanServiceSid(args.messagingServiceSid) : undefined;
  if (!checkedWithTwilio) refuseUncheckedTwilio(provider, "senders");
  await assertAddressFree(ctx, userId, channel, address);
  if (messagingServiceSid) await assertServiceFree(ctx, userId, messagingServiceSid);
  const existing = await ctx.db
    .query("senders")
    .withIndex("by_user_and_channel", (q) => q.eq("userId", userId).eq("channel", channel))
    .take(MAX_SENDERS_PER_CHANNEL);
  if (existing.length >= MAX_SENDERS_PER_CHANNEL) {
    throw appError("LIMIT_EXCEEDED", `At most ${MAX_SENDERS_PER_CHANNEL} senders per channel.`);
  }
  const senderId = await ctx.db.insert("senders", {
    userId,
    channel,
    address,
    provider,
    ...(args.label?.trim() ? { label: args.label.trim().slice(0, 100) } : {}),
    ...(messagingServiceSid ? { messagingServiceSid } : {}),
    ratePerSecond: cleanRate(args.ratePerSecond ?? DEFAULT_RATES[provider][channel]),
    // The first real sender replaces a simulator default.
    isDefault: existing.every((s) => !s.isDefault || (s.provider === "simulator" && provider !== "simulator")),
  });
  if (provider !== "simulator") {
    for (const s of existing) {
      if (s.isDefault && s.provider === "simulator") await ctx.db.patch("senders", s._id, { isDefault: false });
    }
  }
  await recordAudit(ctx, {
    userId,
    actor,
    action: "sender.create",
    target: { table: "senders", id: senderId },
    details: { channel, provider },
  });
  return senderId;
}

export const update = userMutation({
  args: vUpdateArgs,
  returns: v.null(),
  handler: async (ctx, args) => {
    await updateSender(ctx, ctx.userId, ctx.actor, args, { checkedWithTwilio: false });
    return null;
  },
});

/** `update` after twilioSenders.update has checked a new Messaging Service with Twilio. */
export const updateChecked = internalMutation({
  args: { userId: v.id("users"), ...vUpdateArgs },
  returns: v.null(),
  handler: async (ctx, { userId, ...args }) => {
    await updateSender(ctx, userId, { kind: "user", id: userId }, args, { checkedWithTwilio: true });
    return null;
  },
});

/** The provider and channel of one of the user's senders (twilioSenders checks against them). */
export const ownedSender = internalQuery({
  args: { userId: v.id("users"), senderId: v.id("senders") },
  returns: v.object({ provider: vProvider, channel: vChannel }),
  handler: async (ctx, { userId, senderId }) => {
    const sender = await getOwned({ db: ctx.db, userId }, "senders", senderId);
    return { provider: sender.provider, channel: sender.channel };
  },
});

async function updateSender(
  ctx: MutationCtx,
  userId: Id<"users">,
  actor: Actor,
  args: UpdateArgs,
  { checkedWithTwilio }: { checkedWithTwilio: boolean },
): Promise<void> {
  const sender = await getOwned({ db: ctx.db, userId }, "senders", args.senderId);
  const sid = typeof args.messagingServiceSid === "string" ? cleanServiceSid(args.messagingServiceSid) : undefined;
  if (sid && !checkedWithTwilio) refuseUncheckedTwilio(sender.provider, "Messaging Services");
  if (sid) await assertServiceFree(ctx, userId, sid);
  await ctx.db.patch("senders", args.senderId, {
    ...(args.label !== undefined ? { label: args.label.trim().slice(0, 100) || undefined } : {}),
    ...(args.ratePerSecond !== undefined ? { ratePerSecond: cleanRate(args.ratePerSecond) } : {}),
    ...(args.messagingServiceSid !== undefined ? { messagingServiceSid: sid } : {}),
  });
  await recordAudit(ctx, {
    userId,
    actor,
    action: "sender.update",
    target: { table: "senders", id: args.senderId },
  });
}

export const setDefault = userMutation({
  args: { senderId: v.id("senders") },
  returns: v.null(),
  handler: async (ctx, { senderId }) => {
    const sender = await getOwned(ctx, "senders", senderId);
    const same = await ctx.db
      .query("senders")
      .withIndex("by_user_and_channel", (q) => q.eq("userId", ctx.userId).eq("channel", sender.channel))
      .take(MAX_SENDERS_PER_CHANNEL);
    for (const s of same) await ctx.db.patch("senders", s._id, { isDefault: s._id === senderId });
    return null;
  },
});

/** Remove a sender. Messages waiting on it go out from the channel's default sender instead. */
export const remove = userMutation({
  args: { senderId: v.id("senders") },
  returns: v.null(),
  handler: async (ctx, { senderId }) => {
    const sender = await getOwned(ctx, "senders", senderId);
    await ctx.db.delete("senders", senderId);
    if (sender.isDefault) {
      const next = await ctx.db
        .query("senders")
        .withIndex("by_user_and_channel", (q) => q.eq("userId", ctx.userId).eq("channel", sender.channel))
        .first();
      if (next) await ctx.db.patch("senders", next._id, { isDefault: true });
    }
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "sender.remove",
      target: { table: "senders", id: senderId },
      details: { channel: sender.channel, address: sender.address },
    });
    return null;
  },
});

/** Add simulator senders for channels without one (the app does this at sign-up). */
export const ensureSimulatorSenders = userMutation({
  args: {},
  returns: v.null(),
  handler: async (ctx) => {
    await provisionSimulatorSenders(ctx, ctx.userId);
    return null;
  },
});
