import { describe, expect, it } from "vitest";
import { isGsm7, smsSegments } from "./smsSegments";

const a = (n: number) => "a".repeat(n);
const zhe = (n: number) => "ж".repeat(n);

describe("smsSegments: GSM-7", () => {
  it("counts nothing for an empty text", () => {
    expect(smsSegments("")).toEqual({
      encoding: "GSM-7",
      characters: 0,
      units: 0,
      segments: 0,
      perSegment: 160,
      remaining: 160,
      nonGsm: [],
    });
  });

  it("fits 160 characters in one message and splits at 161 into 153-septet segments", () => {
    expect(smsSegments(a(160))).toMatchObject({ segments: 1, perSegment: 160, remaining: 0, units: 160 });
    expect(smsSegments(a(161))).toMatchObject({ segments: 2, perSegment: 153, remaining: 145, units: 161 });
    expect(smsSegments(a(306))).toMatchObject({ segments: 2, remaining: 0 });
    expect(smsSegments(a(307))).toMatchObject({ segments: 3, remaining: 152 });
  });

  it("keeps accented letters, Greek capitals and line breaks of the default alphabet in GSM-7", () => {
    for (const text of ["héllo wörld", "Ça va? ¿Qué tal?", "ΔΦΓΛΩΠΨΣΘΞ", "line\r\nbreak", "@£$¥§¤_!"]) {
      expect(smsSegments(text).encoding, text).toBe("GSM-7");
      expect(smsSegments(text).units, text).toBe(text.length);
    }
  });

  it.each(["^", "{", "}", "[", "]", "~", "|", "\\", "€", "\f"])("counts the extension character %j as two septets", (char) => {
    const result = smsSegments(char);
    expect(result).toMatchObject({ encoding: "GSM-7", characters: 1, units: 2, segments: 1, remaining: 158 });
  });

  it("splits when extension characters push the text past 160 septets", () => {
    expect(smsSegments(a(158) + "€")).toMatchObject({ units: 160, segments: 1, remaining: 0 });
    expect(smsSegments(a(159) + "€")).toMatchObject({ units: 161, segments: 2 });
  });

  it("never splits an escape pair across segments", () => {
    // 152 + 2 does not fit in 153: the € starts segment 2, which then fills up one short.
    const text = a(152) + "€" + a(152);
    expect(smsSegments(text)).toMatchObject({ units: 306, segments: 3, remaining: 152 });
    // The same length without an extension character fills exactly two segments.
    expect(smsSegments(a(306)).segments).toBe(2);
  });
});

describe("smsSegments: UCS-2", () => {
  it("switches the whole text to UCS-2 for one character outside GSM-7", () => {
    const result = smsSegments("Don’t forget ç");
    expect(result).toMatchObject({ encoding: "UCS-2", units: 14, characters: 14, segments: 1, remaining: 56 });
    expect(result.nonGsm).toEqual(["’", "ç"]);
  });

  it("lists each forcing character once, in order", () => {
    expect(smsSegments("“quoted” and “again”").nonGsm).toEqual(["“", "”"]);
  });

  it("fits 70 code units in one message and splits at 71 into 67-unit segments", () => {
    expect(smsSegments(zhe(70))).toMatchObject({ encoding: "UCS-2", segments: 1, perSegment: 70, remaining: 0 });
    expect(smsSegments(zhe(71))).toMatchObject({ segments: 2, perSegment: 67, remaining: 63 });
    expect(smsSegments(zhe(134))).toMatchObject({ segments: 2, remaining: 0 });
    expect(smsSegments(zhe(135))).toMatchObject({ segments: 3 });
  });

  it("counts an emoji as two code units", () => {
    expect(smsSegments("hi 😀")).toMatchObject({ encoding: "UCS-2", characters: 5, units: 5, nonGsm: ["😀"] });
    expect(smsSegments("😀".repeat(35))).toMatchObject({ units: 70, segments: 1, remaining: 0 });
  });

  it("never splits a surrogate pair across segments", () => {
    // 36 emoji = 72 units: 33 fit in a 67-unit segment (66 units), 3 go to the second.
    expect(smsSegments("😀".repeat(36))).toMatchObject({ units: 72, segments: 2, remaining: 61 });
    // 66 + 2 does not fit in 67: the emoji starts segment 2.
    expect(smsSegments(zhe(66) + "😀" + zhe(66))).toMatchObject({ units: 134, segments: 3, remaining: 66 });
    expect(smsSegments(zhe(134)).segments).toBe(2);
  });

  it("counts extension characters as one unit once the text is UCS-2", () => {
    expect(smsSegments("€ and ж")).toMatchObject({ encoding: "UCS-2", units: 7 });
  });
});

describe("isGsm7", () => {
  it("tells GSM-7 text from text that needs UCS-2", () => {
    expect(isGsm7("Hello [world] €5")).toBe(true);
    expect(isGsm7("lowercase greek α")).toBe(false);
    expect(isGsm7("tab\t")).toBe(false);
    // Close relatives of default-alphabet letters are not in it.
    expect(isGsm7("Çòà")).toBe(true);
    expect(isGsm7("ç")).toBe(false);
    expect(isGsm7("ó")).toBe(false);
    expect(isGsm7("`")).toBe(false);
  });
});
