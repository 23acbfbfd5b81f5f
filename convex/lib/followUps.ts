/**
 * Cancel-on-reply: when a contact writes, their pending follow-ups (messages scheduled with
 * `cancelOnReply`) are canceled in the same transaction as the inbound message, with the reason
 * CONTACT_REPLIED. The dispatcher's claim checks the same rule (the send policy compares the
 * contact's latest inbound message with when the follow-up was scheduled), so whichever of the
 * reply and the send commits first wins, and a follow-up never goes out after a reply it lost to.
 */
import type { Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { transition, type MessageWrites } from "./messages";

/** How far back a pending follow-up's thread position can be: queued ones sit at their creation, scheduled ones ahead. */
const LOOKBACK_MS = 10 * 60_000;
const MAX_CANCELED = 100;

export async function cancelFollowUps(
  ctx: Pick<MutationCtx, "db" | "scheduler">,
  writes: MessageWrites,
  contactId: Id<"contacts">,
  repliedAt: number,
): Promise<number> {
  const candidates = await ctx.db
    .query("messages")
    .withIndex("by_contact_and_at", (q) => q.eq("contactId", contactId).gte("at", repliedAt - LOOKBACK_MS))
    .take(500);
  let canceled = 0;
  for (const m of candidates) {
    if (canceled >= MAX_CANCELED) break;
    if (m.direction !== "outbound" || !m.cancelOnReply || m._creationTime >= repliedAt) continue;
    if (m.status !== "scheduled" && m.status !== "queued") continue;
    const done = await transition(ctx, writes, m, "canceled", {
      scheduledAt: undefined,
      lastError: { code: "CONTACT_REPLIED", message: "The contact wrote first, so this follow-up was canceled.", permanent: true },
    });
    if (done) canceled++;
  }
  return canceled;
}
