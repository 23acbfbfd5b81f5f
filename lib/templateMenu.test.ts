import { describe, expect, it } from "vitest";
import { filterTemplates, moveActive, slashQuery } from "./templateMenu";

describe("template menu", () => {
  it("opens on a draft that is only a slash command", () => {
    expect(slashQuery("/")).toBe("");
    expect(slashQuery("/ord")).toBe("ord");
    expect(slashQuery("/ord ready")).toBeNull();
    expect(slashQuery("hi /ord")).toBeNull();
    expect(slashQuery("")).toBeNull();
  });

  it("filters by name first, then by text", () => {
    const t = [
      { name: "Order ready", content: "Hi {{firstName}}" },
      { name: "Welcome", content: "Your order is on its way" },
      { name: "Reminder", content: "See you" },
    ];
    expect(filterTemplates(t, "ord").map((x) => x.name)).toEqual(["Order ready", "Welcome"]);
    expect(filterTemplates(t, "").map((x) => x.name)).toEqual(["Order ready", "Welcome", "Reminder"]);
    expect(filterTemplates(t, "zzz")).toEqual([]);
  });

  it("moves the active row with the arrow keys, wrapping", () => {
    expect(moveActive("ArrowDown", 2, 3)).toBe(0);
    expect(moveActive("ArrowUp", 0, 3)).toBe(2);
    expect(moveActive("Enter", 0, 3)).toBeNull();
    expect(moveActive("ArrowDown", 0, 0)).toBeNull();
  });
});
