/**
 * The emulator's database at 100,000 documents, through the emulator (its VM, syscalls, MVCC
 * store and indexes): index lookups, a page deep into a table, and an insert with its commit.
 * The same functions (bench/fixture/convex/items.ts) on plain convex-test are the reference.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import type { Value } from "convex/values";
import { startBenchEmulator } from "./harness";
import { round, type Benchmark, type Figure } from "./stats";
import schema from "./fixture/convex/schema";

const DOCS = 100_000;
const GROUPS = 1000;
const FIXTURE = path.join(import.meta.dirname, "fixture/convex");

type Call = (name: "load" | "lookup" | "page" | "insert", args: Record<string, Value>) => Promise<unknown>;

async function load(call: Call, docs: number) {
  for (let start = 0; start < docs; start += 5000) await call("load", { start, count: 5000, groups: GROUPS });
}

/** Mean ms of `fn` over `runs` (after one unmeasured run). */
async function time(runs: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  await fn(0);
  const started = performance.now();
  for (let i = 1; i <= runs; i++) await fn(i);
  return (performance.now() - started) / runs;
}

async function measure(call: Call, docs: number, runs: number) {
  const lookup = await time(runs, (i) => call("lookup", { group: i % GROUPS }));
  // A cursor half-way through the table (walked in pages far below the read limits), then the next 50.
  let cursor: string | null = null;
  for (let read = 0; read < docs / 2; read += 10_000) {
    cursor = ((await call("page", { cursor, numItems: 10_000 })) as { continueCursor: string }).continueCursor;
  }
  const deepPage = await time(runs, () => call("page", { cursor, numItems: 50 }));
  const commit = await time(runs, (i) => call("insert", { group: i % GROUPS, n: docs + i }));
  return { lookup, deepPage, commit };
}

export const databaseBenchmark: Benchmark = {
  name: "database-100k",
  description: `${DOCS.toLocaleString()} documents through the emulator (functions in its VM, MVCC store, indexes), convex-test as reference (ms per call)`,
  async run({ quick }): Promise<Figure[]> {
    const docs = quick ? DOCS / 10 : DOCS;
    const runs = quick ? 50 : 200;
    const emulator = await startBenchEmulator({ port: 0, sitePort: 0, convexDir: FIXTURE, envFile: null, dataDir: null, log: () => undefined });
    const onEmulator: Call = (name, args) =>
      emulator.engine.runAny(`items:${name}`, args, name === "load" || name === "insert" ? "mutation" : "query");
    const t = convexTest({
      schema,
      modules: {
        "./_generated/server.ts": () => import("./fixture/convex/_generated/server"),
        "./items.ts": () => import("./fixture/convex/items"),
      },
    });
    const onConvexTest: Call = (name, args) =>
      name === "load" || name === "insert" ? t.mutation(anyApi.items[name], args) : t.query(anyApi.items[name], args);
    try {
      let started = performance.now();
      await load(onEmulator, docs);
      const loadEmulator = performance.now() - started;
      started = performance.now();
      await load(onConvexTest, docs);
      const loadPlain = performance.now() - started;
      const e = await measure(onEmulator, docs, runs);
      const p = await measure(onConvexTest, docs, 5);
      const row = (name: string, measured: string, value: number, plain: number): Figure => ({
        name: `emulator db: ${name}`,
        measured: `${measured} at ${docs.toLocaleString()} documents, mean over ${name === "load" ? 1 : runs} runs`,
        unit: "ms",
        runs: name === "load" ? 1 : runs,
        value: round(value, 3),
        target: "informational",
        met: null,
        notes: `convex-test alone: ${round(plain, 3)} ms`,
      });
      return [
        row("load", `inserting ${docs.toLocaleString()} documents (mutations of 5,000)`, loadEmulator, loadPlain),
        row("index take(20)", "a query: an index range, newest 20", e.lookup, p.lookup),
        row("deep page", "a query: a page of 50 from a cursor half-way through the table", e.deepPage, p.deepPage),
        row("insert + commit", "a mutation: one insert and its commit (index upkeep included)", e.commit, p.commit),
      ];
    } finally {
      await emulator.close();
    }
  },
};
