import { describe, expect, it } from "vitest";
import { mergeByTime } from "./mergeByTime";

const t = (x: number) => x;
const kinds = (r: ReturnType<typeof mergeByTime<number, number>>) => r.items.map((i) => `${i.kind}${i.at}`);

describe("mergeByTime", () => {
  it("merges two finished lists in time order", () => {
    const r = mergeByTime({ items: [1, 4, 9], done: true }, { items: [2, 4, 10], done: true }, t, t);
    expect(kinds(r)).toEqual(["a1", "b2", "a4", "b4", "a9", "b10"]);
    expect(r.complete).toBe(true);
  });

  it("holds back items past the end of a list that has more pages", () => {
    // b may have an item at 6 on its next page: a's 9 must wait.
    const r = mergeByTime({ items: [1, 4, 9], done: true }, { items: [2, 5], done: false }, t, t);
    expect(kinds(r)).toEqual(["a1", "b2", "a4", "b5"]);
    expect(r.complete).toBe(false);
  });

  it("uses the earlier frontier when both have more", () => {
    const r = mergeByTime({ items: [1, 8], done: false }, { items: [2, 5], done: false }, t, t);
    expect(kinds(r)).toEqual(["a1", "b2", "b5"]);
  });

  it("shows nothing while a list with more pages has none loaded", () => {
    expect(mergeByTime({ items: [1], done: true }, { items: [], done: false }, t, t).items).toEqual([]);
    expect(kinds(mergeByTime({ items: [1], done: true }, { items: [], done: true }, t, t))).toEqual(["a1"]);
  });
});
