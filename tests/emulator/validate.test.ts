// @vitest-environment node
/** emulator/validate.ts must agree with convex-test's own schema validation on every value, and check records, which convex-test does not. */
import { convexTest } from "convex-test";
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { describe, expect, it } from "vitest";
import { isValid, type ValidatorJson } from "../../emulator/validate";

const table = defineTable({
  s: v.string(),
  n: v.optional(v.number()),
  b: v.boolean(),
  status: v.union(v.literal("a"), v.literal("b"), v.literal("c")),
  id: v.optional(v.id("things")),
  arr: v.optional(v.array(v.union(v.string(), v.null()))),
  obj: v.optional(v.object({ x: v.number(), y: v.optional(v.string()) })),
  rec: v.optional(v.record(v.string(), v.number())),
  big: v.optional(v.int64()),
  any: v.optional(v.any()),
  nested: v.optional(v.union(v.object({ kind: v.literal("k"), n: v.number() }), v.array(v.number()), v.null())),
});
const schema = defineSchema({ things: table, others: defineTable({ x: v.number() }) });
const validator = (schema.tables.things as unknown as { export(): { documentType: ValidatorJson } }).export().documentType;

function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

describe("fast schema validation", () => {
  it("agrees with convex-test on 3,000 random documents, valid and not", async () => {
    const t = convexTest({ schema, modules: { "./_generated/server.js": async () => ({}) } });
    const otherId = await t.run(async (ctx) => ctx.db.insert("others", { x: 1 }));
    const thingId = await t.run(async (ctx) => ctx.db.insert("things", { s: "", b: true, status: "a" }));
    const random = rng(42);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
    const values: unknown[] = ["x", "", 1, 0, -1.5, true, false, null, undefined, 3n, [], {}, ["a", null], [1], { x: 1 }, { x: "1" }, { x: 1, y: "y" }, { x: 1, z: 2 }, "a", "b", "d", thingId, otherId, { kind: "k", n: 1 }, { kind: "j", n: 1 }, [1, "2"], { a: 1 }, { a: "1" }];
    let valid = 0;
    let invalid = 0;
    let recordsRefused = 0;
    for (let i = 0; i < 3000; i++) {
      const doc: Record<string, unknown> = { s: "ok", b: true, status: "a" };
      for (const field of ["s", "n", "b", "status", "id", "arr", "obj", "rec", "big", "any", "nested", "extra"]) {
        if (random() < 0.1) {
          const value = pick(values);
          if (value === undefined) delete doc[field];
          else doc[field] = value;
        }
      }
      const fast = isValid(validator, doc);
      // convex-test's verdict: does inserting it throw a validator error?
      const slow = await t
        .run(async (ctx) => {
          await ctx.db.insert("things", doc as never);
          throw new Error("rollback");
        })
        .then(
          () => true,
          (error: Error) => error.message === "rollback",
        );
      // One deliberate difference: Convex checks records (convex-test accepts any object).
      const rec = doc.rec as unknown;
      const recordOk =
        rec === undefined ||
        (typeof rec === "object" && rec !== null && !Array.isArray(rec) && Object.values(rec).every((x) => typeof x === "number"));
      if (!recordOk) recordsRefused++;
      expect(fast, JSON.stringify(doc, (_k, x) => (typeof x === "bigint" ? `${x}n` : x))).toBe(slow && recordOk);
      if (fast) valid++;
      else invalid++;
    }
    expect(valid).toBeGreaterThan(100);
    expect(invalid).toBeGreaterThan(100);
    expect(recordsRefused).toBeGreaterThan(10);
  });
});

describe("chunked sorted list", () => {
  it("behaves like an array under random inserts, removes and replacements across chunk splits", async () => {
    const { ChunkedList } = await import("../../emulator/store");
    const random = rng(7);
    const list = ChunkedList.from(Array.from({ length: 700 }, (_, i) => i));
    const array = Array.from({ length: 700 }, (_, i) => i);
    for (let step = 0; step < 6000; step++) {
      const r = random();
      if (r < 0.55 || array.length === 0) {
        const i = Math.floor(random() * (array.length + 1));
        list.insert(i, step + 1000);
        array.splice(i, 0, step + 1000);
      } else if (r < 0.9) {
        const i = Math.floor(random() * array.length);
        list.remove(i);
        array.splice(i, 1);
      } else {
        const i = Math.floor(random() * array.length);
        list.set(i, -step);
        array[i] = -step;
      }
      if (step % 500 === 0 || step === 5999) {
        expect(list.length).toBe(array.length);
        expect(Array.from({ length: list.length }, (_, i) => list.at(i))).toEqual(array);
        const probe = array[Math.floor(array.length / 3)];
        expect(list.findIndex((x) => x === probe)).toBe(array.indexOf(probe));
      }
    }
    expect(array.length).toBeGreaterThan(1500); // grew well past several chunk splits
    expect(list.at(-1)).toBeUndefined();
    expect(list.at(list.length)).toBeUndefined();
  });
});
