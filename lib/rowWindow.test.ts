import { describe, expect, it } from "vitest";
import { visibleRows } from "./rowWindow";

describe("visibleRows", () => {
  it("shows the rows in view plus the overscan, within the list", () => {
    // 76 px rows, a 760 px viewport at the top: rows 0–9 in view, 3 more below.
    expect(visibleRows(10_000, 76, 0, 760, 3)).toEqual({ start: 0, end: 12 });
    // Scrolled to row 100 exactly.
    expect(visibleRows(10_000, 76, 7600, 760, 3)).toEqual({ start: 97, end: 112 });
    // Half a row into row 100: row 110 is partly in view too.
    expect(visibleRows(10_000, 76, 7638, 760, 0)).toEqual({ start: 100, end: 110 });
    // At the end.
    expect(visibleRows(10_000, 76, 10_000 * 76 - 760, 760, 3)).toEqual({ start: 9987, end: 9999 });
  });

  it("keeps the DOM small however long the list is", () => {
    const { start, end } = visibleRows(10_000, 76, 380_000, 900, 6);
    expect(end - start + 1).toBeLessThanOrEqual(Math.ceil(900 / 76) + 1 + 12);
  });

  it("copes with empty lists, no height yet and overscrolling", () => {
    expect(visibleRows(0, 76, 0, 760, 3)).toEqual({ start: 0, end: -1 });
    expect(visibleRows(5, 76, 0, 0, 0)).toEqual({ start: 0, end: 0 });
    expect(visibleRows(5, 76, -50, 760, 2)).toEqual({ start: 0, end: 4 });
    expect(visibleRows(5, 76, 99_999, 760, 2)).toEqual({ start: 2, end: 4 });
  });
});
