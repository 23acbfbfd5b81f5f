/**
 * Dispatch lanes: the one place outbound messages are claimed from. A lane is served by at most
 * one pump (convex/dispatch/pump.ts) at a time — a lease: the lane document names the owning
 * pump's generation, the pump's every claim checks it, and the pump refreshes a heartbeat every
 * few seconds; a lane whose heartbeat is stale is taken over by a new generation, and the old
 * pump, if it still runs, claims nothing more. Broadcasts are spread over the lanes by sender (so
 * one lane paces a sender); single messages go through lane 0.
 *
 * Why lanes and not an action per message or per broadcast: a deployment runs few scheduled jobs
 * at once (8 on Convex's S16 class) and a scheduled action holds its slot until it returns, which
 * with a provider answering in 250 ms–2 s is long. One pump keeps hundreds of provider calls in
 * flight in one slot, for every sender of its lane.
 *
 * The lane document is read by whatever wakes a lane (a send, a broadcast's start, the sweep) and
 * written only when a pump starts, hands over, goes idle, or (every few seconds) heartbeats.
 */
import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { env } from "./env";

/** How often a busy pump ticks (records outcomes and claims): a batching window, not a pace. */
export const TICK_MS = 50;
/** Single messages (sends, schedules, retries) are claimed in this lane. */
export const SINGLES_LANE = 0;
/** The owning pump refreshes the lane's heartbeat this often… */
export const HEARTBEAT_MS = 5_000;
/** …and a lane whose heartbeat is older than this has lost its pump: the next wake takes it over. */
export const LEASE_MS = 20_000;

type Ctx = Pick<MutationCtx, "db" | "scheduler">;

/** The lane that sends a sender's broadcasts. */
export function laneOf(senderId: Id<"senders">): number {
  const lanes = env.dispatchLanes();
  let hash = 0;
  for (let i = 0; i < senderId.length; i++) hash = (hash * 31 + senderId.charCodeAt(i)) | 0;
  return Math.abs(hash) % lanes;
}

export async function laneDoc(ctx: Pick<QueryCtx, "db">, lane: number): Promise<Doc<"dispatchLanes"> | null> {
  return await ctx.db
    .query("dispatchLanes")
    .withIndex("by_lane", (q) => q.eq("lane", lane))
    .unique();
}

/** A pump owns the lane and has shown signs of life recently. */
export function isServed(doc: Doc<"dispatchLanes"> | null, now: number): boolean {
  return doc !== null && doc.running && doc.heartbeatAt > now - LEASE_MS;
}

/**
 * Served, or about to be: the owning pump's run is scheduled and has not started yet. A busy
 * deployment may start a scheduled action late (its scheduled-job slots are few); that pump has
 * had no chance to heartbeat, and replacing it would only start another that waits in the same
 * queue (the first would then find the lane lost as it starts).
 */
export async function isServedOrStarting(ctx: Pick<QueryCtx, "db">, doc: Doc<"dispatchLanes"> | null, now: number): Promise<boolean> {
  if (isServed(doc, now)) return true;
  if (!doc?.running || !doc.pumpJob) return false;
  return (await ctx.db.system.get("_scheduled_functions", doc.pumpJob))?.state.kind === "pending";
}

/** Start a pump for the lane (a new generation: any older pump stops claiming). */
export async function startLane(ctx: Ctx, lane: number, doc?: Doc<"dispatchLanes"> | null): Promise<number> {
  const current = doc === undefined ? await laneDoc(ctx, lane) : doc;
  const now = Date.now();
  const owner = (current?.owner ?? 0) + 1;
  if (current?.wakeJob) await cancelIfPending(ctx, current.wakeJob);
  const pumpJob = await ctx.scheduler.runAfter(0, internal.dispatch.pump.run, { lane, owner });
  const fields = { running: true, owner, heartbeatAt: now, pumpJob, wakeAt: undefined, wakeJob: undefined };
  if (current) await ctx.db.patch("dispatchLanes", current._id, fields);
  else await ctx.db.insert("dispatchLanes", { lane, ...fields });
  return owner;
}

/**
 * Make sure the lane is served at `at` (default now): nothing to do while a pump serves it (it
 * sees everything that comes due, and arranges a wake for what is left when it goes idle);
 * otherwise start one now, or arrange a wake at `at` unless an earlier one is arranged.
 */
export async function wakeLane(ctx: Ctx, lane: number, at = Date.now()): Promise<void> {
  const doc = await laneDoc(ctx, lane);
  const now = Date.now();
  if (await isServedOrStarting(ctx, doc, now)) return;
  if (at <= now) {
    await startLane(ctx, lane, doc);
    return;
  }
  if (doc?.wakeAt !== undefined && doc.wakeAt <= at && doc.wakeJob) {
    const job = await ctx.db.system.get("_scheduled_functions", doc.wakeJob);
    if (job?.state.kind === "pending" || job?.state.kind === "inProgress") return;
  }
  await arrangeWake(ctx, lane, doc, at);
}

/** Cancel a wake that has not started (one that is running is the caller itself, or about to find the lane served). */
async function cancelIfPending(ctx: Ctx, job: Id<"_scheduled_functions">): Promise<void> {
  const state = (await ctx.db.system.get("_scheduled_functions", job))?.state.kind;
  if (state === "pending") await ctx.scheduler.cancel(job);
}

/** Schedule the lane's wake at `at`, replacing a later one. */
export async function arrangeWake(ctx: Ctx, lane: number, doc: Doc<"dispatchLanes"> | null, at: number): Promise<void> {
  if (doc?.wakeJob) await cancelIfPending(ctx, doc.wakeJob);
  const wakeJob = await ctx.scheduler.runAt(at, internal.dispatch.lanes.wake, { lane });
  if (doc) await ctx.db.patch("dispatchLanes", doc._id, { wakeAt: at, wakeJob });
  else await ctx.db.insert("dispatchLanes", { lane, running: false, owner: 0, heartbeatAt: 0, wakeAt: at, wakeJob });
}

/**
 * Hand a broadcast to its sender's lane (its pump row says which; it stays until every message of
 * it has been claimed and settled) and make sure the lane is served at `at`.
 */
export async function pumpBroadcast(
  ctx: Ctx,
  b: Pick<Doc<"broadcasts">, "_id" | "userId" | "senderId">,
  fanOutDone: boolean,
  at?: number,
): Promise<void> {
  const row = await ctx.db
    .query("broadcastPumps")
    .withIndex("by_broadcast", (q) => q.eq("broadcastId", b._id))
    .unique();
  let lane = row?.lane;
  if (!row) {
    lane = laneOf(b.senderId);
    await ctx.db.insert("broadcastPumps", { broadcastId: b._id, userId: b.userId, senderId: b.senderId, lane, fanOutDone });
  } else if (fanOutDone && !row.fanOutDone) {
    await ctx.db.patch("broadcastPumps", row._id, { fanOutDone: true });
  }
  await wakeLane(ctx, lane!, at);
}

/** Have a pending message claimed at `at` (default now): by its broadcast's lane, or as a single message. */
export async function dispatchPending(
  ctx: Ctx,
  message: Pick<Doc<"messages">, "broadcastId">,
  at?: number,
): Promise<void> {
  const b = message.broadcastId && (await ctx.db.get("broadcasts", message.broadcastId));
  if (b) await pumpBroadcast(ctx, b, true, at);
  else await wakeLane(ctx, SINGLES_LANE, at);
}
