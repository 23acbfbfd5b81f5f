/**
 * Broadcast rules shared by the app's functions, the REST API and the rollup: creating one,
 * reading one with its live progress, and ending one once its last message has settled.
 */
import type { PaginationOptions, PaginationResult } from "convex/server";
import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { getOwned } from "../functions";
import type { Actor, BroadcastCounts, Channel, SendVariables, SkipReasons } from "../schema";
import { recordAudit } from "./audit";
import { appError } from "./errors";
import { enqueueNotifications } from "./notifications";
import { earliestLocalTime } from "./broadcastPlan";
import { checkScheduledAt, cleanOutbound, defaultSender } from "./outbound";
import { assertKnownVariables, loadMergeContext, ownedTemplates, sendSource } from "./personalize";

export const ZERO_COUNTS: BroadcastCounts = {
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
export const ZERO_SKIPPED: SkipReasons = { noAddress: 0, optedOut: 0, whatsappWindowClosed: 0, missingVariable: 0, contentTooLong: 0 };
/** Every skip reason; those missing from ZERO_SKIPPED (the frequency cap) appear once a member is skipped for them. */
export const SKIP_REASONS: readonly (keyof SkipReasons)[] = [...(Object.keys(ZERO_SKIPPED) as (keyof SkipReasons)[]), "frequencyCap"];

/** To a group's members, or to a segment's contacts (resolved when it is sent). */
export type BroadcastRequest = {
  groupId?: Id<"groups">;
  segmentId?: Id<"segments">;
  channel: Channel;
  content: string;
  subject?: string;
  mediaUrls?: string[];
  scheduledAt?: number;
  /** A saved template: its text replaces `content` and `subject`. */
  templateId?: Id<"templates">;
  /** An approved WhatsApp template: reaches contacts whose 24-hour window is closed too. */
  whatsappTemplateId?: Id<"whatsappTemplates">;
  /** Values for merge fields, the same for every recipient. */
  variables?: SendVariables;
  /** At this local date and time in each member's zone (instead of scheduledAt). */
  localTime?: { date: string; time: string };
  /** Skip members sent a broadcast in the last this many days (1–365). */
  frequencyCapDays?: number;
  recurrenceId?: Id<"recurrences">;
};

/** Shared by the app and the REST API. */
export async function createBroadcast(
  ctx: MutationCtx,
  userId: Id<"users">,
  actor: Actor,
  request: BroadcastRequest,
): Promise<Id<"broadcasts">> {
  const now = Date.now();
  // Ownership first: another account's group or segment is NOT_FOUND whatever else is wrong.
  const group = request.groupId ? await getOwned({ db: ctx.db, userId }, "groups", request.groupId) : null;
  const segment = request.segmentId ? await getOwned({ db: ctx.db, userId }, "segments", request.segmentId) : null;
  const templates = await ownedTemplates(ctx, userId, request);
  if ((group === null) === (segment === null)) throw appError("INVALID_ARGUMENT", "Send to a group or to a segment.", { field: "groupId" });
  // Merge fields are rendered per recipient at fan-out; what is written here is the text as written.
  const source = sendSource(request.channel, request, templates);
  if (!source.whatsappTemplate) assertKnownVariables(await loadMergeContext(ctx, userId), source.content, source.subject);
  const text = { content: source.content, ...(source.subject !== undefined ? { subject: source.subject } : {}) };
  const content = cleanOutbound(request.channel, { ...request, ...text });
  if (request.localTime && request.scheduledAt !== undefined) {
    throw appError("INVALID_ARGUMENT", "Give a time or a local time for each recipient, not both.", { field: "localTime" });
  }
  // A local-time broadcast starts when the first zone reaches that time; each member's message waits for theirs.
  const scheduledAt = request.localTime ? earliestLocalTime(request.localTime) : request.scheduledAt;
  if (scheduledAt !== undefined) checkScheduledAt(scheduledAt, now);
  const cap = request.frequencyCapDays;
  if (cap !== undefined && (!Number.isInteger(cap) || cap < 1 || cap > 365)) {
    throw appError("INVALID_ARGUMENT", "The frequency cap is 1 to 365 days.", { field: "frequencyCapDays" });
  }
  const sender = await defaultSender(ctx, userId, request.channel);
  if (!sender) throw appError("NO_SENDER");
  const scheduled = scheduledAt !== undefined;
  const broadcastId = await ctx.db.insert("broadcasts", {
    userId,
    ...(group
      ? { groupId: group._id, groupName: group.name, members: group.memberCount }
      : { segmentId: segment!._id, groupName: segment!.name }),
    channel: request.channel,
    senderId: sender._id,
    ...content,
    status: scheduled ? "scheduled" : "sending",
    ...(scheduled ? { scheduledAt } : { startedAt: now }),
    fanOutDone: false,
    fanOutRun: 0,
    counts: ZERO_COUNTS,
    skipped: ZERO_SKIPPED,
    ...(request.templateId ? { templateId: request.templateId } : {}),
    ...(request.whatsappTemplateId ? { whatsappTemplateId: request.whatsappTemplateId } : {}),
    ...(request.variables?.length ? { variables: request.variables } : {}),
    source: actor,
    ...(request.localTime ? { localTime: request.localTime } : {}),
    ...(cap !== undefined ? { frequencyCapDays: cap } : {}),
    ...(request.recurrenceId ? { recurrenceId: request.recurrenceId } : {}),
  });
  await ctx.db.insert("broadcastStats", { broadcastId, userId, counts: ZERO_COUNTS, skipped: ZERO_SKIPPED });
  const args = { broadcastId, run: 0, cursor: null };
  if (scheduled) await ctx.scheduler.runAt(scheduledAt, internal.broadcasts.fanOut, args);
  else await ctx.scheduler.runAfter(0, internal.broadcasts.fanOut, args);
  await recordAudit(ctx, {
    userId,
    actor,
    action: scheduled ? "broadcast.schedule" : "broadcast.send",
    target: { table: "broadcasts", id: broadcastId },
    details: group
      ? { groupId: group._id, channel: request.channel, members: group.memberCount }
      : { segmentId: segment!._id, channel: request.channel },
  });
  return broadcastId;
}

/** A broadcast as readers see it: its live progress (kept by the rollup) in `counts` and `skipped`. */
export async function withProgress(ctx: Pick<QueryCtx, "db">, b: Doc<"broadcasts">): Promise<Doc<"broadcasts">> {
  const stats = await ctx.db
    .query("broadcastStats")
    .withIndex("by_broadcast", (q) => q.eq("broadcastId", b._id))
    .unique();
  if (!stats) return b;
  // A count passing below 0 (deltas folded out of order) shows as 0.
  const atLeast0 = <T extends Record<string, number>>(o: T): T =>
    Object.fromEntries(Object.entries(o).map(([k, n]) => [k, Math.max(0, n)])) as T;
  return { ...b, counts: atLeast0(stats.counts), skipped: atLeast0(stats.skipped) };
}

/** A page of broadcasts, each with its live progress. */
export async function pageWithProgress(
  ctx: Pick<QueryCtx, "db">,
  page: PaginationResult<Doc<"broadcasts">>,
): Promise<PaginationResult<Doc<"broadcasts">>> {
  return { ...page, page: await Promise.all(page.page.map((b) => withProgress(ctx, b))) };
}

/** Broadcasts waiting for their time, soonest first. Shared by the app and the REST API. */
export async function upcomingBroadcasts(
  ctx: Pick<QueryCtx, "db">,
  userId: Id<"users">,
  paginationOpts: PaginationOptions,
): Promise<PaginationResult<Doc<"broadcasts">>> {
  const page = await ctx.db
    .query("broadcasts")
    .withIndex("by_user_and_status_and_scheduledAt", (q) => q.eq("userId", userId).eq("status", "scheduled"))
    .paginate(paginationOpts);
  return await pageWithProgress(ctx, page);
}

/**
 * End a broadcast whose fan-out is done and none of whose messages waits or is in flight; its
 * final counts are kept on it. Called by the rollup, which keeps the counts.
 */
export async function completeBroadcast(
  ctx: Pick<MutationCtx, "db" | "scheduler">,
  b: Doc<"broadcasts">,
  counts: BroadcastCounts,
  skipped: SkipReasons,
  now: number,
): Promise<boolean> {
  // Each open count exactly 0 (not their sum: a count may pass below 0 while the rollup folds
  // deltas out of order, see convex/lib/rollup.ts).
  const open = [counts.scheduled, counts.queued, counts.sending];
  if (b.status !== "sending" || !b.fanOutDone || open.some((n) => n !== 0)) return false;
  await ctx.db.patch("broadcasts", b._id, { status: "completed", completedAt: now, counts, skipped });
  // A finished broadcast is news for the user's devices (convex/lib/notifications.ts).
  await enqueueNotifications(ctx, b.userId, [{ kind: "broadcast", broadcastId: b._id }]);
  return true;
}

/** Move a broadcast that has not started to `scheduledAt`: a new fan-out run, so the old job does nothing. */
export async function moveScheduledBroadcast(ctx: Pick<MutationCtx, "db" | "scheduler">, b: Doc<"broadcasts">, scheduledAt: number): Promise<void> {
  if (b.status !== "scheduled") throw appError("INVALID_STATE", "Only a broadcast that has not started can be rescheduled.");
  checkScheduledAt(scheduledAt, Date.now());
  const run = b.fanOutRun + 1;
  await ctx.db.patch("broadcasts", b._id, { scheduledAt, fanOutRun: run });
  await ctx.scheduler.runAt(scheduledAt, internal.broadcasts.fanOut, { broadcastId: b._id, run, cursor: null });
}
