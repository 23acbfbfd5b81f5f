import { describe, expect, it } from "vitest";
import {
  epochOfWallTime,
  parseDateTimeLocalValue,
  quickScheduleTimes,
  snoozeTimes,
  toDateTimeLocalValue,
  zoneLabel,
  zoneOffsetMs,
} from "./schedule";

const HOUR = 3_600_000;

describe("datetime-local values", () => {
  it("round-trips a time in several zones", () => {
    const ts = Date.UTC(2025, 5, 15, 7, 30); // 15 June 2025 07:30 UTC
    expect(toDateTimeLocalValue(ts, "Europe/Paris")).toBe("2025-06-15T09:30");
    expect(toDateTimeLocalValue(ts, "America/New_York")).toBe("2025-06-15T03:30");
    expect(toDateTimeLocalValue(ts, "Asia/Kolkata")).toBe("2025-06-15T13:00");
    expect(toDateTimeLocalValue(ts, "Pacific/Auckland")).toBe("2025-06-15T19:30");
    for (const zone of ["Europe/Paris", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC"]) {
      expect(parseDateTimeLocalValue(toDateTimeLocalValue(ts, zone), zone)).toBe(ts);
    }
  });

  it("keeps seconds when they are set, and reads them back", () => {
    const ts = Date.UTC(2025, 0, 2, 10, 0, 5);
    expect(toDateTimeLocalValue(ts, "UTC")).toBe("2025-01-02T10:00:05");
    expect(parseDateTimeLocalValue("2025-01-02T11:00:05", "Europe/Paris")).toBe(ts);
  });

  it("refuses empty and impossible values", () => {
    for (const value of ["", "tomorrow", "2025-02-30T10:00", "2025-13-01T10:00", "2025-01-01T24:00", "2025-01-01 10:00"]) {
      expect(parseDateTimeLocalValue(value, "UTC"), value).toBeNull();
    }
  });

  it("follows daylight-saving time", () => {
    // Paris: UTC+1 in winter, UTC+2 in summer.
    expect(parseDateTimeLocalValue("2025-01-15T09:00", "Europe/Paris")).toBe(Date.UTC(2025, 0, 15, 8, 0));
    expect(parseDateTimeLocalValue("2025-07-15T09:00", "Europe/Paris")).toBe(Date.UTC(2025, 6, 15, 7, 0));
    expect(zoneOffsetMs(Date.UTC(2025, 0, 15), "Europe/Paris")).toBe(HOUR);
    expect(zoneOffsetMs(Date.UTC(2025, 6, 15), "Europe/Paris")).toBe(2 * HOUR);
  });

  it("moves a time skipped by the spring-forward jump past it", () => {
    // 30 March 2025 in Paris: 02:00 jumps to 03:00, so 02:30 does not exist.
    const ts = epochOfWallTime({ year: 2025, month: 3, day: 30, hour: 2, minute: 30 }, "Europe/Paris");
    expect(toDateTimeLocalValue(ts, "Europe/Paris")).toBe("2025-03-30T03:30");
  });

  it("takes the first of a time repeated by the fall-back change", () => {
    // 26 October 2025 in Paris: 03:00 goes back to 02:00, so 02:30 happens twice (CEST first).
    const ts = epochOfWallTime({ year: 2025, month: 10, day: 26, hour: 2, minute: 30 }, "Europe/Paris");
    expect(ts).toBe(Date.UTC(2025, 9, 26, 0, 30));
  });
});

describe("quickScheduleTimes", () => {
  it("offers in one hour, to the next whole minute, and tomorrow at 9:00 in the viewer's zone", () => {
    const now = Date.UTC(2025, 5, 15, 22, 10, 20); // 16 June 00:10:20 in Paris
    const [inAnHour, tomorrow] = quickScheduleTimes(now, "Europe/Paris");
    expect(inAnHour).toEqual({ label: "In 1 hour", at: Date.UTC(2025, 5, 15, 23, 11) });
    expect(tomorrow.label).toBe("Tomorrow 9:00");
    // Already the 16th in Paris, so tomorrow is the 17th.
    expect(toDateTimeLocalValue(tomorrow.at, "Europe/Paris")).toBe("2025-06-17T09:00");
    // Still the 15th in New York.
    expect(toDateTimeLocalValue(quickScheduleTimes(now, "America/New_York")[1].at, "America/New_York")).toBe("2025-06-16T09:00");
  });

  it("crosses month and year ends", () => {
    const now = Date.UTC(2025, 11, 31, 12, 0);
    expect(toDateTimeLocalValue(quickScheduleTimes(now, "UTC")[1].at, "UTC")).toBe("2026-01-01T09:00");
  });

  it("keeps 9:00 on the day the clocks change", () => {
    const now = Date.UTC(2025, 2, 29, 12, 0); // the day before Paris springs forward
    expect(quickScheduleTimes(now, "Europe/Paris")[1].at).toBe(Date.UTC(2025, 2, 30, 7, 0));
  });
});

describe("zoneLabel", () => {
  it("names the zone with its offset at that time", () => {
    expect(zoneLabel("Europe/Paris", Date.UTC(2025, 0, 15))).toBe("Europe/Paris (GMT+1)");
    expect(zoneLabel("Europe/Paris", Date.UTC(2025, 6, 15))).toBe("Europe/Paris (GMT+2)");
    expect(zoneLabel("Asia/Kolkata", Date.UTC(2025, 6, 15))).toBe("Asia/Kolkata (GMT+5:30)");
  });
});

describe("snoozeTimes", () => {
  it("offers in 3 hours, tomorrow 9:00 and next Monday 9:00 in the zone", () => {
    // Friday 2025-06-13 22:30 in Paris (20:30 UTC).
    const now = Date.UTC(2025, 5, 13, 20, 30);
    const [later, tomorrow, monday] = snoozeTimes(now, "Europe/Paris");
    expect(toDateTimeLocalValue(later.at, "Europe/Paris")).toBe("2025-06-14T01:30");
    expect(toDateTimeLocalValue(tomorrow.at, "Europe/Paris")).toBe("2025-06-14T09:00");
    expect(toDateTimeLocalValue(monday.at, "Europe/Paris")).toBe("2025-06-16T09:00");
    // On a Monday, next Monday is a week ahead.
    const onMonday = Date.UTC(2025, 5, 16, 6, 0);
    expect(toDateTimeLocalValue(snoozeTimes(onMonday, "Europe/Paris")[2].at, "Europe/Paris")).toBe("2025-06-23T09:00");
  });
});
