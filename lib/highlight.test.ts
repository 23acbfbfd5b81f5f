import { describe, expect, it } from "vitest";
import { highlightParts, queryTerms } from "./highlight";

describe("queryTerms", () => {
  it("splits on spaces and punctuation, lower-cased", () => {
    expect(queryTerms("  Order #1042 ready? ")).toEqual(["order", "1042", "ready"]);
  });
});

describe("highlightParts", () => {
  it("marks words starting with a query term", () => {
    expect(highlightParts("Is my Order ready for pickup?", ["order", "pick"])).toEqual([
      { text: "Is my ", match: false },
      { text: "Order", match: true },
      { text: " ready for ", match: false },
      { text: "pickup", match: true },
      { text: "?", match: false },
    ]);
  });

  it("shows a window around the first match of a long text", () => {
    const text = `${"lorem ".repeat(40)}invoice attached ${"ipsum ".repeat(40)}`;
    const parts = highlightParts(text, ["invoice"], 20);
    expect(parts[0]).toEqual({ text: "…", match: false });
    expect(parts.at(-1)).toEqual({ text: "…", match: false });
    expect(parts.filter((p) => p.match).map((p) => p.text)).toEqual(["invoice"]);
    expect(parts.map((p) => p.text).join("").length).toBeLessThan(70);
  });
});
