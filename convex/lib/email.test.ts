import { describe, expect, it } from "vitest";
import { normalizeEmail } from "./email";

describe("normalizeEmail", () => {
  it("trims and lower-cases", () => {
    expect(normalizeEmail("  Ann.Lee@Example.COM ")).toBe("ann.lee@example.com");
  });
  it.each(["", "ann", "ann@", "@example.com", "ann@example", "a b@example.com", `${"a".repeat(250)}@x.com`])(
    "rejects %j",
    (input) => expect(normalizeEmail(input)).toBeNull(),
  );
});
