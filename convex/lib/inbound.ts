/** Inbound messages from webhooks: route to the owning user, find or create the contact, store. */
import { formatPhone, toE164 } from "../../lib/phone";
import { normalizeEmail } from "./email";
import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import type { Channel } from "../schema";
import { newContact } from "./contacts";
import { env } from "./env";
import { enabledRules } from "./autoReplies";
import { cancelFollowUps } from "./followUps";
import { insertInbound, MessageWrites } from "./messages";
import { senderByAddress } from "./senders";
import { adjustContactCount } from "./stats";

/**
 * The sender identity an inbound message was addressed to: the `To` address exactly, on its own
 * channel first; then the Messaging Service whose pool sent it (pool numbers need not be
 * registered one by one); then `To` on the other phone channel (one number often serves SMS and
 * WhatsApp). An address and a service belong to one account (senders.create enforces it), so
 * these never disagree about the account; `To` wins if old data makes them.
 */
export async function routeInbound(
  ctx: Pick<QueryCtx, "db">,
  channel: Channel,
  to: string,
  messagingServiceSid?: string,
): Promise<Doc<"senders"> | null> {
  const direct = await senderByAddress(ctx, channel, to);
  if (direct || channel === "email") return direct;
  if (messagingServiceSid) {
    const pooled = await ctx.db
      .query("senders")
      .withIndex("by_messagingServiceSid", (q) => q.eq("messagingServiceSid", messagingServiceSid))
      .first();
    if (pooled) return pooled;
  }
  return await senderByAddress(ctx, channel === "sms" ? "whatsapp" : "sms", to);
}

/** Who a text came from: a phone number, or a short code / alphanumeric sender ID (which cannot be answered). */
export type InboundSender = { phone: string } | { shortSender: string; kind: "short code" | "sender ID" };

/**
 * Classify Twilio's `From`: an E.164 number (maybe `whatsapp:`-prefixed); else a short code
 * (3–8 digits) or an alphanumeric sender ID (up to 11 letters, digits and spaces, at least one
 * letter, as carriers allow); anything else is null (no such sender exists).
 */
export function inboundSender(raw: string): InboundSender | null {
  const phone = inboundPhone(raw);
  if (phone) return { phone };
  if (/^whatsapp:/i.test(raw)) return null;
  const value = raw.trim();
  if (/^[0-9]{3,8}$/.test(value)) return { shortSender: value, kind: "short code" };
  if (/^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/.test(value)) return { shortSender: value, kind: "sender ID" };
  return null;
}

/** The user's contact with this phone or email, created (named after the address) if new. */
export async function findOrCreateContact(
  ctx: Pick<MutationCtx, "db" | "scheduler">,
  userId: Id<"users">,
  address: { phone: string } | { email: string; name?: string } | { shortSender: string; kind: string },
): Promise<Doc<"contacts">> {
  if ("shortSender" in address) {
    // Marked by its name everywhere it shows (inbox, thread, search), and by `shortSender`.
    const existing = await ctx.db
      .query("contacts")
      .withIndex("by_user_and_shortSender", (q) => q.eq("userId", userId).eq("shortSender", address.shortSender))
      .first();
    if (existing) return existing;
    const id = await ctx.db.insert("contacts", {
      ...newContact(userId, { name: `${address.shortSender} (${address.kind}, no replies)` }),
      shortSender: address.shortSender,
    });
    await adjustContactCount(ctx, userId, 1);
    return (await ctx.db.get("contacts", id))!;
  }
  const byPhone = "phone" in address;
  const existing = await ctx.db
    .query("contacts")
    .withIndex(byPhone ? "by_user_and_phone" : "by_user_and_email", (q) =>
      byPhone ? q.eq("userId", userId).eq("phone", address.phone) : q.eq("userId", userId).eq("email", address.email),
    )
    .first();
  if (existing) return existing;
  const fields = byPhone
    ? { name: formatPhone(address.phone), phone: address.phone }
    : { name: address.name?.trim().slice(0, 200) || address.email, email: address.email };
  const id = await ctx.db.insert("contacts", newContact(userId, fields));
  await adjustContactCount(ctx, userId, 1);
  return (await ctx.db.get("contacts", id))!;
}

/** A phone number as Twilio sends it (E.164, maybe `whatsapp:`-prefixed), normalised; null if not a number. */
export function inboundPhone(raw: string): string | null {
  return toE164(raw, env.defaultCountry());
}

/** "Ann Lee <ann@x.com>" or "ann@x.com" → address and display name. */
export function parseMailbox(raw: string): { email: string; name?: string } | null {
  const match = /^\s*(?:"?([^"<]*?)"?\s*)?<([^>]+)>\s*$/.exec(raw);
  const email = normalizeEmail(match ? match[2] : raw);
  if (!email) return null;
  const name = match?.[1]?.trim();
  return name ? { email, name } : { email };
}

export type InboundFields = {
  channel: Channel;
  content: string;
  subject?: string;
  mediaUrls?: string[];
  mediaTypes?: string[];
  from: string;
  to: string;
  providerMessageId: string;
  provider: string;
};

/** Store an inbound message; its media (if any) are then copied into file storage (convex/inboundMedia.ts). */
export async function storeInbound(
  ctx: Pick<MutationCtx, "db" | "scheduler">,
  sender: Doc<"senders">,
  contact: Doc<"contacts">,
  fields: InboundFields,
): Promise<Id<"messages">> {
  const writes = new MessageWrites(ctx, sender.userId);
  const { provider, ...rest } = fields;
  const at = Date.now();
  const id = await insertInbound(ctx, writes, {
    contactId: contact._id,
    ...rest,
    at,
    source: { kind: "webhook", id: provider },
  });
  writes.notify({ kind: "message", contactId: contact._id, messageId: id });
  // The contact wrote: follow-ups that were waiting for silence are off.
  await cancelFollowUps(ctx, writes, contact._id, at);
  await writes.flush();
  if (fields.mediaUrls?.length) await ctx.scheduler.runAfter(0, internal.inboundMedia.copy, { messageId: id });
  // Automatic replies are decided after this transaction, so a webhook's stays small — and only
  // for a user with a rule for this channel: for the others an inbound message costs no further call.
  if ((await enabledRules(ctx, sender.userId, fields.channel)).length > 0) {
    await ctx.scheduler.runAfter(0, internal.autoReplies.respond, { messageId: id });
  }
  return id;
}
