/**
 * Scale data for the benchmarks (`npm run bench`): contacts, groups, memberships, notes and a
 * year of messages for one user, written in batches well inside Convex's per-transaction
 * limits and through the same write path as real messages (so aggregates stay exact).
 * Internal only; the benchmark drives it through the emulator.
 */
import { v } from "convex/values";
import type { Id } from "./_generated/dataModel";
import { seedMutation } from "./functions";

import { newContact } from "./lib/contacts";
import { insertMessage, MessageWrites } from "./lib/messages";
import { adjustContactCount } from "./lib/stats";
import type { Channel } from "./schema";

/** A small deterministic PRNG, so profiles are the same on every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ["Ann", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lu", "Max", "Nia", "Oz", "Pia"];
const LAST = ["Lee", "Stone", "Park", "Diaz", "Khan", "Moss", "Reed", "Webb", "Cole", "Fox", "Hart", "Nash"];

/** Contacts number `start` … `start + count - 1`: every one has a phone, two in three an email. */
export const contacts = seedMutation({
  args: { userId: v.id("users"), start: v.number(), count: v.number() },
  returns: v.array(v.id("contacts")),
  handler: async (ctx, { userId, start, count }) => {
    const ids: Id<"contacts">[] = [];
    for (let i = start; i < start + count; i++) {
      const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i}`;
      ids.push(
        await ctx.db.insert(
          "contacts",
          newContact(userId, {
            name,
            phone: `+1415${String(2_000_000 + i).padStart(7, "0")}`,
            ...(i % 3 !== 2 ? { email: `contact${i}@example.com` } : {}),
          }),
        ),
      );
    }
    await adjustContactCount(ctx, userId, count);
    return ids;
  },
});

/** Add members to a group (batches of at most a few thousand). */
export const members = seedMutation({
  args: { groupId: v.id("groups"), contactIds: v.array(v.id("contacts")) },
  returns: v.null(),
  handler: async (ctx, { groupId, contactIds }) => {
    const group = await ctx.db.get("groups", groupId);
    if (!group) throw new Error("no such group");
    for (const contactId of contactIds) await ctx.db.insert("groupMemberships", { userId: group.userId, groupId, contactId });
    await ctx.db.patch("groups", groupId, { memberCount: group.memberCount + contactIds.length });
    return null;
  },
});

/** A group with the given members (and a note on the first member, so notes exist at scale). */
export const group = seedMutation({
  args: { userId: v.id("users"), name: v.string(), contactIds: v.array(v.id("contacts")) },
  returns: v.id("groups"),
  handler: async (ctx, { userId, name, contactIds }) => {
    const groupId = await ctx.db.insert("groups", { userId, name, sortName: name.toLowerCase(), memberCount: contactIds.length });
    for (const contactId of contactIds) await ctx.db.insert("groupMemberships", { userId, groupId, contactId });
    if (contactIds[0]) {
      await ctx.db.insert("notes", {
        userId,
        authorId: userId,
        contactId: contactIds[0],
        content: `Member of ${name}, ask @sam`,
        isPrivate: false,
        mentions: ["sam"],
      });
    }
    return groupId;
  },
});

/**
 * `count` messages between `from` and `to` (ms), to the given contacts in turn: mixed channels,
 * directions and final statuses, plus a few scheduled ones in the future when `scheduled` > 0.
 */
export const messages = seedMutation({
  args: {
    userId: v.id("users"),
    contactIds: v.array(v.id("contacts")),
    count: v.number(),
    from: v.number(),
    to: v.number(),
    seed: v.number(),
    scheduled: v.number(),
    /** Place message i on day i of the span (one per day), instead of at random. */
    spreadDaily: v.optional(v.boolean()),
  },
  returns: v.null(),
  handler: async (ctx, { userId, contactIds, count, from, to, seed, scheduled, spreadDaily }) => {
    const random = rng(seed);
    const writes = new MessageWrites(ctx, userId);
    const sender = await ctx.db
      .query("senders")
      .withIndex("by_user_and_channel", (q) => q.eq("userId", userId).eq("channel", "sms"))
      .first();
    for (let i = 0; i < count + scheduled; i++) {
      const contactId = contactIds[i % contactIds.length];
      const r = random();
      const channel: Channel = r < 0.6 ? "sms" : r < 0.8 ? "whatsapp" : "email";
      const future = i >= count;
      const inbound = !future && random() < 0.45;
      const at = future
        ? to + Math.floor(random() * 30 * 86_400_000) + 3_600_000
        : spreadDaily
          ? Math.min(to, from + i * 86_400_000 + Math.floor(random() * 3_600_000))
          : from + Math.floor(random() * (to - from));
      const s = random();
      const status = future ? "scheduled" : inbound ? "received" : s < 0.7 ? "delivered" : s < 0.85 ? "read" : s < 0.95 ? "sent" : "failed";
      await insertMessage(ctx, writes, {
        userId,
        contactId,
        channel,
        direction: inbound ? "inbound" : "outbound",
        status,
        content: `Message ${seed}-${i}: ${inbound ? "a question from the customer" : "our answer, with some detail"}`,
        ...(channel === "email" ? { subject: `Subject ${i}` } : {}),
        at,
        ...(inbound ? {} : { scheduledAt: at }),
        attempts: inbound || future ? 0 : 1,
        ...(sender && !inbound ? { senderId: sender._id, from: sender.address, provider: sender.provider } : {}),
        ...(status === "delivered" || status === "read" || status === "sent" ? { sentAt: at } : {}),
        ...(status === "failed" ? { failedAt: at, lastError: { code: "TWILIO_30003", message: "The handset is unreachable", permanent: true } } : {}),
        ...(!inbound && !future ? { providerMessageId: `SMseed${seed}x${i}` } : {}),
      });
    }
    await writes.flush();
    return null;
  },
});

/** A broadcast's messages and the provider calls made for them (attempts), for the benchmark. */
export const broadcastAttempts = seedMutation({
  args: { broadcastId: v.id("broadcasts") },
  returns: v.object({ messages: v.number(), calls: v.number(), firstSlotAt: v.number(), firstSentAt: v.number(), lastSentAt: v.number() }),
  handler: async (ctx, { broadcastId }) => {
    let messages = 0;
    let calls = 0;
    let firstSentAt = Infinity;
    let firstSlotAt = Infinity;
    let lastSentAt = 0;
    for (const status of ["sent", "delivered", "read", "failed", "sending"] as const) {
      for await (const m of ctx.db
        .query("messages")
        .withIndex("by_broadcast_and_status_and_scheduledAt", (q) => q.eq("broadcastId", broadcastId).eq("status", status))) {
        messages++;
        calls += m.attempts;
        firstSlotAt = Math.min(firstSlotAt, m.scheduledAt ?? Infinity);
        const at = m.sentAt ?? m.failedAt;
        if (at !== undefined) {
          firstSentAt = Math.min(firstSentAt, at);
          lastSentAt = Math.max(lastSentAt, at);
        }
      }
    }
    return { messages, calls, firstSlotAt, firstSentAt, lastSentAt };
  },
});

/** What became of these messages (the benchmark's diagnostics for a duplicate call or a lost receipt). */
export const messageStates = seedMutation({
  args: { messageIds: v.array(v.id("messages")) },
  returns: v.array(
    v.object({
      messageId: v.id("messages"),
      status: v.string(),
      attempts: v.number(),
      providerMessageId: v.optional(v.string()),
      lastError: v.optional(v.string()),
    }),
  ),
  handler: async (ctx, { messageIds }) => {
    const out = [];
    for (const messageId of messageIds) {
      const m = await ctx.db.get("messages", messageId);
      if (!m) continue;
      out.push({
        messageId,
        status: m.status,
        attempts: m.attempts,
        ...(m.providerMessageId ? { providerMessageId: m.providerMessageId } : {}),
        ...(m.lastError ? { lastError: `${m.lastError.code}: ${m.lastError.message}` } : {}),
      });
    }
    return out;
  },
});

/** Messages of a broadcast in one status (at most 100), for the benchmark's diagnostics. */
export const broadcastMessagesIn = seedMutation({
  args: { broadcastId: v.id("broadcasts"), status: v.union(v.literal("sent"), v.literal("sending"), v.literal("queued"), v.literal("failed")) },
  returns: v.array(v.id("messages")),
  handler: async (ctx, { broadcastId, status }) =>
    (
      await ctx.db
        .query("messages")
        .withIndex("by_broadcast_and_status_and_scheduledAt", (q) => q.eq("broadcastId", broadcastId).eq("status", status))
        .take(100)
    ).map((m) => m._id),
});

/** Status counts of the given messages (the fault soak's final tally). */
export const statusCounts = seedMutation({
  args: { messageIds: v.array(v.id("messages")) },
  returns: v.record(v.string(), v.number()),
  handler: async (ctx, { messageIds }) => {
    const counts: Record<string, number> = {};
    for (const id of messageIds) {
      const m = await ctx.db.get("messages", id);
      const key = m?.status ?? "missing";
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  },
});

/** A broadcast's messages by status (the engine benchmarks' final tally). */
export const broadcastStatusCounts = seedMutation({
  args: { broadcastId: v.id("broadcasts") },
  returns: v.record(v.string(), v.number()),
  handler: async (ctx, { broadcastId }) => {
    const counts: Record<string, number> = {};
    for (const status of ["scheduled", "queued", "sending", "sent", "delivered", "read", "failed", "canceled"] as const) {
      const n = (
        await ctx.db
          .query("messages")
          .withIndex("by_broadcast_and_status_and_scheduledAt", (q) => q.eq("broadcastId", broadcastId).eq("status", status))
          .take(16_000)
      ).length;
      if (n) counts[status] = n;
    }
    return counts;
  },
});

/** How many of these provider ids are stored as messages (inbound replies the benchmark posted). */
export const storedCount = seedMutation({
  args: { providerMessageIds: v.array(v.string()) },
  returns: v.number(),
  handler: async (ctx, { providerMessageIds }) => {
    let n = 0;
    for (const id of providerMessageIds) {
      const m = await ctx.db
        .query("messages")
        .withIndex("by_providerMessageId", (q) => q.eq("providerMessageId", id))
        .first();
      if (m) n++;
    }
    return n;
  },
});

/** Scheduled functions created since `since`, by function (the engine benchmarks count jobs). */
export const scheduledSince = seedMutation({
  args: { since: v.number() },
  returns: v.record(v.string(), v.number()),
  handler: async (ctx, { since }) => {
    const counts: Record<string, number> = {};
    const jobs = await ctx.db.system
      .query("_scheduled_functions")
      .withIndex("by_creation_time", (q) => q.gte("_creationTime", since))
      .take(16_000);
    for (const job of jobs) counts[job.name] = (counts[job.name] ?? 0) + 1;
    return counts;
  },
});
