import { describe, expect, it } from "vitest";
import { parseTheme, THEME_BOOT_SCRIPT, themeClasses } from "./theme";

describe("theme", () => {
  it("reads a stored choice, anything else is the system setting", () => {
    expect(parseTheme("dark")).toBe("dark");
    expect(parseTheme("light")).toBe("light");
    expect(parseTheme("purple")).toBe("system");
    expect(parseTheme(null)).toBe("system");
  });

  it("puts an explicit choice on <html> and removes the other", () => {
    expect(themeClasses("dark")).toEqual({ add: ["dark"], remove: ["light"] });
    expect(themeClasses("light")).toEqual({ add: ["light"], remove: ["dark"] });
    expect(themeClasses("system")).toEqual({ add: [], remove: ["light", "dark"] });
  });

  it("boot script applies the stored choice and survives blocked storage", () => {
    const classes = new Set<string>();
    const run = (storage: { getItem: (k: string) => string | null }) =>
      new Function("localStorage", "document", THEME_BOOT_SCRIPT)(storage, {
        documentElement: { classList: { add: (c: string) => classes.add(c) } },
      });
    run({ getItem: (k) => (k === "theme" ? "dark" : null) });
    expect([...classes]).toEqual(["dark"]);
    classes.clear();
    run({ getItem: () => "system" });
    expect(classes.size).toBe(0);
    expect(() =>
      run({
        getItem: () => {
          throw new Error("blocked");
        },
      }),
    ).not.toThrow();
  });
});
