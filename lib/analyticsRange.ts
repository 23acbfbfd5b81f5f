/**
 * Date ranges for the analytics dashboard. The aggregates are kept per UTC day, so a range
 * is a pair of UTC days "YYYY-MM-DD", both included.
 */

/** The longest range the backend accepts (convex/lib/analytics.ts MAX_RANGE_DAYS). */
export const MAX_RANGE_DAYS = 366;
/** The quick choices, in days ending today. */
export const RANGE_PRESETS = [7, 30, 90] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export type DayRange = { from: string; to: string };

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC day of a timestamp. */
export function utcDay(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** Milliseconds at the start of a UTC day, or null if `day` is not a real date. */
export function parseDay(day: string): number | null {
  if (!DAY.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) && utcDay(ms) === day ? ms : null;
}

/** `day` moved by `n` days (negative goes back). */
export function addDays(day: string, n: number): string {
  const ms = parseDay(day);
  if (ms === null) throw new RangeError(`Not a day: ${day}`);
  return utcDay(ms + n * DAY_MS);
}

/** The last `days` days, today (UTC) included. */
export function presetRange(days: number, now: number = Date.now()): DayRange {
  const to = utcDay(now);
  return { from: addDays(to, -(days - 1)), to };
}

/** How many days a range covers, both ends included. */
export function daysInRange({ from, to }: DayRange): number {
  const start = parseDay(from);
  const end = parseDay(to);
  if (start === null || end === null) return 0;
  return Math.round((end - start) / DAY_MS) + 1;
}

export type RangeCheck = { ok: true; range: DayRange } | { ok: false; field: "from" | "to"; message: string };

/** Check a custom range before asking the backend: real days, in order, at most MAX_RANGE_DAYS. */
export function checkRange(from: string, to: string): RangeCheck {
  if (parseDay(from) === null) return { ok: false, field: "from", message: "Enter a start date." };
  if (parseDay(to) === null) return { ok: false, field: "to", message: "Enter an end date." };
  if (to < from) return { ok: false, field: "to", message: "The end date must not be before the start date." };
  if (daysInRange({ from, to }) > MAX_RANGE_DAYS) {
    return { ok: false, field: "to", message: `A range is at most ${MAX_RANGE_DAYS} days.` };
  }
  return { ok: true, range: { from, to } };
}

/** Which preset a range is (ending today), if any. */
export function presetOf(range: DayRange, now: number = Date.now()): RangePreset | null {
  for (const days of RANGE_PRESETS) {
    const preset = presetRange(days, now);
    if (preset.from === range.from && preset.to === range.to) return days;
  }
  return null;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** A UTC day for an axis or a table, e.g. "Mar 3" (or "Mar 3, 2025" with `withYear`). */
export function formatDay(day: string, { locale, withYear = false }: { locale?: string; withYear?: boolean } = {}): string {
  const ms = parseDay(day);
  if (ms === null) return day;
  const key = `${locale ?? ""}|${withYear}`;
  let f = dayFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone: "UTC", month: "short", day: "numeric", ...(withYear ? { year: "numeric" } : {}) });
    dayFormats.set(key, f);
  }
  return f.format(ms);
}
