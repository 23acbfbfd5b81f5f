/**
 * What happened to each member of a broadcast: the recipients by outcome (failed with the
 * provider's reason, skipped with ours, sent, delivered…), and a retry of the failed ones through
 * the broadcast's dispatch lane, whose pump paces them. (Before sending, who will be skipped and
 * why is api.templates.audienceCost, counted over the whole audience with the fan-out's rules.)
 */
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v, type Infer } from "convex/values";
import { internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import type { MutationCtx } from "./_generated/server";
import { getOwned, internalMutation, userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { appError } from "./lib/errors";
import { pumpBroadcast } from "./lib/lanes";
import { MessageWrites, transition } from "./lib/messages";
import { vSkipReason } from "./schema";

const RETRY_BATCH = 100;

export const vOutcome = v.union(
  v.literal("failed"),
  v.literal("skipped"),
  v.literal("scheduled"),
  v.literal("queued"),
  v.literal("sending"),
  v.literal("sent"),
  v.literal("delivered"),
  v.literal("read"),
  v.literal("canceled"),
);

const vRecipient = v.object({
  key: v.string(),
  contactId: v.id("contacts"),
  contactName: v.string(),
  messageId: v.optional(v.id("messages")),
  /** Why it failed (the provider's words) or was skipped (a skip reason key). */
  reason: v.optional(v.string()),
  skipReason: v.optional(vSkipReason),
  at: v.optional(v.number()),
});

type Recipient = Infer<typeof vRecipient>;

/** The broadcast's recipients with one outcome, a page at a time (missing contacts left out). */
export const recipients = userQuery({
  args: { broadcastId: v.id("broadcasts"), outcome: vOutcome, paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vRecipient),
  handler: async (ctx, { broadcastId, outcome, paginationOpts }) => {
    await getOwned(ctx, "broadcasts", broadcastId);
    const names = async (contactId: Id<"contacts">) => (await ctx.db.get("contacts", contactId))?.name ?? null;
    if (outcome === "skipped") {
      const result = await ctx.db
        .query("broadcastSkips")
        .withIndex("by_broadcast", (q) => q.eq("broadcastId", broadcastId))
        .paginate(paginationOpts);
      const page: Recipient[] = [];
      for (const s of result.page) {
        const contactName = await names(s.contactId);
        if (contactName !== null) page.push({ key: s._id, contactId: s.contactId, contactName, skipReason: s.reason });
      }
      return { ...result, page };
    }
    const result = await ctx.db
      .query("messages")
      .withIndex("by_broadcast_and_status_and_scheduledAt", (q) => q.eq("broadcastId", broadcastId).eq("status", outcome))
      .paginate(paginationOpts);
    const page: Recipient[] = [];
    for (const m of result.page as Doc<"messages">[]) {
      const contactName = await names(m.contactId);
      if (contactName === null) continue;
      page.push({
        key: m._id,
        contactId: m.contactId,
        contactName,
        messageId: m._id,
        ...(m.lastError && outcome === "failed" ? { reason: m.lastError.message } : {}),
        at: m.failedAt ?? m.deliveredAt ?? m.sentAt ?? m.at,
      });
    }
    return { ...result, page };
  },
});

/** Send the broadcast's failed messages again, paced by its lane's pump like the first time. Only once it has finished. */
export const retryFailed = userMutation({
  args: { broadcastId: v.id("broadcasts") },
  returns: v.null(),
  handler: async (ctx, { broadcastId }) => {
    const b = await getOwned(ctx, "broadcasts", broadcastId);
    if (b.status !== "completed") throw appError("INVALID_STATE", "Failed messages can be retried once the broadcast has finished.");
    if (b.counts.failed === 0) throw appError("INVALID_STATE", "No message of this broadcast failed.");
    // Sending again: like a fan-out, it may complete only once every failed message is queued
    // again (fanOutDone) and the retried ones are settled.
    await ctx.db.patch("broadcasts", broadcastId, { status: "sending", completedAt: undefined, fanOutDone: false });
    // The first batch in this transaction, so the broadcast is never `sending` with nothing to send.
    await requeueBatch(ctx, { ...b, status: "sending" }, Date.now());
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "broadcast.retryFailed",
      target: { table: "broadcasts", id: broadcastId },
      details: { failed: b.counts.failed },
    });
    return null;
  },
});

/**
 * Queue a batch of the broadcast's messages that failed before `before` (ones retried now and
 * failed again are not retried twice) and hand them to the broadcast's lane, whose pump paces
 * them; the next batch follows, and the last one says nothing more is coming.
 */
async function requeueBatch(ctx: MutationCtx, b: Doc<"broadcasts">, before: number): Promise<void> {
  const failed = await ctx.db
    .query("messages")
    .withIndex("by_broadcast_and_status_and_scheduledAt", (q) =>
      q.eq("broadcastId", b._id).eq("status", "failed").lt("scheduledAt", before),
    )
    .take(RETRY_BATCH);
  const now = Date.now();
  const writes = new MessageWrites(ctx, b.userId);
  for (const m of failed) {
    await transition(ctx, writes, m, "queued", { scheduledAt: Math.max(now, before), attempts: 0, failedAt: undefined, lastError: undefined });
  }
  const done = failed.length < RETRY_BATCH;
  // The rollup looks at the broadcast again: once the last batch is in, it may complete.
  writes.stats.touch(b._id);
  await writes.flush();
  await pumpBroadcast(ctx, b, done);
  if (done) await ctx.db.patch("broadcasts", b._id, { fanOutDone: true });
  else await ctx.scheduler.runAfter(0, internal.broadcastOutcomes.requeueFailed, { broadcastId: b._id, before });
}

/** The next batch of a retry (see requeueBatch). */
export const requeueFailed = internalMutation({
  args: { broadcastId: v.id("broadcasts"), before: v.number() },
  returns: v.null(),
  handler: async (ctx, { broadcastId, before }) => {
    const b = await ctx.db.get("broadcasts", broadcastId);
    if (!b || b.status !== "sending") return null; // canceled meanwhile
    await requeueBatch(ctx, b, before);
    return null;
  },
});
