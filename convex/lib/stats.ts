/**
 * Analytics aggregates: a document per user and UTC day holding message counts keyed
 * "direction-channel-status" and response-time sums. Writers add deltas to a
 * StatsDelta and flush once per transaction, so a batch of 200 messages patches one
 * document, not 200.
 */
import type { Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";

/** The UTC day of a timestamp, "YYYY-MM-DD". */
export function dayKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function countKey(m: { direction: string; channel: string; status: string }): string {
  return `${m.direction}-${m.channel}-${m.status}`;
}

type DayDelta = { counts: Map<string, number>; responseSumMs: number; responseCount: number };

export class StatsDelta {
  private readonly days = new Map<string, DayDelta>();

  private day(day: string): DayDelta {
    let d = this.days.get(day);
    if (!d) this.days.set(day, (d = { counts: new Map(), responseSumMs: 0, responseCount: 0 }));
    return d;
  }

  count(m: { direction: string; channel: string; status: string; at: number }, by: number): void {
    const d = this.day(dayKey(m.at));
    const key = countKey(m);
    d.counts.set(key, (d.counts.get(key) ?? 0) + by);
  }

  response(at: number, ms: number): void {
    const d = this.day(dayKey(at));
    d.responseSumMs += ms;
    d.responseCount += 1;
  }

  async flush(ctx: Pick<MutationCtx, "db">, userId: Id<"users">): Promise<void> {
    for (const [day, delta] of this.days) {
      const changed = [...delta.counts.values()].some((n) => n !== 0) || delta.responseCount !== 0;
      if (!changed) continue;
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
        responseTimeSumMs: (doc?.responseTimeSumMs ?? 0) + delta.responseSumMs,
        responseCount: (doc?.responseCount ?? 0) + delta.responseCount,
      };
      if (doc) await ctx.db.patch("dailyStats", doc._id, fields);
      else await ctx.db.insert("dailyStats", { userId, day, ...fields });
    }
    this.days.clear();
  }
}

/** Keep the per-user contact count exact. */
export async function adjustContactCount(ctx: Pick<MutationCtx, "db">, userId: Id<"users">, by: number) {
  const doc = await ctx.db
    .query("accountStats")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .unique();
  if (doc) await ctx.db.patch("accountStats", doc._id, { contacts: Math.max(0, doc.contacts + by) });
  else await ctx.db.insert("accountStats", { userId, contacts: Math.max(0, by) });
}
