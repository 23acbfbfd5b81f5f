/**
 * Recurring messages and broadcasts: create a series (a contact or a group, a rule, a wall-clock
 * time in an IANA zone), list it with its next occurrences, pause, resume, edit this occurrence
 * or all future ones, cancel. The series logic is convex/lib/recurrences.ts.
 */
import { v } from "convex/values";
import { describeRecurrence, firstOccurrence, occurrencesAfter, recurrenceProblem, toRRule, type RecurrenceSpec } from "../lib/recurrence";
import { getOwned, internalMutation, userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { appError } from "./lib/errors";
import { MessageWrites, moveSchedule, editPendingContent } from "./lib/messages";
import { checkScheduledAt, cleanOutbound } from "./lib/outbound";
import { moveScheduledBroadcast } from "./lib/broadcasts";
import { dispatchPending } from "./lib/lanes";
import { cancelPendingOccurrence, materialize, scheduleNext } from "./lib/recurrences";
import { vChannel, vRecurrenceSpec, vRecurrenceStatus, type Actor } from "./schema";
import type { Doc, Id } from "./_generated/dataModel";
import type { MutationCtx } from "./_generated/server";

const MAX_SERIES = 200;
const UPCOMING = 5;

const vRecurrenceView = v.object({
  id: v.id("recurrences"),
  contactId: v.union(v.id("contacts"), v.null()),
  groupId: v.union(v.id("groups"), v.null()),
  targetName: v.string(),
  channel: vChannel,
  content: v.string(),
  subject: v.union(v.string(), v.null()),
  spec: vRecurrenceSpec,
  description: v.string(),
  status: vRecurrenceStatus,
  occurrences: v.number(),
  /** The pending occurrence's time and the ones after it. */
  upcoming: v.array(v.number()),
  pendingMessageId: v.union(v.id("messages"), v.null()),
  pendingBroadcastId: v.union(v.id("broadcasts"), v.null()),
  lastSkipped: v.union(v.object({ at: v.number(), code: v.string(), message: v.string() }), v.null()),
  cancelOnReply: v.boolean(),
});

function view(rec: Doc<"recurrences">, upcoming: number) {
  const next = rec.nextAt;
  return {
    id: rec._id,
    contactId: rec.contactId ?? null,
    groupId: rec.groupId ?? null,
    targetName: rec.targetName,
    channel: rec.channel,
    content: rec.content,
    subject: rec.subject ?? null,
    spec: rec.spec,
    description: describeRecurrence(rec.spec as RecurrenceSpec),
    status: rec.status,
    occurrences: rec.occurrences,
    // From the pending occurrence on (never from the clock: a query's result must follow its data).
    upcoming: next === undefined || rec.status !== "active" ? [] : [next, ...occurrencesAfter(rec.rrule, rec.spec.timeZone, next, upcoming - 1)],
    pendingMessageId: rec.pendingMessageId ?? null,
    pendingBroadcastId: rec.pendingBroadcastId ?? null,
    lastSkipped: rec.lastSkipped ?? null,
    cancelOnReply: rec.cancelOnReply ?? false,
  };
}

function checkSpec(spec: RecurrenceSpec): string {
  const problem = recurrenceProblem(spec);
  if (problem) throw appError("INVALID_ARGUMENT", problem, { field: "spec" });
  return toRRule(spec);
}

export const create = userMutation({
  args: {
    contactId: v.optional(v.id("contacts")),
    groupId: v.optional(v.id("groups")),
    channel: vChannel,
    content: v.string(),
    subject: v.optional(v.string()),
    spec: vRecurrenceSpec,
    cancelOnReply: v.optional(v.boolean()),
  },
  returns: v.id("recurrences"),
  handler: async (ctx, args) => {
    // Ownership first: someone else's id is NOT_FOUND whatever else is wrong.
    const contact = args.contactId ? await getOwned(ctx, "contacts", args.contactId) : null;
    const group = args.groupId ? await getOwned(ctx, "groups", args.groupId) : null;
    const target = contact ?? group;
    if (!target || (contact && group)) {
      throw appError("INVALID_ARGUMENT", "A recurring message goes to one contact or one group.", { field: "contactId" });
    }
    const spec = args.spec as RecurrenceSpec;
    const rrule = checkSpec(spec);
    const content = cleanOutbound(args.channel, args);
    const now = Date.now();
    const existing = await ctx.db.query("recurrences").withIndex("by_user_and_nextAt", (q) => q.eq("userId", ctx.userId)).take(MAX_SERIES);
    if (existing.length >= MAX_SERIES) throw appError("LIMIT_EXCEEDED", `At most ${MAX_SERIES} recurring messages.`);
    const id = await ctx.db.insert("recurrences", {
      userId: ctx.userId,
      ...(args.contactId ? { contactId: args.contactId } : { groupId: args.groupId }),
      targetName: target.name,
      channel: args.channel,
      content: content.content,
      ...(content.subject ? { subject: content.subject } : {}),
      spec: args.spec,
      rrule,
      status: "active",
      occurrences: 0,
      ...(args.cancelOnReply && args.contactId ? { cancelOnReply: true } : {}),
      source: ctx.actor,
    });
    const rec = (await ctx.db.get("recurrences", id))!;
    const first = firstOccurrence(spec);
    if (first !== null && first > now) {
      checkScheduledAt(first, now); // at most a year ahead, as any scheduled message
      await materialize(ctx, rec, first);
    }
    else if ((await scheduleNext(ctx, rec, now)) === null) {
      throw appError("INVALID_ARGUMENT", "This rule has no occurrence in the future.", { field: "spec" });
    }
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "recurrence.create",
      target: { table: "recurrences", id },
      details: { rule: rrule.slice(0, 200) },
    });
    return id;
  },
});

/** Runs at each occurrence's time: creates the next (a stale job — paused, edited, canceled — does nothing). */
export const advance = internalMutation({
  args: { recurrenceId: v.id("recurrences"), at: v.number() },
  returns: v.null(),
  handler: async (ctx, { recurrenceId, at }) => {
    const rec = await ctx.db.get("recurrences", recurrenceId);
    if (!rec || rec.status !== "active" || rec.nextAt !== at) return null;
    await scheduleNext(ctx, rec, at);
    return null;
  },
});

export const list = userQuery({
  args: {},
  returns: v.array(vRecurrenceView),
  handler: async (ctx) => {
    const all = await ctx.db.query("recurrences").withIndex("by_user_and_nextAt", (q) => q.eq("userId", ctx.userId)).take(MAX_SERIES);
    // Active series by their next occurrence, then the rest.
    return all
      .filter((r) => r.status !== "canceled")
      .sort((a, b) => (a.nextAt ?? Infinity) - (b.nextAt ?? Infinity))
      .map((r) => view(r, UPCOMING));
  },
});

export const get = userQuery({
  args: { recurrenceId: v.id("recurrences") },
  returns: vRecurrenceView,
  handler: async (ctx, { recurrenceId }) => view(await getOwned(ctx, "recurrences", recurrenceId), 10),
});

async function audit(ctx: MutationCtx, userId: Id<"users">, actor: Actor, action: string, id: Id<"recurrences">) {
  await recordAudit(ctx, { userId, actor, action, target: { table: "recurrences", id } });
}

export const pause = userMutation({
  args: { recurrenceId: v.id("recurrences") },
  returns: v.null(),
  handler: async (ctx, { recurrenceId }) => {
    const rec = await getOwned(ctx, "recurrences", recurrenceId);
    if (rec.status !== "active") throw appError("INVALID_STATE", `This series is ${rec.status}.`);
    await cancelPendingOccurrence(ctx, rec);
    await ctx.db.patch("recurrences", recurrenceId, { status: "paused" });
    await audit(ctx, ctx.userId, ctx.actor, "recurrence.pause", recurrenceId);
    return null;
  },
});

/** Resume a paused series from the next occurrence after now (missed ones are not sent late). */
export const resume = userMutation({
  args: { recurrenceId: v.id("recurrences") },
  returns: v.null(),
  handler: async (ctx, { recurrenceId }) => {
    const rec = await getOwned(ctx, "recurrences", recurrenceId);
    if (rec.status !== "paused") throw appError("INVALID_STATE", `This series is ${rec.status}.`);
    await ctx.db.patch("recurrences", recurrenceId, { status: "active" });
    await scheduleNext(ctx, (await ctx.db.get("recurrences", recurrenceId))!, Date.now());
    await audit(ctx, ctx.userId, ctx.actor, "recurrence.resume", recurrenceId);
    return null;
  },
});

export const cancel = userMutation({
  args: { recurrenceId: v.id("recurrences") },
  returns: v.null(),
  handler: async (ctx, { recurrenceId }) => {
    const rec = await getOwned(ctx, "recurrences", recurrenceId);
    if (rec.status === "canceled") return null;
    await cancelPendingOccurrence(ctx, rec);
    await ctx.db.patch("recurrences", recurrenceId, { status: "canceled" });
    await audit(ctx, ctx.userId, ctx.actor, "recurrence.cancel", recurrenceId);
    return null;
  },
});

/** Edit all future occurrences: the text and/or the rule. The pending occurrence is replaced. */
export const update = userMutation({
  args: {
    recurrenceId: v.id("recurrences"),
    content: v.optional(v.string()),
    subject: v.optional(v.string()),
    spec: v.optional(vRecurrenceSpec),
  },
  returns: v.null(),
  handler: async (ctx, { recurrenceId, ...changes }) => {
    const rec = await getOwned(ctx, "recurrences", recurrenceId);
    if (rec.status === "canceled" || rec.status === "ended") throw appError("INVALID_STATE", `This series is ${rec.status}.`);
    const spec = (changes.spec ?? rec.spec) as RecurrenceSpec;
    const rrule = checkSpec(spec);
    const content = cleanOutbound(rec.channel, { content: changes.content ?? rec.content, subject: changes.subject ?? rec.subject });
    await cancelPendingOccurrence(ctx, rec);
    await ctx.db.patch("recurrences", recurrenceId, {
      spec,
      rrule,
      content: content.content,
      ...(content.subject ? { subject: content.subject } : {}),
    });
    if (rec.status === "active") await scheduleNext(ctx, (await ctx.db.get("recurrences", recurrenceId))!, Date.now());
    await audit(ctx, ctx.userId, ctx.actor, "recurrence.update", recurrenceId);
    return null;
  },
});

/**
 * Edit only the pending occurrence of a series — a scheduled message, or a broadcast that has not
 * started: its text and/or its time. The series is unchanged.
 */
export const editOccurrence = userMutation({
  args: { recurrenceId: v.id("recurrences"), content: v.optional(v.string()), scheduledAt: v.optional(v.number()) },
  returns: v.null(),
  handler: async (ctx, { recurrenceId, content, scheduledAt }) => {
    const rec = await getOwned(ctx, "recurrences", recurrenceId);
    const broadcast = rec.pendingBroadcastId ? await ctx.db.get("broadcasts", rec.pendingBroadcastId) : null;
    if (broadcast) {
      if (broadcast.status !== "scheduled") throw appError("INVALID_STATE", "The next broadcast of this series has already started.");
      if (content !== undefined) {
        await ctx.db.patch("broadcasts", broadcast._id, { content: cleanOutbound(broadcast.channel, { content, subject: broadcast.subject }).content });
      }
      if (scheduledAt !== undefined) await moveScheduledBroadcast(ctx, broadcast, scheduledAt);
      await audit(ctx, ctx.userId, ctx.actor, "recurrence.editOccurrence", recurrenceId);
      return null;
    }
    const message = rec.pendingMessageId ? await ctx.db.get("messages", rec.pendingMessageId) : null;
    if (!message || message.status !== "scheduled") {
      throw appError("INVALID_STATE", "There is no scheduled occurrence of this series to edit.");
    }
    const writes = new MessageWrites(ctx, ctx.userId);
    if (content !== undefined) await editPendingContent(ctx, message, cleanOutbound(message.channel, { content, subject: message.subject }).content);
    if (scheduledAt !== undefined) {
      checkScheduledAt(scheduledAt, Date.now());
      await moveSchedule(ctx, writes, message, scheduledAt);
      await dispatchPending(ctx, message, scheduledAt);
    }
    await writes.flush();
    await audit(ctx, ctx.userId, ctx.actor, "recurrence.editOccurrence", recurrenceId);
    return null;
  },
});
