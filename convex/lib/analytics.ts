/** The analytics summary: read from the daily aggregates only (never from messages). */
import { v, type Infer } from "convex/values";
import { MESSAGE_STATUSES, wasSent, type MessageStatus } from "../../lib/messageStatus";
import type { Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { CHANNELS, type Channel } from "../schema";
import { appError } from "./errors";

const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_RANGE_DAYS = 366;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(day: string, field: string): number {
  const ms = DAY.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw appError("INVALID_ARGUMENT", `${field} must be a date like 2026-01-31.`, { field });
  }
  return ms;
}

export const vAnalyticsSummary = v.object({
  from: v.string(),
  to: v.string(),
  totals: v.object({
    sent: v.number(),
    received: v.number(),
    outbound: v.number(),
    failed: v.number(),
    contacts: v.number(),
  }),
  avgResponseTimeMs: v.union(v.number(), v.null()),
  responses: v.number(),
  byChannel: v.array(v.object({ channel: v.string(), sent: v.number(), received: v.number() })),
  byStatus: v.array(v.object({ status: v.string(), count: v.number() })),
  daily: v.array(v.object({ day: v.string(), sent: v.number(), received: v.number() })),
});
export type AnalyticsSummary = Infer<typeof vAnalyticsSummary>;

/**
 * Totals, per-channel and per-status counts and a daily series for `from`..`to` (inclusive,
 * "YYYY-MM-DD", UTC). Shared by the app's query and the REST API.
 */
export async function analyticsSummary(
  ctx: Pick<QueryCtx, "db">,
  userId: Id<"users">,
  from: string,
  to: string,
): Promise<AnalyticsSummary> {
  const start = parseDay(from, "from");
  const end = parseDay(to, "to");
  if (end < start) throw appError("INVALID_ARGUMENT", "`to` must not be before `from`.", { field: "to" });
  const days = Math.round((end - start) / DAY_MS) + 1;
  if (days > MAX_RANGE_DAYS) {
    throw appError("INVALID_ARGUMENT", `A range is at most ${MAX_RANGE_DAYS} days.`, { field: "to" });
  }
  const docs = await ctx.db
    .query("dailyStats")
    .withIndex("by_user_and_day", (q) => q.eq("userId", userId).gte("day", from).lte("day", to))
    .take(MAX_RANGE_DAYS);
  const account = await ctx.db
    .query("accountStats")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .unique();

  const byDay = new Map(docs.map((d) => [d.day, d]));
  const byChannel = new Map<Channel, { sent: number; received: number }>(
    CHANNELS.map((c) => [c, { sent: 0, received: 0 }]),
  );
  const byStatus = new Map<MessageStatus, number>();
  const daily: Array<{ day: string; sent: number; received: number }> = [];
  let responseSum = 0;
  let responses = 0;
  for (let i = 0; i < days; i++) {
    const day = new Date(start + i * DAY_MS).toISOString().slice(0, 10);
    const row = { day, sent: 0, received: 0 };
    const doc = byDay.get(day);
    if (doc) {
      responseSum += doc.responseTimeSumMs;
      responses += doc.responseCount;
      for (const [key, count] of Object.entries(doc.counts)) {
        const [direction, channel, status] = key.split("-") as ["inbound" | "outbound", Channel, MessageStatus];
        const perChannel = byChannel.get(channel);
        if (direction === "inbound") {
          row.received += count;
          if (perChannel) perChannel.received += count;
        } else {
          byStatus.set(status, (byStatus.get(status) ?? 0) + count);
          if (wasSent(status)) {
            row.sent += count;
            if (perChannel) perChannel.sent += count;
          }
        }
      }
    }
    daily.push(row);
  }
  const outbound = [...byStatus.values()].reduce((a, b) => a + b, 0);
  return {
    from,
    to,
    totals: {
      sent: daily.reduce((a, d) => a + d.sent, 0),
      received: daily.reduce((a, d) => a + d.received, 0),
      outbound,
      failed: byStatus.get("failed") ?? 0,
      contacts: Math.max(0, account?.contacts ?? 0),
    },
    avgResponseTimeMs: responses > 0 ? Math.round(responseSum / responses) : null,
    responses,
    byChannel: [...byChannel].map(([channel, counts]) => ({ channel, ...counts })),
    byStatus: MESSAGE_STATUSES.filter((s) => s !== "received").map((status) => ({
      status,
      count: byStatus.get(status) ?? 0,
    })),
    daily,
  };
}
