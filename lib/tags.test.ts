import { describe, expect, it } from "vitest";
import { cleanTag, splitTags, uniqueTags } from "./tags";

describe("tags", () => {
  it("trims, collapses spaces and caps the length", () => {
    expect(cleanTag("  summer   sale ")).toBe("summer sale");
    expect(cleanTag("   ")).toBeNull();
    expect(cleanTag("x".repeat(80))).toHaveLength(50);
  });
  it("keeps one spelling per tag without case", () => {
    expect(uniqueTags(["VIP", "vip", " Vip ", "new"])).toEqual(["VIP", "new"]);
  });
  it("splits a CSV cell on commas, semicolons and pipes", () => {
    expect(splitTags("vip, newsletter; 2024|spring,,")).toEqual(["vip", "newsletter", "2024", "spring"]);
  });
});
