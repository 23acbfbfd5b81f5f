/**
 * Changes to the aggregates, recorded without touching them. A transaction collects its changes
 * (message counts per "direction-channel-status" and UTC day, response times, broadcast progress,
 * the contact count) and inserts them as one `aggregateDeltas` document; the rollup job folds the
 * deltas into dailyStats, broadcastStats and accountStats (convex/lib/rollup.ts).
 *
 * Why deltas rather than sharded counters: an insert reads nothing, so a writer can never conflict
 * over an aggregate however many write at once (a sharded counter still conflicts when two writers
 * pick the same shard, and every reader must add up all shards); one job applying them keeps the
 * aggregates exact and each reader reads one document per day or broadcast, as before. The cost is
 * a write and a delete per transaction (not per message) and a delay of a few hundred ms.
 */
import type { Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import type { BroadcastCounts, SkipReasons } from "../schema";
import { wakeWorker } from "./workers";

type Ctx = Pick<MutationCtx, "db" | "scheduler">;

/** The UTC day of a timestamp, "YYYY-MM-DD". */
export function dayKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function countKey(m: { direction: string; channel: string; status: string }): string {
  return `${m.direction}-${m.channel}-${m.status}`;
}

type DayDelta = { counts: Map<string, number>; responseSumMs: number; responseCount: number };
type BroadcastDelta = { counts: Map<keyof BroadcastCounts, number>; skipped: Map<keyof SkipReasons, number> };

function add<K>(map: Map<K, number>, key: K, by: number) {
  map.set(key, (map.get(key) ?? 0) + by);
}

function nonZero<K extends string>(map: Map<K, number>): Record<string, number> | null {
  const out: Record<string, number> = {};
  for (const [k, n] of map) if (n !== 0) out[k] = n;
  return Object.keys(out).length ? out : null;
}

/** The aggregate changes of one transaction for one user; `flush` records them as one delta. */
export class StatsDelta {
  private readonly days = new Map<string, DayDelta>();
  private readonly broadcasts = new Map<Id<"broadcasts">, BroadcastDelta>();
  private contacts = 0;

  private day(day: string): DayDelta {
    let d = this.days.get(day);
    if (!d) this.days.set(day, (d = { counts: new Map(), responseSumMs: 0, responseCount: 0 }));
    return d;
  }

  private broadcastOf(id: Id<"broadcasts">): BroadcastDelta {
    let b = this.broadcasts.get(id);
    if (!b) this.broadcasts.set(id, (b = { counts: new Map(), skipped: new Map() }));
    return b;
  }

  count(m: { direction: string; channel: string; status: string; at: number }, by: number): void {
    add(this.day(dayKey(m.at)).counts, countKey(m), by);
  }

  response(at: number, ms: number): void {
    const d = this.day(dayKey(at));
    d.responseSumMs += ms;
    d.responseCount += 1;
  }

  broadcast(id: Id<"broadcasts">, key: keyof BroadcastCounts, by: number): void {
    add(this.broadcastOf(id).counts, key, by);
  }

  skip(id: Id<"broadcasts">, reason: keyof SkipReasons, by: number): void {
    add(this.broadcastOf(id).skipped, reason, by);
  }

  /** Have the rollup look at a broadcast even if nothing changed (e.g. fan-out's end: it may complete). */
  touch(id: Id<"broadcasts">): void {
    this.broadcastOf(id);
  }

  contact(by: number): void {
    this.contacts += by;
  }

  /** Insert the changes (if any) as one delta and wake the rollup. */
  async flush(ctx: Ctx, userId: Id<"users">): Promise<void> {
    const days = [];
    for (const [day, d] of this.days) {
      const counts = nonZero(d.counts);
      if (counts || d.responseCount !== 0) {
        days.push({ day, counts: counts ?? {}, responseTimeSumMs: d.responseSumMs, responseCount: d.responseCount });
      }
    }
    const broadcasts = [];
    for (const [broadcastId, b] of this.broadcasts) {
      const counts = nonZero(b.counts);
      const skipped = nonZero(b.skipped);
      broadcasts.push({ broadcastId, counts: counts ?? {}, ...(skipped ? { skipped } : {}) });
    }
    const contacts = this.contacts;
    this.days.clear();
    this.broadcasts.clear();
    this.contacts = 0;
    if (!days.length && !broadcasts.length && contacts === 0) return;
    await ctx.db.insert("aggregateDeltas", {
      userId,
      ...(days.length ? { days } : {}),
      ...(broadcasts.length ? { broadcasts } : {}),
      ...(contacts !== 0 ? { contacts } : {}),
    });
    await wakeWorker(ctx, "rollup");
  }
}

/** Keep the per-user contact count exact (through a delta: creating contacts contends for nothing). */
export async function adjustContactCount(ctx: Ctx, userId: Id<"users">, by: number) {
  const delta = new StatsDelta();
  delta.contact(by);
  await delta.flush(ctx, userId);
}

/** Count a rejected webhook request by provider and reason (through a delta, never a shared counter). */
export async function countRejection(ctx: Ctx, provider: string, reason: string) {
  await ctx.db.insert("aggregateDeltas", { rejection: { provider, reason } });
  await wakeWorker(ctx, "rollup");
}
