import { describe, expect, it } from "vitest";
import { formatPhone, phoneSearchTokens, toE164 } from "./phone";

describe("toE164", () => {
  it.each([
    ["(415) 555-0123", "US", "+14155550123"],
    ["415.555.0123", "US", "+14155550123"],
    ["415 555 0123", "US", "+14155550123"],
    ["+1 415 555 0123", "US", "+14155550123"],
    ["+14155550123", "GB", "+14155550123"],
    ["001 415 555 0123", "GB", "+14155550123"],
    ["07400 123456", "GB", "+447400123456"],
    ["+44 7400 123456", "US", "+447400123456"],
    ["0044 7400 123456", "FR", "+447400123456"],
    ["whatsapp:+14155550123", "US", "+14155550123"],
    ["  +49 30 901820  ", "US", "+4930901820"],
  ])("normalises %s (region %s) to %s", (input, region, expected) => {
    expect(toE164(input, region)).toBe(expected);
  });

  it.each(["", "   ", "abc", "12", "+1 555", "555-0123", "+999 1234567", "1".repeat(50)])(
    "rejects %j",
    (input) => {
      expect(toE164(input, "US")).toBeNull();
    },
  );

  it("reads national numbers in the default region", () => {
    expect(toE164("020 7946 0018", "GB")).toBe("+442079460018");
    expect(toE164("020 7946 0018", "US")).toBeNull();
  });
});

describe("formatting and search tokens", () => {
  it("formats internationally", () => {
    expect(formatPhone("+14155550123")).toBe("+1 415 555 0123");
  });
  it("gives full and national digits", () => {
    expect(phoneSearchTokens("+14155550123")).toEqual(["14155550123", "4155550123"]);
  });
});
