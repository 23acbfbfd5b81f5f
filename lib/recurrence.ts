/**
 * Recurrence rules for recurring messages and broadcasts, shared by the backend (which creates
 * each occurrence) and the composer (which previews them). A rule is RFC 5545 (the `rrule`
 * library computes it) over a wall-clock start in an IANA zone: occurrences are computed as
 * floating local times and only then placed in the zone, so 09:00 stays 09:00 across
 * daylight-saving changes (a time the change skips lands just after it, lib/schedule.ts).
 */
import { RRule, rrulestr, type Options } from "rrule";
import { epochOfWallTime, wallTimeOf } from "./schedule";

export type RecurrenceFreq = "daily" | "weekly" | "monthly";
/** 0 = Monday … 6 = Sunday (RFC 5545's order, as rrule numbers them). */
export type RuleWeekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export type RecurrenceSpec = {
  freq: RecurrenceFreq;
  /** Every `interval` days/weeks/months (1–99). */
  interval: number;
  /** Weekly: the days it happens on (at least one). */
  weekdays?: RuleWeekday[];
  /** Monthly: a day of the month (1–31; months without it are skipped), or the nth weekday ("second Tuesday", -1 = last). */
  monthly?: { kind: "dayOfMonth"; day: number } | { kind: "nthWeekday"; nth: 1 | 2 | 3 | 4 | -1; weekday: RuleWeekday };
  /** The first occurrence's local date and time: "2026-03-02T09:00". */
  start: string;
  timeZone: string;
  /** Ends after this many occurrences, or after this local date (inclusive), or never. */
  count?: number;
  until?: string;
};

export const MAX_OCCURRENCES = 1000;
export const RULE_WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
const NTH = { 1: "first", 2: "second", 3: "third", 4: "fourth", [-1]: "last" } as Record<number, string>;

const START = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Why a spec cannot be used, or null. */
export function recurrenceProblem(spec: RecurrenceSpec): string | null {
  if (!isTimeZone(spec.timeZone)) return `"${spec.timeZone}" is not a time zone.`;
  const m = START.exec(spec.start);
  if (!m) return "The start must be a local date and time (YYYY-MM-DDTHH:mm).";
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return "The start is not a valid date and time.";
  if (!Number.isInteger(spec.interval) || spec.interval < 1 || spec.interval > 99) return "The interval must be 1 to 99.";
  if (spec.freq === "weekly") {
    if (!spec.weekdays?.length) return "Choose at least one weekday.";
    if (spec.weekdays.some((w) => !Number.isInteger(w) || w < 0 || w > 6)) return "A weekday is not valid.";
  }
  if (spec.freq === "monthly") {
    const mon = spec.monthly;
    if (!mon) return "Choose a day of the month or a weekday of the month.";
    if (mon.kind === "dayOfMonth" && (!Number.isInteger(mon.day) || mon.day < 1 || mon.day > 31)) return "The day of the month must be 1 to 31.";
    if (mon.kind === "nthWeekday" && (![1, 2, 3, 4, -1].includes(mon.nth) || mon.weekday < 0 || mon.weekday > 6)) return "That weekday of the month is not valid.";
  }
  if (spec.count !== undefined && (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > MAX_OCCURRENCES)) {
    return `The number of occurrences must be 1 to ${MAX_OCCURRENCES}.`;
  }
  if (spec.until !== undefined) {
    if (!DATE.test(spec.until)) return "The end date must be a date (YYYY-MM-DD).";
    if (spec.until < spec.start.slice(0, 10)) return "The end date is before the start.";
  }
  if (spec.count !== undefined && spec.until !== undefined) return "End after a number of occurrences or on a date, not both.";
  return null;
}

/** The floating (zone-less) instant of a local wall time: its fields read as UTC. */
function floating(value: string): Date {
  const [y, mo, d, h = 0, mi = 0] = value.split(/[-T:]/).map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi));
}

function options(spec: RecurrenceSpec): Partial<Options> {
  const base: Partial<Options> = {
    freq: spec.freq === "daily" ? RRule.DAILY : spec.freq === "weekly" ? RRule.WEEKLY : RRule.MONTHLY,
    interval: spec.interval,
    dtstart: floating(spec.start),
    ...(spec.count !== undefined ? { count: spec.count } : {}),
    // Inclusive of the whole end date, in local time.
    ...(spec.until !== undefined ? { until: new Date(floating(spec.until).getTime() + 86_400_000 - 1000) } : {}),
  };
  if (spec.freq === "weekly") base.byweekday = [...(spec.weekdays ?? [])].sort();
  if (spec.freq === "monthly" && spec.monthly) {
    if (spec.monthly.kind === "dayOfMonth") base.bymonthday = [spec.monthly.day];
    else base.byweekday = [weekdayOf(spec.monthly)];
  }
  return base;
}

function weekdayOf(m: { nth: number; weekday: RuleWeekday }) {
  return [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA, RRule.SU][m.weekday].nth(m.nth);
}

/** The rule as RFC 5545 text, with a floating DTSTART (the zone is kept beside it). */
export function toRRule(spec: RecurrenceSpec): string {
  return new RRule(options(spec)).toString().replace(/^(DTSTART:\d{8}T\d{6})Z/m, "$1");
}

/** "every week on Monday, Wednesday at 09:00 (Europe/London), 10 times". */
export function describeRecurrence(spec: RecurrenceSpec): string {
  const time = spec.start.slice(11, 16);
  const every = (unit: string) => (spec.interval === 1 ? `every ${unit}` : `every ${spec.interval} ${unit}s`);
  let what: string;
  if (spec.freq === "daily") what = every("day");
  else if (spec.freq === "weekly") what = `${every("week")} on ${(spec.weekdays ?? []).slice().sort().map((w) => RULE_WEEKDAY_NAMES[w]).join(", ")}`;
  else if (spec.monthly?.kind === "dayOfMonth") what = `${every("month")} on day ${spec.monthly.day}`;
  else what = `${every("month")} on the ${NTH[spec.monthly!.nth]} ${RULE_WEEKDAY_NAMES[spec.monthly!.weekday]}`;
  const end = spec.count !== undefined ? `, ${spec.count} time${spec.count === 1 ? "" : "s"}` : spec.until ? `, until ${spec.until}` : "";
  return `${what} at ${time} (${spec.timeZone})${end}`;
}

function rule(rruleText: string): RRule {
  return rrulestr(rruleText) as RRule;
}

function place(d: Date, timeZone: string): number {
  return epochOfWallTime(
    { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() },
    timeZone,
  );
}

/**
 * The occurrences strictly after `after` (an instant), up to `limit`, as instants in `timeZone`.
 * `rruleText` is what toRRule made.
 */
export function occurrencesAfter(rruleText: string, timeZone: string, after: number, limit: number): number[] {
  const r = rule(rruleText);
  // Search from a day before in floating time, so a zone far from UTC misses nothing.
  const w = wallTimeOf(after, timeZone);
  let cursor = new Date(Date.UTC(w.year, w.month - 1, w.day - 1, w.hour, w.minute));
  const out: number[] = [];
  // The look-back day holds at most a few occurrences (a daily rule's, or a weekly one's days).
  for (let steps = 0; out.length < limit && steps < limit + 8; steps++) {
    const next = r.after(cursor, false);
    if (!next) break;
    cursor = next;
    const at = place(next, timeZone);
    if (at > after) out.push(at);
  }
  return out;
}

/** The next occurrence strictly after `after`, or null when the rule has ended. */
export function nextOccurrence(rruleText: string, timeZone: string, after: number): number | null {
  return occurrencesAfter(rruleText, timeZone, after, 1)[0] ?? null;
}

/** The first occurrence of a spec (at or after its start). */
export function firstOccurrence(spec: RecurrenceSpec): number | null {
  const start = floating(spec.start).getTime();
  return nextOccurrence(toRRule(spec), spec.timeZone, place(new Date(start), spec.timeZone) - 1);
}
