import { describe, expect, it } from "vitest";
import { initials } from "./initials";

describe("initials", () => {
  it("takes the first and last words' first letters, upper-cased", () => {
    expect(initials("Ada Lovelace")).toBe("AL");
    expect(initials("grace brewster murray hopper")).toBe("GH");
    expect(initials("Cher")).toBe("C");
  });

  it("keeps accented letters whole and splits on punctuation", () => {
    expect(initials("élodie Álvarez")).toBe("ÉÁ");
    expect(initials("e\u0301lodie")).toBe("E\u0301");
    expect(initials("Jean-Luc")).toBe("JL");
    expect(initials("(Ann) Lee")).toBe("AL");
  });

  it("keeps Arabic initials apart so they do not join into a ligature", () => {
    // lam + alef would render as the single ligature "لا" without the non-joiner.
    expect(initials("ليلى أحمد")).toBe("ل\u200Cأ");
    expect(initials("محمد")).toBe("م");
  });

  it("handles Hebrew, CJK and empty names", () => {
    expect(initials("דוד לוי")).toBe("דל");
    expect(initials("王 小明")).toBe("王小");
    expect(initials("   ")).toBe("?");
    expect(initials("+1 415 555 0100")).toBe("#");
  });
});
