import { describe, expect, it } from "vitest";
import { describeRecurrence, firstOccurrence, nextOccurrence, occurrencesAfter, recurrenceProblem, toRRule, type RecurrenceSpec } from "./recurrence";
import { wallTimeOf } from "./schedule";

const hhmm = (ts: number, zone: string) => {
  const w = wallTimeOf(ts, zone);
  return `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")} ${String(w.hour).padStart(2, "0")}:${String(w.minute).padStart(2, "0")}`;
};

describe("recurrence across daylight saving, in two zones", () => {
  // US clocks change on 2026-03-08, UK clocks on 2026-03-29: a weekly Monday 09:00 crosses both.
  for (const [zone, before, after] of [
    ["America/New_York", -5, -4],
    ["Europe/London", 0, 1],
  ] as const) {
    it(`keeps 09:00 in ${zone}`, () => {
      const spec: RecurrenceSpec = { freq: "weekly", interval: 1, weekdays: [0], start: "2026-03-02T09:00", timeZone: zone, count: 6 };
      const first = firstOccurrence(spec)!;
      const all = [first, ...occurrencesAfter(toRRule(spec), zone, first, 10)];
      expect(all.map((ts) => hhmm(ts, zone))).toEqual([
        "2026-03-02 09:00",
        "2026-03-09 09:00",
        "2026-03-16 09:00",
        "2026-03-23 09:00",
        "2026-03-30 09:00",
        "2026-04-06 09:00",
      ]);
      // The UTC hour moves with the zone's offset: before and after the change.
      expect(new Date(all[0]).getUTCHours()).toBe(9 - before);
      expect(new Date(all[5]).getUTCHours()).toBe(9 - after);
    });
  }

  it("puts a time the change skips just after it", () => {
    const spec: RecurrenceSpec = { freq: "daily", interval: 1, start: "2026-03-07T02:30", timeZone: "America/New_York", count: 3 };
    const first = firstOccurrence(spec)!;
    const [second, third] = occurrencesAfter(toRRule(spec), spec.timeZone, first, 5);
    expect(hhmm(first, spec.timeZone)).toBe("2026-03-07 02:30");
    expect(hhmm(second, spec.timeZone)).toBe("2026-03-08 03:30");
    expect(hhmm(third, spec.timeZone)).toBe("2026-03-09 02:30");
    expect(nextOccurrence(toRRule(spec), spec.timeZone, third)).toBeNull(); // count reached
  });
});

describe("rules", () => {
  it("monthly on the second Tuesday until a date", () => {
    const spec: RecurrenceSpec = {
      freq: "monthly",
      interval: 1,
      monthly: { kind: "nthWeekday", nth: 2, weekday: 1 },
      start: "2026-01-01T10:15",
      timeZone: "Asia/Tokyo",
      until: "2026-04-14",
    };
    const first = firstOccurrence(spec)!;
    const rest = occurrencesAfter(toRRule(spec), spec.timeZone, first, 10);
    expect([first, ...rest].map((ts) => hhmm(ts, spec.timeZone))).toEqual([
      "2026-01-13 10:15",
      "2026-02-10 10:15",
      "2026-03-10 10:15",
      "2026-04-14 10:15",
    ]);
    expect(describeRecurrence(spec)).toBe("every month on the second Tuesday at 10:15 (Asia/Tokyo), until 2026-04-14");
  });

  it("monthly on day 31 skips shorter months; every 2 days; next after an instant", () => {
    const monthly: RecurrenceSpec = { freq: "monthly", interval: 1, monthly: { kind: "dayOfMonth", day: 31 }, start: "2026-01-31T08:00", timeZone: "UTC" };
    const f = firstOccurrence(monthly)!;
    expect(occurrencesAfter(toRRule(monthly), "UTC", f, 2).map((t) => hhmm(t, "UTC"))).toEqual(["2026-03-31 08:00", "2026-05-31 08:00"]);
    const daily: RecurrenceSpec = { freq: "daily", interval: 2, start: "2026-06-01T18:00", timeZone: "Pacific/Auckland" };
    const mid = Date.UTC(2026, 5, 10); // 12:00 on 10 June in Auckland
    expect(hhmm(nextOccurrence(toRRule(daily), daily.timeZone, mid)!, daily.timeZone)).toBe("2026-06-11 18:00");
  });

  it("refuses bad specs with reasons", () => {
    const ok: RecurrenceSpec = { freq: "weekly", interval: 1, weekdays: [0], start: "2026-03-02T09:00", timeZone: "Europe/Paris" };
    expect(recurrenceProblem(ok)).toBeNull();
    expect(recurrenceProblem({ ...ok, timeZone: "Mars/Olympus" })).toMatch(/not a time zone/);
    expect(recurrenceProblem({ ...ok, weekdays: [] })).toMatch(/weekday/);
    expect(recurrenceProblem({ ...ok, start: "2026-02-30T09:00" })).toMatch(/not a valid/);
    expect(recurrenceProblem({ ...ok, count: 0 })).toMatch(/occurrences/);
    expect(recurrenceProblem({ ...ok, until: "2026-01-01" })).toMatch(/before the start/);
    expect(recurrenceProblem({ ...ok, freq: "monthly" })).toMatch(/day of the month/);
  });
});
