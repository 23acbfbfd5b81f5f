import { describe, expect, it } from "vitest";
import { formatPhone, phoneProblem, phoneSearchTokens, toE164 } from "./phone";

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

  it.each([
    // Mexico: the retired mobile "1" after +52, and the national 044/045 prefixes.
    ["+52 1 55 1234 5678", "US", "+525512345678"],
    ["+5215512345678", "GB", "+525512345678"],
    ["00 52 1 55 1234 5678", "FR", "+525512345678"],
    ["044 55 1234 5678", "MX", "+525512345678"],
    ["1 55 1234 5678", "MX", "+525512345678"],
    ["55 1234 5678", "MX", "+525512345678"],
    // Brazil: old 8-digit mobiles gain the ninth digit; landlines (2–5) stay as they are.
    ["+55 11 8765-4321", "US", "+5511987654321"],
    ["(11) 8765-4321", "BR", "+5511987654321"],
    ["11 98765 4321", "BR", "+5511987654321"],
    ["+55 11 3456-7890", "US", "+551134567890"],
    // Argentina: the national "15" mobile form becomes +54 9.
    ["011 15 1234-5678", "AR", "+5491112345678"],
    // An international number without its "+", not valid in the default region.
    ["4915112345678", "US", "+4915112345678"],
    ["44 7400 123456", "US", "+447400123456"],
  ])("applies the country quirk for %s (region %s) → %s", (input, region, expected) => {
    expect(toE164(input, region)).toBe(expected);
  });

  it("writes one person's number the same way however it was typed", () => {
    const ways = ["+52 1 55 1234 5678", "+52 55 1234 5678", "5215512345678", "+52 (55) 1234-5678"];
    expect(new Set(ways.map((w) => toE164(w, "US")))).toEqual(new Set(["+525512345678"]));
  });

  it("explains numbers a spreadsheet turned into scientific notation", () => {
    expect(toE164("4.15555E+11", "US")).toBeNull();
    expect(phoneProblem("4.15555E+11")).toMatch(/scientific notation/);
    expect(phoneProblem("415 555 0123")).toBeNull();
  });

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
