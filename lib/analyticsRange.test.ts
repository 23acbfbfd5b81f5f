import { describe, expect, it } from "vitest";
import { MAX_RANGE_DAYS as BACKEND_MAX } from "../convex/lib/analytics";
import { addDays, checkRange, daysInRange, formatDay, MAX_RANGE_DAYS, parseDay, presetOf, presetRange, utcDay } from "./analyticsRange";

// 2026-03-01 23:30 UTC: still March 1st in UTC, already March 2nd east of it.
const now = Date.UTC(2026, 2, 1, 23, 30);

describe("analytics ranges", () => {
  it("agrees with the backend's limit", () => {
    expect(MAX_RANGE_DAYS).toBe(BACKEND_MAX);
  });

  it("reads only real days", () => {
    expect(parseDay("2026-02-28")).toBe(Date.UTC(2026, 1, 28));
    expect(parseDay("2026-02-29")).toBeNull();
    expect(parseDay("2026-2-1")).toBeNull();
    expect(parseDay("")).toBeNull();
  });

  it("moves days across months and years", () => {
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2025-12-31", 1)).toBe("2026-01-01");
    expect(() => addDays("nope", 1)).toThrow(RangeError);
  });

  it("presets end today in UTC and include it", () => {
    expect(utcDay(now)).toBe("2026-03-01");
    expect(presetRange(7, now)).toEqual({ from: "2026-02-23", to: "2026-03-01" });
    expect(daysInRange(presetRange(7, now))).toBe(7);
    expect(daysInRange(presetRange(90, now))).toBe(90);
    expect(presetOf({ from: "2026-01-31", to: "2026-03-01" }, now)).toBe(30);
    expect(presetOf({ from: "2026-01-30", to: "2026-03-01" }, now)).toBeNull();
  });

  it("checks custom ranges", () => {
    expect(checkRange("2026-01-01", "2026-01-01")).toEqual({ ok: true, range: { from: "2026-01-01", to: "2026-01-01" } });
    expect(checkRange("", "2026-01-01")).toMatchObject({ ok: false, field: "from" });
    expect(checkRange("2026-01-01", "2026-02-30")).toMatchObject({ ok: false, field: "to" });
    expect(checkRange("2026-01-02", "2026-01-01")).toMatchObject({ ok: false, field: "to" });
    // 2024 is a leap year: Jan 1 2024 … Dec 31 2024 is 366 days, one more is too many.
    expect(checkRange("2024-01-01", "2024-12-31").ok).toBe(true);
    expect(checkRange("2024-01-01", "2025-01-01")).toMatchObject({ ok: false, field: "to", message: "A range is at most 366 days." });
  });

  it("formats days as UTC days whatever the viewer's zone", () => {
    expect(formatDay("2026-03-01", { locale: "en-US" })).toBe("Mar 1");
    expect(formatDay("2026-03-01", { locale: "en-US", withYear: true })).toBe("Mar 1, 2026");
    expect(formatDay("garbage")).toBe("garbage");
  });
});
