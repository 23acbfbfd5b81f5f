import { describe, expect, it } from "vitest";
import { contactSearchText, normalizeSearchQuery } from "./search";

describe("contact search text", () => {
  it("has name words, email and its parts, and phone digits", () => {
    const text = contactSearchText({ name: "Ann Lee", email: "ann.lee@example.com", phone: "+14155550123" });
    expect(text.split(" ")).toEqual(
      expect.arrayContaining(["ann", "lee", "ann.lee@example.com", "example", "14155550123", "4155550123"]),
    );
  });
  it("turns phone-like queries into digits", () => {
    expect(normalizeSearchQuery(" +1 (415) 555 ")).toBe("1415555");
    expect(normalizeSearchQuery("Ann LEE")).toBe("ann lee");
    expect(normalizeSearchQuery("12")).toBe("12");
  });
});
