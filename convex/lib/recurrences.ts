/**
 * Recurring messages and broadcasts: a series keeps exactly one pending occurrence — an ordinary
 * scheduled message or broadcast (history, status, analytics as any other) — and a job at that
 * occurrence's time creates the next one. Every occurrence passes the send policy when it is
 * created and again when it goes out; one the policy refuses (the contact opted out) is skipped,
 * with its reason on the series, and the series goes on.
 */
import { nextOccurrence } from "../../lib/recurrence";
import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { createBroadcast } from "./broadcasts";
import { MessageWrites, transition } from "./messages";
import { createOutbound } from "./send";
import { defaultSender } from "./senders";
import { SendPolicy } from "./sendPolicy";

type Ctx = MutationCtx;

/** Create the occurrence at `at` (or skip it with the policy's reason) and arrange the next. */
export async function materialize(ctx: Ctx, rec: Doc<"recurrences">, at: number): Promise<void> {
  const source = { kind: "system" as const, id: `recurrence:${rec._id}` };
  let pending: { pendingMessageId?: Id<"messages">; pendingBroadcastId?: Id<"broadcasts"> } = {};
  let skipped: Doc<"recurrences">["lastSkipped"];

  if (rec.contactId) {
    const contact = await ctx.db.get("contacts", rec.contactId);
    if (!contact) return await end(ctx, rec, "canceled");
    const d = await new SendPolicy(ctx, rec.userId).check({ contact, channel: rec.channel, at, quietHours: "hold" });
    if (d.decision === "refuse") {
      skipped = { at, code: d.code, message: d.message };
    } else {
      const messageId = await createOutbound(ctx, {
        userId: rec.userId,
        contactId: contact._id,
        channel: rec.channel,
        content: rec.content,
        ...(rec.subject ? { subject: rec.subject } : {}),
        to: d.to,
        sender: d.sender,
        scheduledAt: d.decision === "hold" ? d.until : at,
        ...(d.decision === "hold" ? { heldFrom: at } : {}),
        recurrenceId: rec._id,
        ...(rec.cancelOnReply ? { cancelOnReply: true } : {}),
        source,
      });
      pending = { pendingMessageId: messageId };
    }
  } else if (rec.groupId) {
    const group = await ctx.db.get("groups", rec.groupId);
    if (!group) return await end(ctx, rec, "canceled");
    if (!(await defaultSender(ctx, rec.userId, rec.channel))) {
      skipped = { at, code: "NO_SENDER", message: "No sender is configured for this channel." };
    } else {
      const broadcastId = await createBroadcast(ctx, rec.userId, source, {
        groupId: group._id,
        channel: rec.channel,
        content: rec.content,
        ...(rec.subject ? { subject: rec.subject } : {}),
        scheduledAt: at,
        recurrenceId: rec._id,
      });
      pending = { pendingBroadcastId: broadcastId };
    }
  }
  await ctx.db.patch("recurrences", rec._id, {
    nextAt: at,
    pendingMessageId: pending.pendingMessageId,
    pendingBroadcastId: pending.pendingBroadcastId,
    occurrences: rec.occurrences + 1,
    ...(skipped ? { lastSkipped: skipped } : {}),
  });
  await ctx.scheduler.runAt(at, internal.recurrences.advance, { recurrenceId: rec._id, at });
}

/** Schedule the first occurrence after `after`, or end the series when the rule has no more. */
export async function scheduleNext(ctx: Ctx, rec: Doc<"recurrences">, after: number): Promise<number | null> {
  const next = nextOccurrence(rec.rrule, rec.spec.timeZone, after);
  if (next === null) {
    await end(ctx, rec, "ended");
    return null;
  }
  await materialize(ctx, rec, next);
  return next;
}

async function end(ctx: Ctx, rec: Doc<"recurrences">, status: "ended" | "canceled"): Promise<void> {
  await ctx.db.patch("recurrences", rec._id, { status, nextAt: undefined, pendingMessageId: undefined, pendingBroadcastId: undefined });
}

/** Cancel the pending occurrence if it has not started (pausing, editing all future, canceling). */
export async function cancelPendingOccurrence(ctx: Ctx, rec: Doc<"recurrences">): Promise<void> {
  if (rec.pendingMessageId) {
    const m = await ctx.db.get("messages", rec.pendingMessageId);
    if (m && (m.status === "scheduled" || m.status === "queued")) {
      const writes = new MessageWrites(ctx, rec.userId);
      await transition(ctx, writes, m, "canceled", { scheduledAt: undefined });
      await writes.flush();
    }
  }
  if (rec.pendingBroadcastId) {
    const b = await ctx.db.get("broadcasts", rec.pendingBroadcastId);
    // Not started: its fan-out finds it canceled and does nothing.
    if (b && b.status === "scheduled") await ctx.db.patch("broadcasts", b._id, { status: "canceled", completedAt: Date.now() });
  }
  await ctx.db.patch("recurrences", rec._id, { nextAt: undefined, pendingMessageId: undefined, pendingBroadcastId: undefined });
}
