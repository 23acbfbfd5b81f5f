"use node";
/** The provider call, in Node (the twilio SDK needs it). Read via claim, call out, write via complete. */
import { v } from "convex/values";
import { createSender } from "../lib/channels/factory";
import { isChannelError } from "../lib/channels/types";
import { internal } from "./_generated/api";
import { internalAction } from "./_generated/server";
import { env } from "./lib/env";

export const send = internalAction({
  args: { messageId: v.id("messages") },
  returns: v.null(),
  handler: async (ctx, { messageId }) => {
    const job = await ctx.runMutation(internal.dispatch.claim, { messageId });
    if (!job) return null;
    let outcome;
    try {
      const sender = createSender(job.channel, job.provider, env.channelConfig());
      const { providerMessageId } = await sender.send(job.message);
      outcome = { kind: "sent" as const, providerMessageId };
    } catch (error) {
      // Anything but a classified provider error propagates: the message stays `sending`
      // and the sweep settles it, because the provider may have accepted it.
      if (!isChannelError(error)) throw error;
      outcome = {
        kind: "error" as const,
        code: error.code,
        message: error.message,
        permanent: error.permanent,
        outcomeUnknown: error.outcomeUnknown,
        ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      };
    }
    await ctx.runMutation(internal.dispatch.complete, { messageId, attempt: job.attempt, outcome });
    return null;
  },
});
