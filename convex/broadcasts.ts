/**
 * Broadcasts: one message per member of a group. A self-rescheduling internal mutation
 * turns members into messages a batch per transaction (far below Convex's limits),
 * counting members it must skip and why; each message gets a send slot paced to its
 * sender's rate. One pump action per broadcast (convex/dispatchActions.ts) sends them,
 * claiming a window of slots per transaction through the same dispatcher rules as any message.
 */
import {
  paginationOptsValidator,
  paginationResultValidator,
  type PaginationOptions,
  type PaginationResult,
} from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { type MutationCtx, type QueryCtx } from "./_generated/server";
import { getOwned, internalMutation, userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { appError } from "./lib/errors";
import { broadcastCompletion, insertMessage, MessageWrites, transition } from "./lib/messages";
import { enqueueNotifications } from "./lib/notifications";
import { addressFor, checkScheduledAt, cleanOutbound, defaultSender, recipientProblem } from "./lib/outbound";
import schema, { vChannel, type Actor, type BroadcastCounts, type Channel, type SkipReasons } from "./schema";

const vBroadcast = doc(schema, "broadcasts");
/** Members turned into messages per transaction: ~3 reads and 2 writes each. */
export const FANOUT_BATCH = 100;
/** The first batch is smaller, so the first messages go out while the rest are still being created. */
const FANOUT_FIRST_BATCH = 25;
const CANCEL_BATCH = 200;

const ZERO_COUNTS: BroadcastCounts = {
  total: 0,
  scheduled: 0,
  queued: 0,
  sending: 0,
  sent: 0,
  delivered: 0,
  read: 0,
  failed: 0,
  canceled: 0,
  skipped: 0,
};
const SKIP_KEY = { NO_ADDRESS: "noAddress", OPTED_OUT: "optedOut", WHATSAPP_WINDOW_CLOSED: "whatsappWindowClosed" } as const;

export type BroadcastRequest = {
  groupId: Id<"groups">;
  channel: Channel;
  content: string;
  subject?: string;
  mediaUrls?: string[];
  scheduledAt?: number;
};

/** Shared by the app and the REST API. */
export async function createBroadcast(
  ctx: MutationCtx,
  userId: Id<"users">,
  actor: Actor,
  request: BroadcastRequest,
): Promise<Id<"broadcasts">> {
  const now = Date.now();
  const group = await getOwned({ db: ctx.db, userId }, "groups", request.groupId);
  const content = cleanOutbound(request.channel, request);
  if (request.scheduledAt !== undefined) checkScheduledAt(request.scheduledAt, now);
  const sender = await defaultSender(ctx, userId, request.channel);
  if (!sender) throw appError("NO_SENDER");
  const scheduled = request.scheduledAt !== undefined;
  const broadcastId = await ctx.db.insert("broadcasts", {
    userId,
    groupId: group._id,
    groupName: group.name,
    members: group.memberCount,
    channel: request.channel,
    senderId: sender._id,
    ...content,
    status: scheduled ? "scheduled" : "sending",
    ...(scheduled ? { scheduledAt: request.scheduledAt } : { startedAt: now }),
    fanOutDone: false,
    fanOutRun: 0,
    counts: ZERO_COUNTS,
    skipped: { noAddress: 0, optedOut: 0, whatsappWindowClosed: 0 },
    source: actor,
  });
  const args = { broadcastId, run: 0, cursor: null };
  if (scheduled) await ctx.scheduler.runAt(request.scheduledAt!, internal.broadcasts.fanOut, args);
  else await ctx.scheduler.runAfter(0, internal.broadcasts.fanOut, args);
  await recordAudit(ctx, {
    userId,
    actor,
    action: scheduled ? "broadcast.schedule" : "broadcast.send",
    target: { table: "broadcasts", id: broadcastId },
    details: { groupId: group._id, channel: request.channel, members: group.memberCount },
  });
  return broadcastId;
}

export const create = userMutation({
  args: {
    groupId: v.id("groups"),
    channel: vChannel,
    content: v.string(),
    subject: v.optional(v.string()),
    mediaUrls: v.optional(v.array(v.string())),
    scheduledAt: v.optional(v.number()),
  },
  returns: v.id("broadcasts"),
  handler: async (ctx, args) => await createBroadcast(ctx, ctx.userId, ctx.actor, args),
});

/** Turn the next batch of members into paced, queued messages. */
export const fanOut = internalMutation({
  args: { broadcastId: v.id("broadcasts"), run: v.number(), cursor: v.union(v.string(), v.null()) },
  returns: v.null(),
  handler: async (ctx, { broadcastId, run, cursor }) => {
    const now = Date.now();
    const b = await ctx.db.get("broadcasts", broadcastId);
    // Canceled, rescheduled (a newer run owns it), or already fanned out.
    if (!b || b.fanOutRun !== run || b.fanOutDone || b.status === "canceled" || b.status === "completed") return null;
    if (b.status === "scheduled") await ctx.db.patch("broadcasts", broadcastId, { status: "sending", startedAt: now });

    const page = await ctx.db
      .query("groupMemberships")
      .withIndex("by_group_and_contact", (q) => q.eq("groupId", b.groupId))
      .paginate({ numItems: cursor === null ? FANOUT_FIRST_BATCH : FANOUT_BATCH, cursor });
    const sender = (await ctx.db.get("senders", b.senderId)) ?? (await defaultSender(ctx, b.userId, b.channel));
    const interval = 1000 / (sender?.ratePerSecond ?? 1);
    let slot = Math.max(now, sender?.nextSlotAt ?? 0);
    const firstSlot = slot;

    const writes = new MessageWrites(ctx, b.userId);
    const skipped: SkipReasons = { ...b.skipped };
    let processed = 0;
    let skippedNow = 0;
    for (const membership of page.page) {
      const contact = await ctx.db.get("contacts", membership.contactId);
      if (!contact) continue;
      processed++;
      const problem = recipientProblem(contact, b.channel, now);
      if (problem) {
        skipped[SKIP_KEY[problem]]++;
        skippedNow++;
        continue;
      }
      await insertMessage(ctx, writes, {
        userId: b.userId,
        contactId: contact._id,
        broadcastId,
        channel: b.channel,
        direction: "outbound",
        status: "queued",
        content: b.content,
        ...(b.subject ? { subject: b.subject } : {}),
        ...(b.mediaUrls ? { mediaUrls: b.mediaUrls } : {}),
        at: slot,
        scheduledAt: slot,
        to: addressFor(contact, b.channel),
        ...(sender ? { senderId: sender._id, from: sender.address, provider: sender.provider } : {}),
        attempts: 0,
        source: { kind: "system", id: `broadcast:${broadcastId}` },
      });
      slot += interval;
    }
    if (sender) await ctx.db.patch("senders", sender._id, { nextSlotAt: slot });
    writes.broadcast(broadcastId, "total", processed);
    writes.broadcast(broadcastId, "skipped", skippedNow);
    await ctx.db.patch("broadcasts", broadcastId, { skipped, ...(page.isDone ? { fanOutDone: true } : {}) });
    await writes.flush(now);
    // One pump sends the whole broadcast, starting at its first slot.
    if (cursor === null) await ctx.scheduler.runAt(firstSlot, internal.dispatchActions.pump, { broadcastId });
    if (page.isDone) {
      // Every member may have been skipped: complete now if nothing is left in flight.
      const latest = (await ctx.db.get("broadcasts", broadcastId))!;
      const completion = broadcastCompletion(latest, latest.counts, now);
      await ctx.db.patch("broadcasts", broadcastId, completion);
      if (completion.status === "completed") await enqueueNotifications(ctx, b.userId, [{ kind: "broadcast", broadcastId }]);
    } else {
      await ctx.scheduler.runAfter(0, internal.broadcasts.fanOut, { broadcastId, run, cursor: page.continueCursor });
    }
    return null;
  },
});

/** Stop a broadcast: members not yet messaged get nothing, queued messages are canceled. */
export const cancel = userMutation({
  args: { broadcastId: v.id("broadcasts") },
  returns: v.null(),
  handler: async (ctx, { broadcastId }) => {
    const b = await getOwned(ctx, "broadcasts", broadcastId);
    if (b.status !== "scheduled" && b.status !== "sending") {
      throw appError("INVALID_STATE", `This broadcast is ${b.status} and can no longer be canceled.`);
    }
    await ctx.db.patch("broadcasts", broadcastId, { status: "canceled", completedAt: Date.now() });
    await ctx.scheduler.runAfter(0, internal.broadcasts.cancelPending, { broadcastId });
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "broadcast.cancel",
      target: { table: "broadcasts", id: broadcastId },
    });
    return null;
  },
});

export const cancelPending = internalMutation({
  args: { broadcastId: v.id("broadcasts") },
  returns: v.null(),
  handler: async (ctx, { broadcastId }) => {
    const b = await ctx.db.get("broadcasts", broadcastId);
    if (!b) return null;
    const writes = new MessageWrites(ctx, b.userId);
    let more = false;
    for (const status of ["queued", "scheduled"] as const) {
      const batch = await ctx.db
        .query("messages")
        .withIndex("by_broadcast_and_status_and_scheduledAt", (q) => q.eq("broadcastId", broadcastId).eq("status", status))
        .take(CANCEL_BATCH);
      for (const m of batch) await transition(ctx, writes, m, "canceled", { scheduledAt: undefined });
      more ||= batch.length === CANCEL_BATCH;
    }
    await writes.flush();
    if (more) await ctx.scheduler.runAfter(0, internal.broadcasts.cancelPending, { broadcastId });
    return null;
  },
});

/** Move a scheduled broadcast to another time. */
export const reschedule = userMutation({
  args: { broadcastId: v.id("broadcasts"), scheduledAt: v.number() },
  returns: v.null(),
  handler: async (ctx, { broadcastId, scheduledAt }) => {
    const b = await getOwned(ctx, "broadcasts", broadcastId);
    if (b.status !== "scheduled") throw appError("INVALID_STATE", "Only a broadcast that has not started can be rescheduled.");
    checkScheduledAt(scheduledAt, Date.now());
    const run = b.fanOutRun + 1;
    await ctx.db.patch("broadcasts", broadcastId, { scheduledAt, fanOutRun: run });
    await ctx.scheduler.runAt(scheduledAt, internal.broadcasts.fanOut, { broadcastId, run, cursor: null });
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "broadcast.reschedule",
      target: { table: "broadcasts", id: broadcastId },
      details: { scheduledAt },
    });
    return null;
  },
});

/** A broadcast with its live progress counts and skip reasons. */
export const get = userQuery({
  args: { broadcastId: v.id("broadcasts") },
  returns: vBroadcast,
  handler: async (ctx, { broadcastId }) => await getOwned(ctx, "broadcasts", broadcastId),
});

/** The user's broadcasts, newest first. */
export const list = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vBroadcast),
  handler: async (ctx, { paginationOpts }) =>
    await ctx.db
      .query("broadcasts")
      .withIndex("by_user", (q) => q.eq("userId", ctx.userId))
      .order("desc")
      .paginate(paginationOpts),
});

/** A group's broadcasts, newest first. */
export const listForGroup = userQuery({
  args: { groupId: v.id("groups"), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vBroadcast),
  handler: async (ctx, { groupId, paginationOpts }) => {
    await getOwned(ctx, "groups", groupId);
    return await ctx.db
      .query("broadcasts")
      .withIndex("by_group", (q) => q.eq("groupId", groupId))
      .order("desc")
      .paginate(paginationOpts);
  },
});

/** Broadcasts waiting for their time, soonest first. */
export const upcoming = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vBroadcast),
  handler: async (ctx, { paginationOpts }) => await upcomingBroadcasts(ctx, ctx.userId, paginationOpts),
});

/** Shared by the app and the REST API; see `upcoming`. */
export async function upcomingBroadcasts(
  ctx: QueryCtx,
  userId: Id<"users">,
  paginationOpts: PaginationOptions,
): Promise<PaginationResult<Doc<"broadcasts">>> {
  return await ctx.db
    .query("broadcasts")
    .withIndex("by_user_and_status_and_scheduledAt", (q) => q.eq("userId", userId).eq("status", "scheduled"))
    .paginate(paginationOpts);
}

export type BroadcastDoc = Doc<"broadcasts">;
