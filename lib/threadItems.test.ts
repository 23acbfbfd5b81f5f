import { describe, expect, it } from "vitest";
import { buildThreadItems, dayLabel } from "./threadItems";

const paris = { timeZone: "Europe/Paris" };
const NOW = Date.UTC(2025, 5, 15, 10, 0); // Sunday 15 June 2025, 12:00 in Paris

describe("dayLabel", () => {
  it("names nearby days and dates further away", () => {
    expect(dayLabel(NOW, NOW, paris)).toBe("Today");
    expect(dayLabel(NOW - 24 * 3_600_000, NOW, paris)).toBe("Yesterday");
    expect(dayLabel(NOW + 24 * 3_600_000, NOW, paris)).toBe("Tomorrow");
    expect(dayLabel(Date.UTC(2025, 5, 10, 10), NOW, paris)).toBe("Tuesday, June 10");
    expect(dayLabel(Date.UTC(2024, 11, 31, 10), NOW, paris)).toBe("December 31, 2024");
  });

  it("uses the viewer's calendar day, not UTC's", () => {
    // 22:30 UTC on the 14th is already the 15th in Paris.
    expect(dayLabel(Date.UTC(2025, 5, 14, 22, 30), NOW, paris)).toBe("Today");
    expect(dayLabel(Date.UTC(2025, 5, 14, 22, 30), NOW, { timeZone: "UTC" })).toBe("Yesterday");
  });
});

describe("buildThreadItems", () => {
  const m = (id: string, at: number) => ({ _id: id, at });

  it("puts messages oldest first with a heading before each day", () => {
    const newestFirst = [
      m("c", Date.UTC(2025, 5, 15, 9)),
      m("b", Date.UTC(2025, 5, 14, 18)),
      m("a", Date.UTC(2025, 5, 14, 8)),
    ];
    const items = buildThreadItems(newestFirst, NOW, paris);
    expect(items.map((i) => (i.kind === "day" ? `# ${i.label}` : i.key))).toEqual(["# Yesterday", "a", "b", "# Today", "c"]);
    expect(items[0].key).toBe("day:2025-06-14");
  });

  it("gives nothing for an empty thread", () => {
    expect(buildThreadItems([], NOW, paris)).toEqual([]);
  });
});
