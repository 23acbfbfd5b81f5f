/**
 * convex-test's database against the emulator's accelerated one (emulator/fastdb.ts) at
 * 100,000 documents: index lookups, pages deep into a table, and a commit.
 */
import { performance } from "node:perf_hooks";
import { convexTest } from "convex-test";
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { accelerateConvexTest } from "../emulator/engine";
import { round, type Benchmark } from "./stats";

const DOCS = 100_000;
const GROUPS = 1000;

const schema = defineSchema({
  items: defineTable({ group: v.number(), n: v.number(), body: v.string() }).index("by_group_and_n", [
    "group",
    "n",
  ]),
  other: defineTable({ x: v.number() }),
});
const modules = { "./_generated/server.js": async () => ({}) };
const makeTest = () => convexTest({ schema, modules });
type Test = ReturnType<typeof makeTest>;

async function load(t: Test) {
  for (let start = 0; start < DOCS; start += 5000) {
    await t.run(async (ctx) => {
      for (let i = start; i < start + 5000; i++) {
        await ctx.db.insert("items", { group: i % GROUPS, n: i, body: `message ${i}` });
      }
    });
  }
}

/** Mean ms of `fn` over `runs` (after one unmeasured run, which also builds indexes). */
async function time(runs: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  await fn(0);
  const started = performance.now();
  for (let i = 1; i <= runs; i++) await fn(i);
  return (performance.now() - started) / runs;
}

async function measure(t: Test, runs: number) {
  const lookup = await time(runs, (i) =>
    t.query(async (ctx) =>
      ctx.db
        .query("items")
        .withIndex("by_group_and_n", (q) => q.eq("group", i % GROUPS))
        .order("desc")
        .take(20),
    ),
  );
  // A cursor half-way through the table, then the next page of 50 from it.
  const cursor = await t.query(async (ctx) => {
    const first = await ctx.db.query("items").paginate({ numItems: DOCS / 2, cursor: null });
    return first.continueCursor;
  });
  const deepPage = await time(runs, () =>
    t.query(async (ctx) => ctx.db.query("items").paginate({ numItems: 50, cursor })),
  );
  const commit = await time(runs, (i) =>
    t.run(async (ctx) => {
      await ctx.db.insert("items", { group: i % GROUPS, n: DOCS + i, body: "new" });
    }),
  );
  return { lookup, deepPage, commit };
}

export const databaseBenchmark: Benchmark = {
  name: "database-100k",
  description: `${DOCS.toLocaleString()} documents: convex-test vs the emulator's indexes (ms per operation)`,
  async run() {
    const plain = makeTest();
    const fast = makeTest();
    await accelerateConvexTest(fast);
    let started = performance.now();
    await load(plain);
    const loadPlain = performance.now() - started;
    started = performance.now();
    await load(fast);
    const loadFast = performance.now() - started;

    const p = await measure(plain, 5);
    const f = await measure(fast, 200);
    return {
      "load 100k (s) convex-test": round(loadPlain / 1000),
      "load 100k (s) emulator": round(loadFast / 1000),
      "index take(20) convex-test": round(p.lookup),
      "index take(20) emulator": round(f.lookup, 3),
      "index take(20) speed-up": `${Math.round(p.lookup / f.lookup)}x`,
      "page at 50k + page of 50 convex-test": round(p.deepPage),
      "page at 50k + page of 50 emulator": round(f.deepPage, 3),
      "insert + commit convex-test": round(p.commit, 3),
      "insert + commit emulator": round(f.commit, 3),
    };
  },
};
