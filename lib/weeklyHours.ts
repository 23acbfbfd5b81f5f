/**
 * Weekly hours in a time zone, as pure functions: quiet hours (when broadcasts and scheduled
 * messages are held) and business hours (when after-hours auto-replies stay quiet). A period is
 * wall-clock minutes on a weekday; one that ends at or before its start runs past midnight into
 * the next day (22:00–02:00). Holidays are local dates on which no period starts.
 * Everything works on the wall clock of an explicit IANA zone (lib/schedule.ts), so a
 * daylight-saving change moves nothing.
 */
import { epochOfWallTime, wallTimeOf } from "./schedule";

/** 0 = Sunday … 6 = Saturday, as Date.getUTCDay. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;
export type Period = { day: Weekday; /** Minutes after local midnight, 0–1439. */ start: number; /** 0–1440; ≤ start: ends the next day. */ end: number };
export type WeeklyHours = { periods: Period[]; /** "2026-12-25": local dates on which no period starts. */ holidays?: string[] };

export const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;
export const MAX_PERIODS = 35;
export const MAX_HOLIDAYS = 100;

/** The default quiet hours: 21:00–08:00 every night. */
export const DEFAULT_QUIET_HOURS: WeeklyHours = {
  periods: ([0, 1, 2, 3, 4, 5, 6] as Weekday[]).map((day) => ({ day, start: 21 * 60, end: 8 * 60 })),
};

/** "09:30" → 570; null when malformed. "24:00" is allowed as an end. */
export function parseClock(value: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

/** 570 → "09:30". */
export function formatClock(minutes: number): string {
  const h = Math.floor(minutes / 60);
  return `${String(h).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export function isLocalDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCDate() === Number(m[3]) && d.getUTCMonth() === Number(m[2]) - 1;
}

/** Why these hours are not acceptable, or null. */
export function weeklyHoursProblem(hours: WeeklyHours): string | null {
  if (hours.periods.length > MAX_PERIODS) return `At most ${MAX_PERIODS} periods.`;
  for (const p of hours.periods) {
    if (!Number.isInteger(p.day) || p.day < 0 || p.day > 6) return "A period has no valid weekday.";
    if (!Number.isInteger(p.start) || p.start < 0 || p.start > 1439) return "A period starts at an invalid time.";
    if (!Number.isInteger(p.end) || p.end < 0 || p.end > 1440) return "A period ends at an invalid time.";
    if (p.start === p.end) return "A period must not start and end at the same time.";
  }
  const holidays = hours.holidays ?? [];
  if (holidays.length > MAX_HOLIDAYS) return `At most ${MAX_HOLIDAYS} holidays.`;
  for (const h of holidays) if (!isLocalDate(h)) return `"${h}" is not a date (YYYY-MM-DD).`;
  return null;
}

const dateKey = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

type LocalDay = { year: number; month: number; day: number; weekday: Weekday; key: string };
function localDay(year: number, month: number, day: number): LocalDay {
  const d = new Date(Date.UTC(year, month - 1, day));
  const [y, m, dd] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
  return { year: y, month: m, day: dd, weekday: d.getUTCDay() as Weekday, key: dateKey(y, m, dd) };
}

/** The instants a period occupies when it starts on `day` (its end on the next day if it runs past midnight). */
function interval(p: Period, day: LocalDay, timeZone: string): [number, number] {
  const at = (d: LocalDay, minutes: number) =>
    epochOfWallTime({ year: d.year, month: d.month, day: d.day, hour: Math.floor(minutes / 60), minute: minutes % 60 }, timeZone);
  const start = at(day, p.start);
  const endDay = p.end <= p.start ? localDay(day.year, day.month, day.day + 1) : day;
  const end = p.end === 1440 ? at(localDay(endDay.year, endDay.month, endDay.day + 1), 0) : at(endDay, p.end);
  return [start, end];
}

/** Every interval of `hours` starting on the local days from `from` to `from + days`. */
function intervals(hours: WeeklyHours, ts: number, timeZone: string, fromDay: number, days: number): Array<[number, number]> {
  const w = wallTimeOf(ts, timeZone);
  const holidays = new Set(hours.holidays ?? []);
  const out: Array<[number, number]> = [];
  for (let offset = fromDay; offset <= fromDay + days; offset++) {
    const day = localDay(w.year, w.month, w.day + offset);
    if (holidays.has(day.key)) continue;
    for (const p of hours.periods) if (p.day === day.weekday) out.push(interval(p, day, timeZone));
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Whether `ts` falls inside one of the periods (in `timeZone`). */
export function isWithin(hours: WeeklyHours, ts: number, timeZone: string): boolean {
  return intervals(hours, ts, timeZone, -1, 1).some(([s, e]) => s <= ts && ts < e);
}

/**
 * The first instant at or after `ts` outside every period: `ts` itself when it is outside. Periods
 * that touch or overlap are one stretch (Mon 21:00–08:00 then Tue 08:00–… holds to the later end).
 * Null if the periods never end (every hour of every day).
 */
export function nextOutside(hours: WeeklyHours, ts: number, timeZone: string): number | null {
  let at = ts;
  const list = intervals(hours, ts, timeZone, -1, 9);
  for (let moved = true; moved; ) {
    moved = false;
    for (const [s, e] of list) {
      if (s <= at && at < e) {
        at = e;
        moved = true;
      }
    }
  }
  // Still inside after a week and more of back-to-back periods: they cover everything.
  return at - ts > 8 * 86_400_000 ? null : at;
}

/** The first instant at or after `ts` inside a period, or null if there is none within two weeks. */
export function nextWithin(hours: WeeklyHours, ts: number, timeZone: string): number | null {
  for (const [s, e] of intervals(hours, ts, timeZone, -1, 14)) {
    if (ts < e) return Math.max(s, ts);
  }
  return null;
}
