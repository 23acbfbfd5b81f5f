import { describe, expect, it } from "vitest";
import { extractMentions, splitMentions } from "./mentions";

describe("extractMentions", () => {
  it("finds distinct handles in order, lower-cased", () => {
    expect(extractMentions("Ask @Sam and @jo.doe, then @sam again.")).toEqual(["sam", "jo.doe"]);
  });
  it("ignores email addresses and lone @", () => {
    expect(extractMentions("mail ann@example.com or @ or @@x")).toEqual([]);
  });
  it("finds a mention at the start and after punctuation", () => {
    expect(extractMentions("@first (cc @second)")).toEqual(["first", "second"]);
  });
});

describe("splitMentions", () => {
  it("splits text for highlighting and keeps every character", () => {
    const text = "Call @sam. Then ann@example.com";
    const parts = splitMentions(text);
    expect(parts).toEqual([
      { text: "Call ", mention: false },
      { text: "@sam", mention: true },
      { text: ". Then ann@example.com", mention: false },
    ]);
    expect(parts.map((p) => p.text).join("")).toBe(text);
  });
});
