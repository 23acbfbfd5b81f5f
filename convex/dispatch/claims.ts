/**
 * Claims and outcomes: the one mutation a lane's pump calls each tick (convex/dispatch/pump.ts).
 * It records the outcomes of the provider calls that finished since the last tick, then — if the
 * pump still owns the lane — claims what may go out now: each sender's broadcast messages up to
 * what the sender's token bucket holds (convex/lib/pacing.ts), and (lane 0) single messages that
 * are due. It says when something next becomes claimable, and hands the lane back (idle, with a
 * wake arranged for the next due message) when there is nothing to do.
 *
 * What it touches: the lane document (read; heartbeat every few seconds), the lane's pump rows,
 * the senders (rates), the messages it claims or records and their contacts, and one aggregate
 * delta per user. Never a broadcast document, a sender's settings, or an aggregate.
 */
import { v } from "convex/values";
import type { Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { internalMutation, internalQuery } from "../functions";
import { claimMessage, EARLY_MS, recordOutcome, vJob, vResult, type Job, type Result } from "../lib/claim";
import { mediaNamesOf } from "../lib/attachments";
import { env } from "../lib/env";
import { arrangeWake, HEARTBEAT_MS, laneDoc, SINGLES_LANE, TICK_MS } from "../lib/lanes";
import { WritesByUser, type MessageWrites } from "../lib/messages";
import { bucketCapacity, levelAt, nextSendAt } from "../lib/pacing";
import { enqueueReceipts } from "../lib/receipts";
import { vChannel } from "../schema";

/** A pump late by more than this catches up by this much, no more (so it never bursts past its rate). */
const CATCH_UP_MS = 200;
/** Messages claimed per tick at most (each is ~3 reads and a write). */
const CLAIM_MAX = 100;
/** Broadcasts a lane serves at once (the rest wait their turn). */
const PUMP_ROWS = 100;
/** With nothing to claim for longer than this, the pump ends and a wake is arranged instead. */
export const IDLE_AFTER_MS = 1_000;

const vBucket = v.object({ level: v.number(), at: v.number() });
const vPace = v.object({ ratePerSecond: v.number(), capacity: v.number(), level: v.number(), at: v.number() });

type Ctx = Pick<MutationCtx, "db" | "scheduler">;

/** The simulator reports delivery through the same receipt path real status webhooks use. */
async function reportSimulatedDeliveries(ctx: Ctx, providerMessageIds: string[], now: number) {
  const delivery = env.simulatorDelivery();
  if (!delivery.enabled || providerMessageIds.length === 0) return;
  await enqueueReceipts(
    ctx,
    providerMessageIds.map((providerMessageId) => ({ providerMessageId, status: "delivered" as const })),
    now + delivery.delayMs,
  );
}

/** The first message of a broadcast (or, with undefined, of the single messages) in `status`. */
async function firstOf(ctx: Ctx, broadcastId: Id<"broadcasts"> | undefined, status: "queued" | "scheduled" | "sending") {
  return await ctx.db
    .query("messages")
    .withIndex("by_broadcast_and_status_and_scheduledAt", (q) => q.eq("broadcastId", broadcastId).eq("status", status))
    .first();
}

/** Claim up to `room` of a broadcast's due messages (first tries, then retries whose time came). */
async function claimBroadcast(ctx: Ctx, writes: MessageWrites, broadcastId: Id<"broadcasts">, now: number, room: number) {
  const jobs: Job[] = [];
  for (const status of ["queued", "scheduled"] as const) {
    if (jobs.length >= room) break;
    const due = await ctx.db
      .query("messages")
      .withIndex("by_broadcast_and_status_and_scheduledAt", (q) =>
        q.eq("broadcastId", broadcastId).eq("status", status).lte("scheduledAt", now),
      )
      .take(room - jobs.length);
    for (const m of due) {
      const job = await claimMessage(ctx, writes, m, now, 0);
      if (job) jobs.push(job);
    }
  }
  return jobs;
}

/** Claim due single messages (not a broadcast's), oldest first; say when the next one is due. */
async function claimSingles(ctx: Ctx, writes: WritesByUser, now: number, room: number) {
  const jobs: Job[] = [];
  let next: number | null = null;
  for (const status of ["queued", "scheduled"] as const) {
    const due =
      room > jobs.length
        ? await ctx.db
            .query("messages")
            .withIndex("by_broadcast_and_status_and_scheduledAt", (q) =>
              q.eq("broadcastId", undefined).eq("status", status).lte("scheduledAt", now + EARLY_MS),
            )
            .take(room - jobs.length)
        : [];
    for (const m of due) {
      const job = await claimMessage(ctx, writes.for(m.userId), m, now);
      if (job) jobs.push(job);
    }
    // What is left of this status (everything claimed above has left it): due ones a full batch
    // left behind, or the next one to come due. Reading the whole range also means a message
    // written meanwhile conflicts with this transaction, so it is never missed by an idle lane.
    const left = await firstOf(ctx, undefined, status);
    if (left) {
      const at = Math.max(now, left.scheduledAt ?? now);
      next = next === null ? at : Math.min(next, at);
    }
  }
  return { jobs, next };
}

/** Record what the provider said about each call (the message, its conversation, the aggregates' delta). */
async function recordResults(ctx: Ctx, writes: WritesByUser, results: Result[], now: number): Promise<void> {
  const delivered: string[] = [];
  for (const { messageId, attempt, outcome, at } of results) {
    const message = await ctx.db.get("messages", messageId);
    if (!message) continue;
    const answeredAt = Math.min(now, at ?? now);
    const { simulatedDelivery } = await recordOutcome(ctx, writes.for(message.userId), message, attempt, outcome, answeredAt);
    if (simulatedDelivery) delivered.push(simulatedDelivery);
  }
  await reportSimulatedDeliveries(ctx, delivered, now);
}

/**
 * Outcomes recorded apart from a tick: the pump sends them here, a few at a time, when a tick that
 * carried them failed. Recording an outcome writes the recipient's conversation, which a reply from
 * that recipient writes too; one contested conversation must not hold up the lane's claims.
 */
export const record = internalMutation({
  args: { results: v.array(vResult) },
  returns: v.null(),
  handler: async (ctx, { results }) => {
    const writes = new WritesByUser(ctx);
    await recordResults(ctx, writes, results, Date.now());
    await writes.flush();
    return null;
  },
});

export const tick = internalMutation({
  args: {
    lane: v.number(),
    owner: v.number(),
    /** Outcomes of provider calls since the last tick (recorded whoever owns the lane now). */
    results: v.array(vResult),
    /** Provider calls still running in the pump. */
    inFlight: v.number(),
    /** How many new calls the pump may start now (it holds back when a call is stuck). */
    room: v.number(),
    /** Each sender's token bucket as measured when the pump last handed it calls. */
    buckets: v.record(v.string(), vBucket),
    /** False once the pump is winding down (handed over, or lost the lane): record only. */
    claim: v.boolean(),
  },
  returns: v.object({
    owned: v.boolean(),
    jobs: v.array(vJob),
    /** Per sender: its rate and bucket at the claim, for measuring the bucket when calls go out. */
    pace: v.record(v.string(), vPace),
    /** When something next becomes claimable (null: nothing known). */
    nextAt: v.union(v.number(), v.null()),
    /** The lane was handed back: nothing in flight, nothing due soon. The pump ends. */
    idle: v.boolean(),
  }),
  handler: async (ctx, { lane, owner, results, inFlight, room: pumpRoom, buckets, claim }) => {
    const now = Date.now();
    const writes = new WritesByUser(ctx);
    await recordResults(ctx, writes, results, now);

    const doc = await laneDoc(ctx, lane);
    const owned = doc !== null && doc.running && doc.owner === owner;
    if (!owned || !claim) {
      await writes.flush();
      return { owned, jobs: [], pace: {}, nextAt: null, idle: false };
    }
    if (now - doc.heartbeatAt >= HEARTBEAT_MS) await ctx.db.patch("dispatchLanes", doc._id, { heartbeatAt: now });

    const room = Math.max(0, Math.min(CLAIM_MAX, pumpRoom));
    const jobs: Job[] = [];
    const pace: Record<string, { ratePerSecond: number; capacity: number; level: number; at: number }> = {};
    let nextAt: number | null = null;
    const soonest = (at: number) => (nextAt = nextAt === null ? at : Math.min(nextAt, at));

    // Broadcasts, per sender: as many as its bucket holds.
    const pumps = await ctx.db
      .query("broadcastPumps")
      .withIndex("by_lane", (q) => q.eq("lane", lane))
      .take(PUMP_ROWS);
    const senders = new Map<Id<"senders">, typeof pumps>();
    for (const row of pumps) senders.set(row.senderId, [...(senders.get(row.senderId) ?? []), row]);
    for (const [senderId, rows] of senders) {
      const sender = await ctx.db.get("senders", senderId);
      const ratePerSecond = sender?.ratePerSecond ?? 1;
      const capacity = bucketCapacity(ratePerSecond, CATCH_UP_MS);
      const bucket = buckets[senderId];
      // A first claim gets one tick's worth (at least one send).
      const level = bucket
        ? levelAt(bucket, now, ratePerSecond, capacity)
        : Math.min(capacity, Math.max(1, (ratePerSecond * TICK_MS) / 1000));
      pace[senderId] = { ratePerSecond, capacity, level, at: now };
      let claimed = 0;
      for (const row of rows) {
        const tokens = Math.min(Math.floor(level) - claimed, room - jobs.length);
        const got = tokens > 0 ? await claimBroadcast(ctx, writes.for(row.userId), row.broadcastId, now, tokens) : [];
        claimed += got.length;
        jobs.push(...got);
        // Waiting for the bucket (or for room in the pump) — the common case, one read or none.
        const tokenAt = () => (jobs.length >= room ? now + TICK_MS : nextSendAt({ level: level - claimed, at: now }, ratePerSecond));
        if (tokens > 0 && got.length === tokens) {
          soonest(tokenAt());
          continue;
        }
        const queued = await firstOf(ctx, row.broadcastId, "queued");
        if (queued) {
          soonest(Math.max(tokenAt(), queued.scheduledAt ?? now));
          continue;
        }
        const retry = await firstOf(ctx, row.broadcastId, "scheduled");
        if (retry) soonest(retry.scheduledAt ?? now);
        else if (!row.fanOutDone) soonest(now + TICK_MS); // fan-out is still writing its messages
        else if (!(await firstOf(ctx, row.broadcastId, "sending"))) {
          await ctx.db.delete("broadcastPumps", row._id); // every message of it has been sent or settled
        }
      }
    }

    // Single messages (lane 0): everything due, unpaced.
    if (lane === SINGLES_LANE) {
      const singles = await claimSingles(ctx, writes, now, room - jobs.length);
      jobs.push(...singles.jobs);
      if (singles.next !== null) soonest(singles.next);
    }
    await writes.flush();

    const idle = jobs.length === 0 && inFlight === 0 && (nextAt === null || nextAt > now + IDLE_AFTER_MS);
    if (idle) {
      await ctx.db.patch("dispatchLanes", doc._id, { running: false });
      if (nextAt !== null) await arrangeWake(ctx, lane, { ...doc, running: false }, nextAt);
    }
    return { owned: true, jobs, pace, nextAt, idle };
  },
});

const BODY_BUDGET_CHARS = 1_000_000;
const vBody = v.object({
  content: v.string(),
  subject: v.optional(v.string()),
  mediaUrls: v.optional(v.array(v.string())),
  /** A WhatsApp template: Twilio's Content SID and its variables (JSON). */
  contentSid: v.optional(v.string()),
  contentVariables: v.optional(v.string()),
  mediaNames: v.optional(v.array(v.string())),
});

/**
 * What claimed messages say: each broadcast's text once, and single messages' own. At most about
 * a million characters per call (the pump asks again for the rest), far inside a return value's limit.
 */
export const bodies = internalQuery({
  args: { broadcastIds: v.array(v.id("broadcasts")), messageIds: v.array(v.id("messages")) },
  returns: v.object({
    broadcasts: v.array(v.object({ broadcastId: v.id("broadcasts"), body: vBody, channel: vChannel })),
    messages: v.array(v.object({ messageId: v.id("messages"), body: vBody })),
  }),
  handler: async (ctx, { broadcastIds, messageIds }) => {
    let budget = BODY_BUDGET_CHARS;
    const bodyOf = (d: { content: string; subject?: string; mediaUrls?: string[]; contentSid?: string; contentVariables?: string }) => {
      budget -= d.content.length + (d.subject?.length ?? 0);
      return {
        content: d.content,
        ...(d.subject ? { subject: d.subject } : {}),
        ...(d.mediaUrls ? { mediaUrls: d.mediaUrls } : {}),
        ...(d.contentSid ? { contentSid: d.contentSid, ...(d.contentVariables ? { contentVariables: d.contentVariables } : {}) } : {}),
      };
    };
    const broadcasts = [];
    for (const broadcastId of broadcastIds) {
      if (budget <= 0 && broadcasts.length) break;
      const b = await ctx.db.get("broadcasts", broadcastId);
      if (b) broadcasts.push({ broadcastId, body: bodyOf(b), channel: b.channel });
    }
    const messages = [];
    for (const messageId of messageIds) {
      if (budget <= 0 && (messages.length || broadcasts.length)) break;
      const m = await ctx.db.get("messages", messageId);
      // A message's files go to the provider by their storage URLs; email attachments keep their names.
      if (m) messages.push({ messageId, body: { ...bodyOf(m), ...(m.attachments?.length ? { mediaNames: mediaNamesOf(m) } : {}) } });
    }
    return { broadcasts, messages };
  },
});
