/** Starting and handing over a lane's pump (see convex/lib/lanes.ts). */
import { v } from "convex/values";
import { internal } from "../_generated/api";
import { internalMutation } from "../functions";
import { laneDoc, wakeLane } from "../lib/lanes";

/** An idle lane's wake, at the time its next message is due. */
export const wake = internalMutation({
  args: { lane: v.number() },
  returns: v.null(),
  handler: async (ctx, { lane }) => {
    const doc = await laneDoc(ctx, lane);
    // This job is the lane's wake: forget it first (starting a pump must not cancel the job doing it).
    if (doc?.wakeJob !== undefined) await ctx.db.patch("dispatchLanes", doc._id, { wakeAt: undefined, wakeJob: undefined });
    await wakeLane(ctx, lane);
    return null;
  },
});

/**
 * A pump that has run its time hands the lane to a successor (a fresh action: a Node action may
 * run ten minutes at most), with its token buckets, then only finishes its calls in flight.
 */
export const handover = internalMutation({
  args: { lane: v.number(), owner: v.number(), buckets: v.record(v.string(), v.object({ level: v.number(), at: v.number() })) },
  returns: v.boolean(),
  handler: async (ctx, { lane, owner, buckets }) => {
    const doc = await laneDoc(ctx, lane);
    if (!doc || !doc.running || doc.owner !== owner) return false;
    const next = owner + 1;
    const pumpJob = await ctx.scheduler.runAfter(0, internal.dispatch.pump.run, { lane, owner: next, buckets });
    await ctx.db.patch("dispatchLanes", doc._id, { owner: next, heartbeatAt: Date.now(), pumpJob });
    return true;
  },
});
