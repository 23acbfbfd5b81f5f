/** The send policy as the dispatcher applies it when it claims a message (convex/lib/sendPolicy.ts). */
import type { Doc } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { isTemplateSend, transition, type MessageDoc, type MessageWrites } from "./messages";
import type { PolicyDecision, PolicyRequest } from "./sendPolicy";

/** What a waiting message asks of the policy when it is due. */
export function claimPolicyRequest(message: MessageDoc, contact: Doc<"contacts">, now: number): PolicyRequest {
  return {
    contact,
    channel: message.channel,
    at: now,
    quietHours: message.ignoreQuietHours ? "ignore" : "hold",
    ...(message.senderId ? { senderId: message.senderId } : {}),
    ...(message.cancelOnReply ? { cancelOnReplySince: message._creationTime } : {}),
    ...(isTemplateSend(message) ? { approvedTemplate: true } : {}),
  };
}

/** A due message the policy refuses: canceled if its contact replied first (cancel-on-reply), else failed with the reason. */
export async function refuseClaim(
  ctx: Pick<MutationCtx, "db" | "scheduler">,
  writes: MessageWrites,
  message: MessageDoc,
  d: Extract<PolicyDecision, { decision: "refuse" }>,
): Promise<void> {
  const lastError = { code: d.code, message: d.message, permanent: true };
  if (d.code === "CONTACT_REPLIED") {
    await transition(ctx, writes, message, "canceled", { scheduledAt: undefined, lastError });
  } else {
    await transition(ctx, writes, message, "failed", { failedAt: Date.now(), claimedAt: undefined, lastError });
  }
}
