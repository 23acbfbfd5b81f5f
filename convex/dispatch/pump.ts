"use node";
/**
 * A dispatch lane's pump: the action that calls the providers (in Node: the twilio SDK needs it).
 * The loop itself is convex/lib/pumpLoop.ts; here it gets the real clock, the `tick` mutation, the
 * message texts and the providers.
 */
import { v } from "convex/values";
import { createSender } from "../channels/factory";
import { isChannelError, type MessageSender } from "../channels/types";
import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { internalAction } from "../_generated/server";
import type { Job, Outcome } from "../lib/claim";
import { env } from "../lib/env";
import { TICK_MS } from "../lib/lanes";
import { runPump, type Body } from "../lib/pumpLoop";

/** A pump hands its lane over after this long (a Node action may run ten minutes). */
const RUN_MS = 4 * 60_000;
/** Waits at least this long with nothing in flight are spent parked, not holding a scheduler slot. */
const PARK_AFTER_MS = 250;
/** Provider calls one pump keeps in flight at most (a function may have 1,000 I/O operations at once). */
const MAX_IN_FLIGHT = 400;
/** A call this old holds back new ones (a provider answers in seconds at worst; the timeout is 10 s). */
const STALL_MS = 5_000;

const vBucket = v.object({ level: v.number(), at: v.number() });

/**
 * Call the provider for one claimed job. A classified provider error becomes an outcome;
 * anything else propagates: the message stays `sending` and a receipt or the sweep settles it,
 * because the provider may have accepted it.
 */
async function callProvider(senderFor: (job: Job) => MessageSender, job: Job, body: Body): Promise<Outcome> {
  try {
    const { providerMessageId } = await senderFor(job).send({
      id: job.messageId,
      channel: job.channel,
      to: job.to,
      from: job.from,
      ...body,
      ...(job.messagingServiceSid ? { messagingServiceSid: job.messagingServiceSid } : {}),
      ...(job.statusCallbackUrl ? { statusCallbackUrl: job.statusCallbackUrl } : {}),
      ...(job.inReplyTo ? { inReplyTo: job.inReplyTo, references: job.references ?? job.inReplyTo } : {}),
    });
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

export const run = internalAction({
  args: { lane: v.number(), owner: v.number(), buckets: v.optional(v.record(v.string(), vBucket)) },
  returns: v.null(),
  handler: async (ctx, { lane, owner, buckets }) => {
    const config = env.channelConfig();
    // One client per channel and provider for the whole run: its connections are reused.
    const senders = new Map<string, MessageSender>();
    const senderFor = (job: Job) => {
      const key = `${job.channel}:${job.provider}`;
      let sender = senders.get(key);
      if (!sender) senders.set(key, (sender = createSender(job.channel, job.provider, config)));
      return sender;
    };
    const stats = await runPump(
      {
        now: () => Date.now(),
        sleep: (ms, signal) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, ms);
            void signal.then(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
        tick: async (args) => await ctx.runMutation(internal.dispatch.claims.tick, { lane, owner, ...args }),
        record: async (results) => void (await ctx.runMutation(internal.dispatch.claims.record, { results })),
        bodies: async (broadcastIds, messageIds) =>
          await ctx.runQuery(internal.dispatch.claims.bodies, {
            broadcastIds: broadcastIds as Id<"broadcasts">[],
            messageIds: messageIds as Id<"messages">[],
          }),
        send: async (job, body) => await callProvider(senderFor, job, body),
        handover: async (state) => await ctx.runMutation(internal.dispatch.lanes.handover, { lane, owner, buckets: state }),
        park: async (state, at) => {
          await ctx.scheduler.runAt(at, internal.dispatch.pump.run, { lane, owner, buckets: state });
        },
        log: (line) => console.warn(line),
      },
      { tickMs: TICK_MS, runMs: RUN_MS, parkAfterMs: PARK_AFTER_MS, maxInFlight: MAX_IN_FLIGHT, stallMs: STALL_MS, ...(buckets ? { buckets } : {}) },
    );
    if (stats.ended === "lost" || stats.ended === "failing") console.warn(`[pump] lane ${lane} pump ${owner} ended: ${stats.ended}`);
    return null;
  },
});
