/**
 * The rows of a conversation thread: messages oldest first with a day heading before each
 * new calendar day (in the viewer's time zone). The thread query returns pages newest first.
 */
import { wallTimeOf } from "./schedule";

export type ThreadMessageLike = { _id: string; at: number };

export type ThreadItem<M extends ThreadMessageLike> =
  | { kind: "day"; key: string; label: string; at: number }
  | { kind: "message"; key: string; message: M };

export type DayOptions = { timeZone: string; locale?: string };

/** A calendar day number (days since 1970-01-01) of `ts` in `timeZone`. */
function dayNumber(ts: number, timeZone: string): number {
  const w = wallTimeOf(ts, timeZone);
  return Math.round(Date.UTC(w.year, w.month - 1, w.day) / 86_400_000);
}

function dayKey(ts: number, timeZone: string): string {
  const w = wallTimeOf(ts, timeZone);
  return `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
}

/** "Today", "Yesterday", "Tomorrow" (scheduled messages), "Monday, March 10", or "March 10, 2024" in another year. */
export function dayLabel(ts: number, now: number, { timeZone, locale }: DayOptions): string {
  const diff = dayNumber(ts, timeZone) - dayNumber(now, timeZone);
  if (diff === 0) return "Today";
  if (diff === -1) return "Yesterday";
  if (diff === 1) return "Tomorrow";
  const sameYear = wallTimeOf(ts, timeZone).year === wallTimeOf(now, timeZone).year;
  return new Intl.DateTimeFormat(locale ?? "en-US", {
    timeZone,
    ...(sameYear ? { weekday: "long", month: "long", day: "numeric" } : { year: "numeric", month: "long", day: "numeric" }),
  }).format(ts);
}

/** Rows for the thread, oldest first, from messages in the query's newest-first order. */
export function buildThreadItems<M extends ThreadMessageLike>(
  newestFirst: readonly M[],
  now: number,
  options: DayOptions,
): ThreadItem<M>[] {
  const items: ThreadItem<M>[] = [];
  let currentDay: string | null = null;
  for (let i = newestFirst.length - 1; i >= 0; i--) {
    const message = newestFirst[i];
    const day = dayKey(message.at, options.timeZone);
    if (day !== currentDay) {
      currentDay = day;
      items.push({ kind: "day", key: `day:${day}`, label: dayLabel(message.at, now, options), at: message.at });
    }
    items.push({ kind: "message", key: message._id, message });
  }
  return items;
}
