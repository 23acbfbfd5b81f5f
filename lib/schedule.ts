/**
 * Times for the schedule picker, in an explicit IANA time zone (the viewer's, in the app): the
 * value of a `datetime-local` input and back, the quick choices, and the zone's name.
 * Explicit zones keep this testable and right across daylight-saving changes.
 */

export type WallTime = { year: number; month: number; day: number; hour: number; minute: number; second?: number };

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time of `ts` in `timeZone`. */
export function wallTimeOf(ts: number, timeZone: string): Required<WallTime> {
  const parts = partsFormatter(timeZone).formatToParts(ts);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

/** How far `timeZone` is ahead of UTC at `ts`, in ms (whole seconds). */
export function zoneOffsetMs(ts: number, timeZone: string): number {
  const w = wallTimeOf(ts, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ts / 1000) * 1000;
}

/**
 * The instant a wall-clock time happens in `timeZone`. A time skipped by a daylight-saving
 * jump lands just after it (02:30 → 03:30); a repeated one gives its first occurrence.
 */
export function epochOfWallTime(wall: WallTime, timeZone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0);
  // Try the offsets in force just before and just after: the earlier instant that reads right wins.
  const candidates = [asUtc - zoneOffsetMs(asUtc - 86_400_000, timeZone), asUtc - zoneOffsetMs(asUtc + 86_400_000, timeZone)];
  const exact = candidates.filter((ts) => zoneOffsetMs(ts, timeZone) === asUtc - ts).sort((a, b) => a - b);
  if (exact.length > 0) return exact[0];
  // In a gap: use the offset from before the jump, which reads as the time after it.
  return Math.max(...candidates);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The value of a `datetime-local` input showing `ts` in `timeZone`: "2025-03-10T09:00" (seconds only when not zero). */
export function toDateTimeLocalValue(ts: number, timeZone: string): string {
  const w = wallTimeOf(ts, timeZone);
  const base = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
  return w.second ? `${base}:${pad(w.second)}` : base;
}

const LOCAL_VALUE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/;

/** The instant a `datetime-local` value means in `timeZone`, or null for an empty or malformed value. */
export function parseDateTimeLocalValue(value: string, timeZone: string): number | null {
  const m = LOCAL_VALUE.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((s) => (s === undefined ? 0 : Number(s)));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  // Reject dates like 31 February, which Date.UTC would roll over.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null;
  return epochOfWallTime({ year, month, day, hour, minute, second }, timeZone);
}

export type QuickTime = { label: string; at: number };

/** The picker's shortcuts: in one hour (to the next whole minute) and tomorrow at 9:00 in `timeZone`. */
export function quickScheduleTimes(now: number, timeZone: string): QuickTime[] {
  const inAnHour = Math.ceil((now + 3_600_000) / 60_000) * 60_000;
  const today = wallTimeOf(now, timeZone);
  const tomorrow = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
  const tomorrowAtNine = epochOfWallTime(
    { year: tomorrow.getUTCFullYear(), month: tomorrow.getUTCMonth() + 1, day: tomorrow.getUTCDate(), hour: 9, minute: 0 },
    timeZone,
  );
  return [
    { label: "In 1 hour", at: inAnHour },
    { label: "Tomorrow 9:00", at: tomorrowAtNine },
  ];
}

/** "Europe/Paris (GMT+2)": the zone's name and its offset at `at`. */
export function zoneLabel(timeZone: string, at: number, locale?: string): string {
  const offset =
    new Intl.DateTimeFormat(locale ?? "en-US", { timeZone, timeZoneName: "shortOffset" })
      .formatToParts(at)
      .find((p) => p.type === "timeZoneName")?.value ?? "";
  return offset ? `${timeZone} (${offset})` : timeZone;
}

/** The viewer's time zone (the browser's), e.g. "Europe/Paris"; UTC where the runtime has none. */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Snooze choices: in 3 hours, tomorrow at 9:00, and next Monday at 9:00, in `timeZone`. */
export function snoozeTimes(now: number, timeZone: string): QuickTime[] {
  const today = wallTimeOf(now, timeZone);
  const nineOn = (daysAhead: number) => {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day + daysAhead));
    return epochOfWallTime({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 9, minute: 0 }, timeZone);
  };
  // 0 = Sunday … 6 = Saturday, of the wall date in the zone.
  const weekday = new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay();
  const untilMonday = ((8 - weekday) % 7) || 7;
  return [
    { label: "In 3 hours", at: Math.ceil((now + 3 * 3_600_000) / 60_000) * 60_000 },
    { label: "Tomorrow 9:00", at: nineOn(1) },
    { label: "Next Monday 9:00", at: nineOn(untilMonday) },
  ];
}
