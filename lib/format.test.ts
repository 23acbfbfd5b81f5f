import { describe, expect, it } from "vitest";
import { chunk, EMPTY_VALUE, formatCount, formatDateTime, formatShortDate } from "./format";

const en = { locale: "en-US" };
// 2025-03-03 14:05 UTC
const ts = Date.UTC(2025, 2, 3, 14, 5);

describe("formatDateTime", () => {
  it("renders in the given time zone", () => {
    expect(formatDateTime(ts, { ...en, timeZone: "UTC" })).toBe("Mar 3, 2025, 2:05 PM");
    expect(formatDateTime(ts, { ...en, timeZone: "America/Los_Angeles" })).toBe("Mar 3, 2025, 6:05 AM");
    expect(formatDateTime(ts, { ...en, timeZone: "Asia/Tokyo" })).toBe("Mar 3, 2025, 11:05 PM");
  });
});

describe("formatShortDate", () => {
  const utc = { ...en, timeZone: "UTC" };

  it("shows a dash for a missing value", () => {
    expect(formatShortDate(undefined, ts, utc)).toBe(EMPTY_VALUE);
    expect(formatShortDate(null, ts, utc)).toBe(EMPTY_VALUE);
  });

  it("shows the time today, then Yesterday, then the date", () => {
    expect(formatShortDate(ts, ts + 60_000, utc)).toBe("2:05 PM");
    expect(formatShortDate(ts, ts + 86_400_000, utc)).toBe("Yesterday");
    expect(formatShortDate(ts, ts + 3 * 86_400_000, utc)).toBe("Mar 3");
    expect(formatShortDate(ts, Date.UTC(2026, 0, 2), utc)).toBe("Mar 3, 2025");
  });

  it("decides 'today' by the calendar day in the viewer's time zone", () => {
    // 23:30 in Los Angeles on Mar 2 is 07:30 UTC on Mar 3.
    const late = Date.UTC(2025, 2, 3, 7, 30);
    const nextMorning = Date.UTC(2025, 2, 3, 16, 0); // 08:00 Mar 3 in Los Angeles
    expect(formatShortDate(late, nextMorning, { ...en, timeZone: "UTC" })).toBe("7:30 AM");
    expect(formatShortDate(late, nextMorning, { ...en, timeZone: "America/Los_Angeles" })).toBe("Yesterday");
  });

  it("handles the turn of the year", () => {
    const newYearsEve = Date.UTC(2024, 11, 31, 12);
    expect(formatShortDate(newYearsEve, Date.UTC(2025, 0, 1, 12), utc)).toBe("Yesterday");
    expect(formatShortDate(newYearsEve, Date.UTC(2025, 0, 5, 12), utc)).toBe("Dec 31, 2024");
  });
});

describe("formatCount", () => {
  it("pluralises", () => {
    expect(formatCount(0, "member")).toBe("0 members");
    expect(formatCount(1, "member")).toBe("1 member");
    expect(formatCount(1200, "contact")).toBe("1,200 contacts");
    expect(formatCount(2, "person", "people")).toBe("2 people");
  });
});

describe("chunk", () => {
  it("splits into pieces no larger than the size", () => {
    const ids = Array.from({ length: 1201 }, (_, i) => i);
    const chunks = chunk(ids, 500);
    expect(chunks.map((c) => c.length)).toEqual([500, 500, 201]);
    expect(chunks.flat()).toEqual(ids);
  });
  it("gives no chunks for an empty list and rejects a bad size", () => {
    expect(chunk([], 500)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});
