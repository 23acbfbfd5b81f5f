// @vitest-environment node
/**
 * The emulator's database (emulator/store.ts, emulator/query.ts) answers exactly as convex-test
 * does: the same functions (differential/convex/items.ts) run on both engines with the same
 * random writes at the same clock — index ranges, orders, filters, limits, pages with cursors,
 * end cursors and row limits, reads of a transaction's own writes, and misuse errors.
 */
import path from "node:path";
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { setIndexChunkSizeForTests } from "../../emulator/store";
import schema from "./differential/convex/schema";

const DIR = path.join(import.meta.dirname, "differential/convex");
const modules = import.meta.glob("./differential/convex/**/*.ts");
const INDEXES: Record<string, string[]> = {
  by_a: ["a"],
  by_a_and_b: ["a", "b"],
  by_c_and_a: ["c", "a"],
  by_nested_x: ["nested.x"],
  by_creation_time: ["_creationTime"],
};
const UNDEFINED = "__undefined__";

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function scenario(seed: number) {
  const random = rng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T,>(xs: T[]): T => xs[int(xs.length)];
  const aValue = () => pick<unknown>([undefined, null, 0, 1, 2, 3, -1.5, "x", "y", "z", ""]);
  const fields = () => {
    const doc: Record<string, unknown> = { c: pick(["p", "q", "r"]) };
    const a = aValue();
    if (a !== undefined) doc.a = a;
    if (random() < 0.8) doc.b = int(6);
    if (random() < 0.5) doc.nested = { x: int(4) };
    return doc;
  };
  const rangeValue = (field: string) =>
    field === "c" ? pick(["p", "q", "r", "a", "s"]) : field === "b" || field === "nested.x" ? int(7) - 1 : (aValue() ?? UNDEFINED);
  const queryPlan = () => {
    const index = pick(Object.keys(INDEXES));
    const fieldsOf = INDEXES[index];
    const eqCount = int(fieldsOf.length + 1);
    const eqs = fieldsOf.slice(0, eqCount).map((f) => [f, rangeValue(f)] as const);
    const next = fieldsOf[eqCount];
    const bounds: Array<[string, string, unknown]> = [];
    if (next && next !== "_creationTime") {
      if (random() < 0.5) bounds.push([pick(["gt", "gte"]), next, rangeValue(next)]);
      if (random() < 0.5) bounds.push([pick(["lt", "lte"]), next, rangeValue(next)]);
    }
    const filter = random() < 0.3 ? pick(["c=q", "b>2", "a!=null"]) : null;
    return { index, eqs, bounds, filter, order: pick(["asc", "desc"] as const) };
  };
  return { random, int, pick, fields, queryPlan };
}

let emulator: RunningEmulator;
beforeAll(async () => {
  setIndexChunkSizeForTests(3); // every range, page and update crosses chunk boundaries
  emulator = await startEmulator({ port: 0, sitePort: 0, convexDir: DIR, envFile: null, dataDir: null, log: () => undefined });
}, 120_000);
afterAll(async () => {
  setIndexChunkSizeForTests(512);
  await emulator?.close();
});
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
});
afterEach(() => vi.useRealTimers());

/** An error's message without the engine's framing ("Uncaught Error: …"). */
const reason = (e: unknown) => String((e as Error).message).replace(/^Uncaught \w+: /, "");
async function attempt<T>(fn: () => Promise<T>): Promise<{ ok: T } | { error: string }> {
  try {
    return { ok: await fn() };
  } catch (e) {
    return { error: reason(e) };
  }
}

describe("the emulator's database against convex-test", () => {
  test.each([1, 2, 3])("same results on random writes and queries (seed %i)", { timeout: 180_000 }, async (seed) => {
    await emulator.reset();
    const t = convexTest({ schema, modules });
    const s = scenario(seed);
    // Both engines number documents alike from the start.
    emulator.engine.store.nextDocId = 10000;
    emulator.engine.store.lastCreationTime = 0;
    const ids: string[] = [];
    const stats = { checks: 0, failed: 0, nonEmpty: 0, pages: 0 };
    type Name = "apply" | "read" | "page" | "change" | "ids" | "misuse";
    const run = (name: Name, args: object) => {
      const kind = name === "apply" || name === "change" ? "mutation" : "query";
      return {
        test: () => (kind === "mutation" ? t.mutation(anyApi.items[name], args) : t.query(anyApi.items[name], args)),
        emulator: () => emulator.engine.runAny(`items:${name}`, args as never, kind),
      };
    };
    const same = async (label: string, name: Name, args: object) => {
      const now = Date.now();
      const calls = run(name, args);
      const expected = await attempt(calls.test);
      vi.setSystemTime(now);
      const actual = await attempt(calls.emulator);
      vi.setSystemTime(now + 7);
      expect(actual, label).toEqual(expected);
      stats.checks += 1;
      if ("error" in expected) stats.failed += 1;
      else if (JSON.stringify(expected.ok).includes("_id")) stats.nonEmpty += 1;
      return expected;
    };

    for (let round = 0; round < 25; round++) {
      const writes = Array.from({ length: 1 + s.int(12) }, () => ({
        op: ids.length < 5 ? "insert" : s.pick(["insert", "insert", "patch", "replace", "delete"]),
        target: s.int(1000),
        doc: s.fields(),
        other: s.random() < 0.2 ? s.int(5) : null,
      }));
      const result = await same(`round ${round} writes`, "apply", {
        ids,
        writes,
        plans: [s.queryPlan(), s.queryPlan()],
        takes: [1 + s.int(20), 1 + s.int(20)],
        pageItems: 1 + s.int(5),
      });
      if ("ok" in result) ids.splice(0, ids.length, ...(result.ok as { live: string[] }).live);

      for (let i = 0; i < 5; i++) await same(`round ${round} read ${i}`, "read", { plan: s.queryPlan(), n: s.int(8) });

      const plan = s.queryPlan();
      const numItems = 1 + s.int(6);
      const maximumRowsRead = s.random() < 0.3 ? 2 + s.int(5) : undefined;
      let cursor: string | null = null;
      const ends: Array<[string | null, string]> = [];
      for (let p = 0; p < 30; p++) {
        const r = (await same(`round ${round} page ${p}`, "page", { plan, numItems, cursor, ...(maximumRowsRead ? { maximumRowsRead } : {}) })) as {
          ok?: { continueCursor: string; isDone: boolean };
        };
        if (!r.ok || r.ok.isDone) break;
        stats.pages += 1;
        ends.push([cursor, r.ok.continueCursor]);
        cursor = r.ok.continueCursor;
      }
      if (ends.length > 0) {
        // Change the data, then replay a page with its end cursor, as a subscription does.
        await same(`round ${round} change`, "change", { victim: ids.length > 0 ? ids[s.int(ids.length)] : null, extra: s.fields() });
        const live = (await same(`round ${round} ids`, "ids", {})) as { ok: string[] };
        ids.splice(0, ids.length, ...live.ok);
        const [start, end] = ends[s.int(ends.length)];
        const calls = run("page", { plan, numItems, cursor: start, endCursor: end });
        const expected = await attempt(calls.test);
        const actual = await attempt(calls.emulator);
        if ("ok" in expected && "ok" in actual && (expected.ok as { continueCursor: string }).continueCursor === "_end_cursor") {
          // Deliberate difference: the real backend's page still ends at its end cursor.
          expect(actual.ok).toEqual({ ...(expected.ok as object), continueCursor: end, isDone: false });
        } else {
          expect(actual).toEqual(expected);
        }
      }
    }
    for (let i = 0; i < 4; i++) await same(`misuse ${i}`, "misuse", { i });

    expect(stats.checks).toBeGreaterThan(150);
    expect(stats.nonEmpty).toBeGreaterThan(stats.checks / 2);
    expect(stats.failed).toBeLessThan(stats.checks / 8);
    expect(stats.pages).toBeGreaterThan(15);
  });
});
