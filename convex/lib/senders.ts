/** Sender identities: which address (and provider) sends on a channel, and how fast. */
import { defaultProvider } from "../channels/types";
import { toE164 } from "../../lib/phone";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import type { Channel, Provider } from "../schema";
import { env } from "./env";
import { appError } from "./errors";

/** Sends per second by provider and channel: the providers' documented defaults. */
export const DEFAULT_RATES: Record<Provider, Record<Channel, number>> = {
  // A Twilio long code sends 1 SMS/s; WhatsApp senders start at 80 MPS (we stay under).
  twilio: { sms: 1, whatsapp: 20, email: 1 },
  // Resend's default API rate limit is 2 requests/s.
  resend: { sms: 1, whatsapp: 1, email: 2 },
  simulator: { sms: 200, whatsapp: 200, email: 200 },
};

export function providersFor(channel: Channel): Provider[] {
  return channel === "email" ? ["resend", "simulator"] : ["twilio", "simulator"];
}

/** The identity that sends on a channel: the default one, else the first. */
export async function defaultSender(
  ctx: Pick<QueryCtx, "db">,
  userId: Id<"users">,
  channel: Channel,
): Promise<Doc<"senders"> | null> {
  const senders = await ctx.db
    .query("senders")
    .withIndex("by_user_and_channel", (q) => q.eq("userId", userId).eq("channel", channel))
    .take(20);
  return senders.find((s) => s.isDefault) ?? senders[0] ?? null;
}

export async function senderByAddress(ctx: Pick<QueryCtx, "db">, channel: Channel, address: string) {
  return await ctx.db
    .query("senders")
    .withIndex("by_channel_and_address", (q) => q.eq("channel", channel).eq("address", address))
    .first();
}

/**
 * Refuse an address that another account uses, or that this account already has on the same
 * channel. A number belongs to one account on both phone channels (inbound routing falls back
 * from SMS to WhatsApp and back: one number often serves both), so only its owner may add it
 * to the other phone channel.
 */
export async function assertAddressFree(
  ctx: Pick<QueryCtx, "db">,
  userId: Id<"users">,
  channel: Channel,
  address: string,
): Promise<void> {
  const channels: Channel[] = channel === "email" ? ["email"] : ["sms", "whatsapp"];
  for (const c of channels) {
    const taken = await senderByAddress(ctx, c, address);
    if (taken && (taken.userId !== userId || c === channel)) {
      throw appError("DUPLICATE_SENDER", undefined, {
        field: "address",
        ...(taken.userId === userId ? { senderId: taken._id } : {}),
      });
    }
  }
}

/** Refuse a Messaging Service another account has registered (its pool's inbound would be theirs). */
export async function assertServiceFree(ctx: Pick<QueryCtx, "db">, userId: Id<"users">, sid: string): Promise<void> {
  const taken = await ctx.db
    .query("senders")
    .withIndex("by_messagingServiceSid", (q) => q.eq("messagingServiceSid", sid))
    .first();
  if (taken && taken.userId !== userId) {
    throw appError("DUPLICATE_SENDER", "That Messaging Service is already used by another account.", {
      field: "messagingServiceSid",
    });
  }
}

function randomDigits(n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += Math.floor(Math.random() * 10);
  return out;
}

/** A fictional but well-formed number (555 exchange) or a `.test` address for a simulator sender. */
async function freeSimulatorAddress(ctx: Pick<QueryCtx, "db">, channel: Channel): Promise<string> {
  const areas = ["201", "212", "305", "415", "512", "617", "702", "808"];
  for (let i = 0; i < 20; i++) {
    const address =
      channel === "email"
        ? `inbox-${randomDigits(8)}@simulator.test`
        : toE164(`+1${areas[Math.floor(Math.random() * areas.length)]}555${randomDigits(4)}`)!;
    if (address && !(await senderByAddress(ctx, channel, address))) return address;
  }
  throw new Error("No free simulator address");
}

/**
 * Give a new user a sender on every channel whose provider is not configured, so the
 * app works offline from the first minute (the simulator sends, and inbound simulated
 * messages route to these addresses). SMS and WhatsApp share one number, as on Twilio.
 */
export async function provisionSimulatorSenders(ctx: Pick<MutationCtx, "db">, userId: Id<"users">): Promise<void> {
  const config = env.channelConfig();
  let phone: string | null = null;
  for (const channel of ["sms", "whatsapp", "email"] as const) {
    if (defaultProvider(channel, config) !== "simulator") continue;
    const existing = await ctx.db
      .query("senders")
      .withIndex("by_user_and_channel", (q) => q.eq("userId", userId).eq("channel", channel))
      .first();
    if (existing) continue;
    let address: string;
    if (channel === "email") address = await freeSimulatorAddress(ctx, channel);
    else address = phone ??= await freeSimulatorAddress(ctx, "sms");
    if (await senderByAddress(ctx, channel, address)) address = await freeSimulatorAddress(ctx, channel);
    await ctx.db.insert("senders", {
      userId,
      channel,
      address,
      provider: "simulator",
      label: "Simulator",
      ratePerSecond: DEFAULT_RATES.simulator[channel],
      isDefault: true,
    });
  }
}
