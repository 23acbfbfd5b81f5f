/**
 * The sweep (every minute, convex/crons.ts): the safety net under the pumps and the background
 * workers. It never dispatches a message itself: it restarts a lane that has work but no live pump
 * (at most one pump per lane, whatever the backlog), restarts a worker whose queue has waited too
 * long, and settles claims whose outcome never came back — a page per transaction, each message
 * once per sweep (a cursor over the stuck range, which every settled message leaves).
 */
import { v } from "convex/values";
import { RETRY_POLICY } from "../lib/backoff";
import { internal } from "../_generated/api";
import type { MutationCtx } from "../_generated/server";
import { internalMutation } from "../functions";
import { failMessage } from "../lib/claim";
import { env } from "../lib/env";
import { dispatchPending, isServedOrStarting, laneDoc, SINGLES_LANE, startLane } from "../lib/lanes";
import { MessageWrites, transition } from "../lib/messages";
import { restartWorker } from "../lib/workers";

/** Work overdue by this long means its lane has no pump (a pump claims within a tick). */
export const SWEEP_GRACE_MS = 10_000;
/** A queue whose oldest row has waited this long has lost its worker. */
const WORKER_STALE_MS = 30_000;
const SWEEP_BATCH = 100;

type Ctx = Pick<MutationCtx, "db" | "scheduler">;

/** Start a pump on every lane that has work and no live pump. Returns how many were started. */
async function restartLanes(ctx: Ctx, now: number): Promise<number> {
  const lanes = new Set<number>([SINGLES_LANE]);
  for (const doc of await ctx.db.query("dispatchLanes").take(64)) lanes.add(doc.lane);
  let started = 0;
  for (const lane of lanes) {
    const doc = await laneDoc(ctx, lane);
    if (await isServedOrStarting(ctx, doc, now)) continue;
    const overdueWake = doc?.wakeAt !== undefined && doc.wakeAt <= now - SWEEP_GRACE_MS;
    const broadcasts = await ctx.db
      .query("broadcastPumps")
      .withIndex("by_lane", (q) => q.eq("lane", lane))
      .first();
    let singles = false;
    if (lane === SINGLES_LANE) {
      for (const status of ["scheduled", "queued"] as const) {
        singles ||=
          (await ctx.db
            .query("messages")
            .withIndex("by_broadcast_and_status_and_scheduledAt", (q) =>
              q.eq("broadcastId", undefined).eq("status", status).lte("scheduledAt", now - SWEEP_GRACE_MS),
            )
            .first()) !== null;
      }
    }
    if (overdueWake || broadcasts || singles) {
      await startLane(ctx, lane, doc);
      started++;
    }
  }
  return started;
}

async function restartWorkers(ctx: Ctx, now: number): Promise<void> {
  const delta = await ctx.db.query("aggregateDeltas").withIndex("by_creation_time").first();
  if (delta && delta._creationTime < now - WORKER_STALE_MS) await restartWorker(ctx, "rollup");
  const receipt = await ctx.db.query("receiptQueue").withIndex("by_notBefore").first();
  if (receipt && receipt.notBefore < now - WORKER_STALE_MS) await restartWorker(ctx, "receipts");
  const sent = await ctx.db.query("sentQueue").withIndex("by_creation_time").first();
  if (sent && sent._creationTime < now - WORKER_STALE_MS) await restartWorker(ctx, "conversations");
}

export const run = internalMutation({
  args: { cursor: v.optional(v.union(v.string(), v.null())) },
  returns: v.object({ lanesStarted: v.number(), settled: v.number() }),
  handler: async (ctx, { cursor }) => {
    const now = Date.now();
    let lanesStarted = 0;
    if (cursor === undefined) {
      lanesStarted = await restartLanes(ctx, now);
      await restartWorkers(ctx, now);
    }
    const page = await ctx.db
      .query("messages")
      .withIndex("by_status_and_claimedAt", (q) => q.eq("status", "sending").lte("claimedAt", now - env.sendingTimeoutMs()))
      .paginate({ numItems: SWEEP_BATCH, cursor: cursor ?? null });
    for (const m of page.page) {
      const writes = new MessageWrites(ctx, m.userId);
      if (m.channel === "email" && m.attempts < RETRY_POLICY.maxAttempts) {
        // Safe to retry: the provider deduplicates by our idempotency key.
        await transition(ctx, writes, m, "scheduled", { scheduledAt: now, claimedAt: undefined });
        await dispatchPending(ctx, m);
      } else {
        await failMessage(
          ctx,
          writes,
          m,
          "UNKNOWN_OUTCOME",
          "The provider may have accepted this message but never confirmed it. It was not re-sent, to avoid texting twice.",
        );
      }
      await writes.flush();
    }
    if (!page.isDone) await ctx.scheduler.runAfter(0, internal.dispatch.sweep.run, { cursor: page.continueCursor });
    return { lanesStarted, settled: page.page.length };
  },
});
