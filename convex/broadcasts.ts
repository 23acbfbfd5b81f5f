/**
 * Broadcasts: one message per member of a group, or per contact a segment matches when it is sent
 * (convex/lib/audience.ts). A self-rescheduling internal mutation turns members into queued messages a batch per transaction (far below Convex's limits), counting
 * members it must skip and why. The pump of the sender's dispatch lane (convex/dispatch/pump.ts)
 * sends them, paced to the sender's rate, through the same claim rules as any message; progress
 * is kept by the aggregates rollup.
 */
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { internal } from "./_generated/api";
import { getOwned, internalMutation, userMutation, userQuery } from "./functions";
import { audiencePage } from "./lib/audience";
import { recordAudit } from "./lib/audit";
import { createBroadcast, moveScheduledBroadcast, pageWithProgress, upcomingBroadcasts, withProgress } from "./lib/broadcasts";
import { appError } from "./lib/errors";
import { pumpBroadcast } from "./lib/lanes";
import { insertMessage, MessageWrites, transition } from "./lib/messages";
import { planMember } from "./lib/broadcastPlan";
import { addressFor, defaultSender } from "./lib/outbound";
import { loadMergeContext, renderMessage } from "./lib/personalize";
import { SendPolicy } from "./lib/sendPolicy";
import schema, { vChannel, vSendVariables } from "./schema";

const vBroadcast = doc(schema, "broadcasts");
/** Members turned into messages per transaction: ~3 reads and 2 writes each. */
export const FANOUT_BATCH = 100;
/** The first batch is smaller, so the first messages go out while the rest are still being created. */
const FANOUT_FIRST_BATCH = 25;
const CANCEL_BATCH = 200;

/** The first recipients skipped for their merge fields are kept with the reason; the rest only counted. */
const SKIPPED_SAMPLES = 20;

export const create = userMutation({
  args: {
    groupId: v.optional(v.id("groups")),
    segmentId: v.optional(v.id("segments")),
    channel: vChannel,
    content: v.string(),
    subject: v.optional(v.string()),
    mediaUrls: v.optional(v.array(v.string())),
    scheduledAt: v.optional(v.number()),
    templateId: v.optional(v.id("templates")),
    whatsappTemplateId: v.optional(v.id("whatsappTemplates")),
    variables: v.optional(vSendVariables),
    /** "At 09:00 on 2026-03-02 in each recipient's zone" instead of one instant. */
    localTime: v.optional(v.object({ date: v.string(), time: v.string() })),
    frequencyCapDays: v.optional(v.number()),
  },
  returns: v.id("broadcasts"),
  handler: async (ctx, args) => await createBroadcast(ctx, ctx.userId, ctx.actor, args),
});

/**
 * Turn the next batch of members into queued messages. The first batch also hands the broadcast
 * to its sender's dispatch lane; the pump paces the sends (nothing here depends on the rate).
 */
export const fanOut = internalMutation({
  args: { broadcastId: v.id("broadcasts"), run: v.number(), cursor: v.union(v.string(), v.null()) },
  returns: v.null(),
  handler: async (ctx, { broadcastId, run, cursor }) => {
    const now = Date.now();
    const b = await ctx.db.get("broadcasts", broadcastId);
    // Canceled, rescheduled (a newer run owns it), or already fanned out.
    if (!b || b.fanOutRun !== run || b.fanOutDone || b.status === "canceled" || b.status === "completed") return null;
    if (b.status === "scheduled") await ctx.db.patch("broadcasts", broadcastId, { status: "sending", startedAt: now });

    const page = await audiencePage(ctx, b, cursor, cursor === null ? FANOUT_FIRST_BATCH : FANOUT_BATCH, now);
    const sender = (await ctx.db.get("senders", b.senderId)) ?? (await defaultSender(ctx, b.userId, b.channel));

    const writes = new MessageWrites(ctx, b.userId);
    const samples = [...(b.skippedSamples ?? [])];
    const sampled = samples.length;
    // Each recipient's message is rendered here, with their values as the broadcast goes out.
    const mc = await loadMergeContext(ctx, b.userId);
    const whatsappTemplate = b.whatsappTemplateId ? await ctx.db.get("whatsappTemplates", b.whatsappTemplateId) : null;
    const approvedTemplate = whatsappTemplate?.status === "approved";
    const policy = new SendPolicy(ctx, b.userId);
    let processed = 0;
    for (const contact of page.contacts) {
      processed++;
      // The send policy for this member: skip (with the reason), now, or later (their local time, quiet hours).
      const plan = await planMember(policy, b, contact, now, { approvedTemplate });
      if (plan.kind === "skip") {
        writes.skip(broadcastId, plan.reason);
        await ctx.db.insert("broadcastSkips", { userId: b.userId, broadcastId, contactId: contact._id, reason: plan.reason });
        continue;
      }
      const rendered = renderMessage(mc, contact, sender, b.channel, {
        content: b.content,
        ...(b.subject !== undefined ? { subject: b.subject } : {}),
        ...(b.variables ? { variables: b.variables } : {}),
        ...(approvedTemplate ? { whatsappTemplate: whatsappTemplate! } : {}),
      });
      if (!rendered.ok) {
        writes.skip(broadcastId, rendered.reason);
        await ctx.db.insert("broadcastSkips", { userId: b.userId, broadcastId, contactId: contact._id, reason: rendered.reason });
        if (samples.length < SKIPPED_SAMPLES) samples.push({ contactId: contact._id, name: contact.name, reason: rendered.message });
        continue;
      }
      await insertMessage(ctx, writes, {
        userId: b.userId,
        contactId: contact._id,
        broadcastId,
        channel: b.channel,
        direction: "outbound",
        // A later one waits as `scheduled`: the lane's pump claims it when due.
        status: plan.status,
        ...rendered.message,
        ...(rendered.message.content !== b.content || rendered.message.subject !== b.subject || rendered.message.contentSid
          ? { personalized: true }
          : {}),
        ...(b.mediaUrls ? { mediaUrls: b.mediaUrls } : {}),
        at: plan.at,
        scheduledAt: plan.at,
        ...(plan.heldFrom !== undefined ? { heldFrom: plan.heldFrom } : {}),
        to: addressFor(contact, b.channel),
        ...(sender ? { senderId: sender._id, from: sender.address, provider: sender.provider } : {}),
        attempts: 0,
        source: { kind: "system", id: `broadcast:${broadcastId}` },
        origin: { via: "broadcast" },
      });
    }
    writes.broadcast(broadcastId, "total", processed);
    if (samples.length > sampled) await ctx.db.patch("broadcasts", broadcastId, { skippedSamples: samples });
    // The rollup looks at the broadcast after every batch: once fan-out is done it may be complete.
    writes.stats.touch(broadcastId);
    await writes.flush();

    // The first batch hands the broadcast to its sender's lane, whose pump starts sending at once;
    // the last one tells the pump there is nothing more to come.
    if (cursor === null || page.isDone) await pumpBroadcast(ctx, b, page.isDone);
    if (page.isDone) await ctx.db.patch("broadcasts", broadcastId, { fanOutDone: true });
    else await ctx.scheduler.runAfter(0, internal.broadcasts.fanOut, { broadcastId, run, cursor: page.continueCursor });
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
    // Its lane stops claiming for it at once; what is already claimed still goes out.
    const pump = await ctx.db
      .query("broadcastPumps")
      .withIndex("by_broadcast", (q) => q.eq("broadcastId", broadcastId))
      .unique();
    if (pump) await ctx.db.delete("broadcastPumps", pump._id);
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
    await moveScheduledBroadcast(ctx, await getOwned(ctx, "broadcasts", broadcastId), scheduledAt);
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
  handler: async (ctx, { broadcastId }) => await withProgress(ctx, await getOwned(ctx, "broadcasts", broadcastId)),
});

/** The user's broadcasts, newest first. */
export const list = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vBroadcast),
  handler: async (ctx, { paginationOpts }) =>
    await pageWithProgress(
      ctx,
      await ctx.db
        .query("broadcasts")
        .withIndex("by_user", (q) => q.eq("userId", ctx.userId))
        .order("desc")
        .paginate(paginationOpts),
    ),
});

/** A group's broadcasts, newest first. */
export const listForGroup = userQuery({
  args: { groupId: v.id("groups"), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vBroadcast),
  handler: async (ctx, { groupId, paginationOpts }) => {
    await getOwned(ctx, "groups", groupId);
    return await pageWithProgress(
      ctx,
      await ctx.db
        .query("broadcasts")
        .withIndex("by_group", (q) => q.eq("groupId", groupId))
        .order("desc")
        .paginate(paginationOpts),
    );
  },
});

/** A segment's broadcasts, newest first. */
export const listForSegment = userQuery({
  args: { segmentId: v.id("segments"), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vBroadcast),
  handler: async (ctx, { segmentId, paginationOpts }) => {
    await getOwned(ctx, "segments", segmentId);
    return await pageWithProgress(
      ctx,
      await ctx.db
        .query("broadcasts")
        .withIndex("by_segment", (q) => q.eq("segmentId", segmentId))
        .order("desc")
        .paginate(paginationOpts),
    );
  },
});

/** Broadcasts waiting for their time, soonest first. */
export const upcoming = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vBroadcast),
  handler: async (ctx, { paginationOpts }) => await upcomingBroadcasts(ctx, ctx.userId, paginationOpts),
});

