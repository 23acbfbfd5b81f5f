/**
 * Display formatting for the UI. Dates render in the viewer's time zone and locale (the
 * browser's defaults); both can be passed explicitly, which the tests do.
 */
export type DateFormatOptions = { timeZone?: string; locale?: string };

/** Placeholder shown for a missing value in tables. */
export const EMPTY_VALUE = "—";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify([locale ?? "", options]);
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, f);
  }
  return f;
}

/** The calendar day of `ts` in `timeZone`, as a comparable number (days since 1970-01-01). */
function dayNumber(ts: number, timeZone: string | undefined): number {
  const parts = formatter("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric" }).formatToParts(ts);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Math.round(Date.UTC(get("year"), get("month") - 1, get("day")) / 86_400_000);
}

function yearOf(ts: number, timeZone: string | undefined): number {
  return Number(formatter("en-US", { timeZone, year: "numeric" }).format(ts));
}

/** Full date and time, e.g. "Mar 3, 2025, 2:05 PM". */
export function formatDateTime(ts: number, { timeZone, locale }: DateFormatOptions = {}): string {
  return formatter(locale, { timeZone, dateStyle: "medium", timeStyle: "short" }).format(ts);
}

/**
 * A compact timestamp for lists: the time for today, "Yesterday", the day and month this
 * year, the full date before that. Missing values show as "—".
 */
export function formatShortDate(
  ts: number | null | undefined,
  now: number = Date.now(),
  { timeZone, locale }: DateFormatOptions = {},
): string {
  if (ts === null || ts === undefined) return EMPTY_VALUE;
  const days = dayNumber(now, timeZone) - dayNumber(ts, timeZone);
  if (days === 0) return formatter(locale, { timeZone, timeStyle: "short" }).format(ts);
  if (days === 1) return "Yesterday";
  if (yearOf(ts, timeZone) === yearOf(now, timeZone)) {
    return formatter(locale, { timeZone, month: "short", day: "numeric" }).format(ts);
  }
  return formatter(locale, { timeZone, dateStyle: "medium" }).format(ts);
}

/** "1 member", "3 members"; `plural` defaults to singular + "s". */
export function formatCount(count: number, singular: string, plural: string = `${singular}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? singular : plural}`;
}

/** Split a list into chunks of at most `size` items (e.g. to respect a per-call limit). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError("chunk size must be a positive integer");
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
