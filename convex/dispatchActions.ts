"use node";
/** The provider calls, in Node (the twilio SDK needs it). Read via claim, call out, write via complete. */
import { v } from "convex/values";
import { createSender } from "./channels/factory";
import { isChannelError, type ChannelConfig } from "./channels/types";
import { internal } from "./_generated/api";
import { internalAction } from "./_generated/server";
import { PUMP_TICK_MS, type Job, type Outcome } from "./dispatch";
import { env } from "./lib/env";
import { levelAt } from "./lib/pacing";

/**
 * Call the provider for one claimed job. A classified provider error becomes an outcome;
 * anything else propagates: the message stays `sending` and the sweep settles it, because
 * the provider may have accepted it.
 */
async function callProvider(job: Job, config: ChannelConfig): Promise<Outcome> {
  try {
    const { providerMessageId } = await createSender(job.channel, job.provider, config).send(job.message);
    return { kind: "sent", providerMessageId };
  } catch (error) {
    if (!isChannelError(error)) throw error;
    return {
      kind: "error",
      code: error.code,
      message: error.message,
      permanent: error.permanent,
      outcomeUnknown: error.outcomeUnknown,
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    };
  }
}

/** One message, at its exact time (or as the sweep's or a retry's job). */
export const send = internalAction({
  args: { messageId: v.id("messages") },
  returns: v.null(),
  handler: async (ctx, { messageId }) => {
    const job = await ctx.runMutation(internal.dispatch.claim, { messageId });
    if (!job) return null;
    const outcome = await callProvider(job, env.channelConfig());
    await ctx.runMutation(internal.dispatch.complete, { messageId, attempt: job.attempt, outcome });
    return null;
  },
});

/**
 * A broadcast's sender. Each run claims the messages whose send slot has come (at most what the
 * sender's token bucket holds, measured when the previous batch went out, so it neither drifts
 * nor bursts), sends them, records all outcomes in one transaction, and schedules the next run
 * at the next slot. Nothing sleeps: pacing is the scheduler's.
 */
export const pump = internalAction({
  args: { broadcastId: v.id("broadcasts"), bucket: v.optional(v.object({ level: v.number(), at: v.number() })) },
  returns: v.null(),
  handler: async (ctx, { broadcastId, bucket }) => {
    const started = Date.now();
    const batch = await ctx.runMutation(internal.dispatch.claimBroadcastBatch, { broadcastId, bucket });
    // The bucket as the provider sees it: refilled up to this moment, less this batch.
    const sentAt = Date.now();
    const { ratePerSecond, capacity } = batch.pace;
    const after = { level: levelAt(batch.pace, sentAt, ratePerSecond, capacity) - batch.jobs.length, at: sentAt };
    let crash: unknown = null;
    if (batch.jobs.length > 0) {
      const config = env.channelConfig();
      const settled = await Promise.allSettled(batch.jobs.map((job) => callProvider(job, config)));
      const results = [];
      for (const [i, result] of settled.entries()) {
        const { messageId, attempt } = batch.jobs[i];
        if (result.status === "fulfilled") results.push({ messageId, attempt, outcome: result.value });
        // Its message stays `sending`: the sweep settles it (the provider may have accepted it).
        else crash ??= result.reason;
      }
      await ctx.runMutation(internal.dispatch.completeBatch, { results });
    }
    if (!batch.finished) {
      // The next slot, but never sooner than one tick after this run began: at most rate × tick per run.
      const next = Math.max(batch.nextAt ?? started + PUMP_TICK_MS, started + PUMP_TICK_MS);
      await ctx.scheduler.runAt(next, internal.dispatchActions.pump, { broadcastId, bucket: after });
    }
    if (crash !== null) throw crash;
    return null;
  },
});
