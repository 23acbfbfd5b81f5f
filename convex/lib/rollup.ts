/**
 * The rollup: fold aggregate deltas (convex/lib/stats.ts) into dailyStats, broadcastStats,
 * accountStats and webhookRejections. Only the rollup job writes those documents, so the
 * transactions that change them (every message write) never contend for them, and a reader
 * still reads one document per day or broadcast. It also ends a broadcast whose last message
 * has settled: completion is decided from the counts, so it is decided here.
 */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import type { BroadcastCounts, SkipReasons } from "../schema";
import { completeBroadcast, SKIP_REASONS, ZERO_COUNTS, ZERO_SKIPPED } from "./broadcasts";

type Ctx = Pick<MutationCtx, "db" | "scheduler">;
type Delta = Doc<"aggregateDeltas">;

type DaySum = { counts: Map<string, number>; responseTimeSumMs: number; responseCount: number };
type BroadcastSum = { counts: Map<string, number>; skipped: Map<string, number> };

function addAll(into: Map<string, number>, from: Record<string, number> | undefined) {
  for (const [k, n] of Object.entries(from ?? {})) into.set(k, (into.get(k) ?? 0) + n);
}

/** Sum a batch of deltas per user and day, per broadcast, per user, per rejection reason. */
function sum(deltas: Delta[]) {
  const days = new Map<string, { userId: Id<"users">; day: string; sum: DaySum }>();
  const broadcasts = new Map<Id<"broadcasts">, BroadcastSum>();
  const contacts = new Map<Id<"users">, number>();
  const rejections = new Map<string, { provider: string; reason: string; n: number }>();
  for (const d of deltas) {
    if (d.userId) {
      const userId = d.userId;
      for (const day of d.days ?? []) {
        const key = `${userId}|${day.day}`;
        let entry = days.get(key);
        if (!entry) days.set(key, (entry = { userId, day: day.day, sum: { counts: new Map(), responseTimeSumMs: 0, responseCount: 0 } }));
        addAll(entry.sum.counts, day.counts);
        entry.sum.responseTimeSumMs += day.responseTimeSumMs;
        entry.sum.responseCount += day.responseCount;
      }
      if (d.contacts) contacts.set(userId, (contacts.get(userId) ?? 0) + d.contacts);
    }
    for (const b of d.broadcasts ?? []) {
      let entry = broadcasts.get(b.broadcastId);
      if (!entry) broadcasts.set(b.broadcastId, (entry = { counts: new Map(), skipped: new Map() }));
      addAll(entry.counts, b.counts);
      addAll(entry.skipped, b.skipped);
    }
    if (d.rejection) {
      const key = `${d.rejection.provider}|${d.rejection.reason}`;
      const entry = rejections.get(key) ?? { ...d.rejection, n: 0 };
      entry.n += 1;
      rejections.set(key, entry);
    }
  }
  return { days, broadcasts, contacts, rejections };
}

async function applyDay(ctx: Ctx, userId: Id<"users">, day: string, delta: DaySum) {
  const doc = await ctx.db
    .query("dailyStats")
    .withIndex("by_user_and_day", (q) => q.eq("userId", userId).eq("day", day))
    .unique();
  const counts: Record<string, number> = { ...(doc?.counts ?? {}) };
  for (const [key, n] of delta.counts) {
    const next = (counts[key] ?? 0) + n;
    if (next === 0) delete counts[key];
    else counts[key] = next;
  }
  const fields = {
    counts,
    responseTimeSumMs: (doc?.responseTimeSumMs ?? 0) + delta.responseTimeSumMs,
    responseCount: (doc?.responseCount ?? 0) + delta.responseCount,
  };
  if (doc) await ctx.db.patch("dailyStats", doc._id, fields);
  else await ctx.db.insert("dailyStats", { userId, day, ...fields });
}

/** A broadcast's live progress document (created with the broadcast; made here for older ones). */
export async function broadcastStatsOf(ctx: Pick<MutationCtx, "db">, broadcastId: Id<"broadcasts">) {
  return await ctx.db
    .query("broadcastStats")
    .withIndex("by_broadcast", (q) => q.eq("broadcastId", broadcastId))
    .unique();
}

async function applyBroadcast(ctx: Ctx, broadcastId: Id<"broadcasts">, delta: BroadcastSum, now: number) {
  const broadcast = await ctx.db.get("broadcasts", broadcastId);
  if (!broadcast) return;
  const stats = await broadcastStatsOf(ctx, broadcastId);
  const counts: BroadcastCounts = { ...(stats?.counts ?? ZERO_COUNTS) };
  const skipped: SkipReasons = { ...(stats?.skipped ?? ZERO_SKIPPED) };
  // Plain sums, never clamped: deltas of concurrent transactions can be folded in another order
  // than their moves happened (a message's `sending → sent` before its `queued → sending`), and
  // only unclamped sums come out exact whatever the order. Readers show a passing negative as 0.
  for (const [key, n] of delta.counts) {
    if (key in counts) counts[key as keyof BroadcastCounts] += n;
  }
  for (const [key, n] of delta.skipped) {
    // Reasons added later (missingVariable, frequencyCap, …) are optional: a broadcast may lack them.
    if (SKIP_REASONS.includes(key as keyof SkipReasons)) skipped[key as keyof SkipReasons] = (skipped[key as keyof SkipReasons] ?? 0) + n;
  }
  if (stats) await ctx.db.patch("broadcastStats", stats._id, { counts, skipped });
  else await ctx.db.insert("broadcastStats", { broadcastId, userId: broadcast.userId, counts, skipped });
  await completeBroadcast(ctx, broadcast, counts, skipped, now);
}

async function applyContacts(ctx: Ctx, userId: Id<"users">, by: number) {
  const doc = await ctx.db
    .query("accountStats")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .unique();
  if (doc) await ctx.db.patch("accountStats", doc._id, { contacts: doc.contacts + by });
  else await ctx.db.insert("accountStats", { userId, contacts: by });
}

async function applyRejections(ctx: Ctx, provider: string, reason: string, n: number, now: number) {
  const row = await ctx.db
    .query("webhookRejections")
    .withIndex("by_provider_and_reason", (q) => q.eq("provider", provider).eq("reason", reason))
    .unique();
  if (row) await ctx.db.patch("webhookRejections", row._id, { count: row.count + n, lastAt: now });
  else await ctx.db.insert("webhookRejections", { provider, reason, count: n, lastAt: now });
}

/** Fold `deltas` into the aggregates and delete them. */
export async function rollUp(ctx: Ctx, deltas: Delta[], now: number): Promise<void> {
  const { days, broadcasts, contacts, rejections } = sum(deltas);
  for (const { userId, day, sum: delta } of days.values()) await applyDay(ctx, userId, day, delta);
  for (const [broadcastId, delta] of broadcasts) await applyBroadcast(ctx, broadcastId, delta, now);
  for (const [userId, by] of contacts) if (by !== 0) await applyContacts(ctx, userId, by);
  for (const { provider, reason, n } of rejections.values()) await applyRejections(ctx, provider, reason, n, now);
  for (const d of deltas) await ctx.db.delete("aggregateDeltas", d._id);
}
