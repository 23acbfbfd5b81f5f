/**
 * convex-test's database against the emulator's accelerated one (emulator/fastdb.ts) at
 * 100,000 documents: index lookups, pages deep into a table, and a commit.
 */
import { performance } from "node:perf_hooks";
import { convexTest } from "convex-test";
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { accelerateConvexTest } from "../emulator/engine";
import { round, type Benchmark, type Figure } from "./stats";

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
  async run(): Promise<Figure[]> {
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
    const row = (name: string, measured: string, emulator: number, plainValue: number): Figure => ({
      name: `emulator db: ${name}`,
      measured: `${measured} at ${DOCS.toLocaleString()} documents, mean over ${name === "load" ? 1 : 200} runs`,
      unit: "ms",
      runs: name === "load" ? 1 : 200,
      value: round(emulator, 3),
      target: "informational",
      met: null,
      notes: `convex-test alone: ${round(plainValue, 3)} ms`,
    });
    return [
      row("load", `inserting ${DOCS.toLocaleString()} documents (batches of 5,000)`, loadFast, loadPlain),
      row("index take(20)", "an index range, newest 20", f.lookup, p.lookup),
      row("deep page", "a page of 50 from a cursor half-way through the table", f.deepPage, p.deepPage),
      row("insert + commit", "one insert and its commit (index upkeep included)", f.commit, p.commit),
    ];
  },
};
