import { describe, expect, it } from "vitest";
import { epochOfWallTime } from "./schedule";
import { DEFAULT_QUIET_HOURS, isWithin, nextOutside, nextWithin, parseClock, weeklyHoursProblem, type WeeklyHours } from "./weeklyHours";

const NY = "America/New_York";
const LON = "Europe/London";
const at = (zone: string, year: number, month: number, day: number, hour: number, minute = 0) =>
  epochOfWallTime({ year, month, day, hour, minute }, zone);

describe("quiet hours (default 21:00–08:00)", () => {
  it("holds a time inside until 08:00 the next local morning", () => {
    // Tuesday 2026-03-03 22:30 in New York → Wednesday 08:00 there.
    expect(isWithin(DEFAULT_QUIET_HOURS, at(NY, 2026, 3, 3, 22, 30), NY)).toBe(true);
    expect(nextOutside(DEFAULT_QUIET_HOURS, at(NY, 2026, 3, 3, 22, 30), NY)).toBe(at(NY, 2026, 3, 4, 8));
    // After midnight the same night still ends at 08:00 that day.
    expect(nextOutside(DEFAULT_QUIET_HOURS, at(NY, 2026, 3, 4, 3), NY)).toBe(at(NY, 2026, 3, 4, 8));
  });

  it("leaves a time outside alone, edges included", () => {
    expect(isWithin(DEFAULT_QUIET_HOURS, at(NY, 2026, 3, 4, 8), NY)).toBe(false);
    expect(isWithin(DEFAULT_QUIET_HOURS, at(NY, 2026, 3, 4, 20, 59), NY)).toBe(false);
    expect(isWithin(DEFAULT_QUIET_HOURS, at(NY, 2026, 3, 4, 21), NY)).toBe(true);
    expect(nextOutside(DEFAULT_QUIET_HOURS, at(NY, 2026, 3, 4, 12), NY)).toBe(at(NY, 2026, 3, 4, 12));
  });

  it("is on the recipient's wall clock across a daylight-saving change", () => {
    // US clocks spring forward on 2026-03-08 at 02:00: the night's hold still ends at 08:00 local,
    // which is 12:00 UTC after the change (13:00 UTC the day before).
    const held = nextOutside(DEFAULT_QUIET_HOURS, at(NY, 2026, 3, 7, 23), NY)!;
    expect(held).toBe(Date.UTC(2026, 2, 8, 12));
    expect(nextOutside(DEFAULT_QUIET_HOURS, at(NY, 2026, 3, 6, 23), NY)).toBe(Date.UTC(2026, 2, 7, 13));
    // One instant, two zones: quiet in one, allowed in the other.
    const instant = Date.UTC(2026, 5, 10, 13); // 14:00 London, 09:00 New York
    expect(isWithin(DEFAULT_QUIET_HOURS, instant, LON)).toBe(false);
    expect(isWithin(DEFAULT_QUIET_HOURS, Date.UTC(2026, 5, 10, 21), LON)).toBe(true); // 22:00 London
    expect(isWithin(DEFAULT_QUIET_HOURS, Date.UTC(2026, 5, 10, 21), NY)).toBe(false); // 17:00 New York
  });
});

describe("business hours", () => {
  // Mon–Fri 09:00–12:00 and 13:00–17:30; Friday also 22:00–02:00 (a night shift past midnight).
  const hours: WeeklyHours = {
    periods: [
      ...([1, 2, 3, 4, 5] as const).flatMap((day) => [
        { day, start: 9 * 60, end: 12 * 60 },
        { day, start: 13 * 60, end: 17 * 60 + 30 },
      ]),
      { day: 5, start: 22 * 60, end: 2 * 60 },
    ],
    holidays: ["2026-12-25"],
  };
  it("has several periods a day", () => {
    expect(isWithin(hours, at(LON, 2026, 12, 2, 10), LON)).toBe(true); // Wednesday
    expect(isWithin(hours, at(LON, 2026, 12, 2, 12, 30), LON)).toBe(false); // lunch
    expect(isWithin(hours, at(LON, 2026, 12, 2, 17, 29), LON)).toBe(true);
    expect(isWithin(hours, at(LON, 2026, 12, 2, 17, 30), LON)).toBe(false);
    expect(nextWithin(hours, at(LON, 2026, 12, 2, 12, 30), LON)).toBe(at(LON, 2026, 12, 2, 13));
  });
  it("runs a period past midnight into the next day", () => {
    expect(isWithin(hours, at(LON, 2026, 12, 4, 23), LON)).toBe(true); // Friday night
    expect(isWithin(hours, at(LON, 2026, 12, 5, 1, 59), LON)).toBe(true); // Saturday 01:59
    expect(isWithin(hours, at(LON, 2026, 12, 5, 2), LON)).toBe(false);
    expect(isWithin(hours, at(LON, 2026, 12, 5, 10), LON)).toBe(false); // Saturday
  });
  it("is closed on holidays", () => {
    expect(isWithin(hours, at(LON, 2026, 12, 25, 10), LON)).toBe(false); // a Friday, but Christmas
    expect(isWithin(hours, at(LON, 2026, 12, 24, 10), LON)).toBe(true);
    expect(nextWithin(hours, at(LON, 2026, 12, 24, 18), LON)).toBe(at(LON, 2026, 12, 28, 9));
  });
  it("merges periods that touch when finding the end", () => {
    const back: WeeklyHours = { periods: [{ day: 1, start: 20 * 60, end: 8 * 60 }, { day: 2, start: 8 * 60, end: 10 * 60 }] };
    expect(nextOutside(back, at(LON, 2026, 12, 7, 21), LON)).toBe(at(LON, 2026, 12, 8, 10));
  });
  it("says when hours never end", () => {
    const always: WeeklyHours = { periods: ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({ day, start: 0, end: 1440 })) };
    expect(nextOutside(always, at(LON, 2026, 12, 7, 21), LON)).toBeNull();
  });
  it("validates", () => {
    expect(weeklyHoursProblem(hours)).toBeNull();
    expect(weeklyHoursProblem({ periods: [{ day: 1, start: 600, end: 600 }] })).toMatch(/same time/);
    expect(weeklyHoursProblem({ periods: [], holidays: ["2026-02-30"] })).toMatch(/not a date/);
    expect(parseClock("24:00")).toBe(1440);
    expect(parseClock("24:01")).toBeNull();
    expect(parseClock("7:05")).toBe(425);
  });
});
