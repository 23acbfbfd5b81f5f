// @vitest-environment node
/**
 * The emulator's accelerated database must answer every query exactly as convex-test does.
 * Two convex-test instances get the same random writes (at the same clock); one is accelerated.
 * Random index ranges, orders, filters, limits and pages (with cursors, end cursors and row
 * limits), inside and outside transactions with pending writes, must give identical results.
 */
import { convexTest } from "convex-test";
import { defineSchema, defineTable, type GenericMutationCtx, type GenericDataModel } from "convex/server";
import { v } from "convex/values";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { accelerateConvexTest, setIndexChunkSizeForTests } from "../support/fastConvexTest";

// Tiny index chunks, so ranges, pages and updates cross chunk boundaries all the time.
beforeAll(() => setIndexChunkSizeForTests(3));
afterAll(() => setIndexChunkSizeForTests(512));

const schema = defineSchema({
  items: defineTable({
    a: v.optional(v.union(v.number(), v.string(), v.null())),
    b: v.optional(v.number()),
    c: v.string(),
    nested: v.optional(v.object({ x: v.number() })),
  })
    .index("by_a", ["a"])
    .index("by_a_and_b", ["a", "b"])
    .index("by_c_and_a", ["c", "a"])
    .index("by_nested_x", ["nested.x"]),
  others: defineTable({ n: v.number() }).index("by_n", ["n"]),
});

const modules = { "./_generated/server.js": async () => ({}) };
const INDEXES: Record<string, string[]> = {
  by_a: ["a"],
  by_a_and_b: ["a", "b"],
  by_c_and_a: ["c", "a"],
  by_nested_x: ["nested.x"],
  by_creation_time: ["_creationTime"],
};

// Small value domains so that index prefixes collide and ranges have interesting shapes.
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Ctx = GenericMutationCtx<GenericDataModel>;

function scenario(seed: number) {
  const random = rng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: T[]): T => xs[int(xs.length)];
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
    field === "c"
      ? pick(["p", "q", "r", "a", "s"])
      : field === "b" || field === "nested.x"
        ? int(7) - 1
        : aValue();

  /** A random query description, applied through the public query builder. */
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
    const order = pick(["asc", "desc"] as const);
    return { index, eqs, bounds, filter, order };
  };
  return { random, int, pick, fields, queryPlan };
}

type Plan = ReturnType<ReturnType<typeof scenario>["queryPlan"]>;

function build(anyCtx: unknown, plan: Plan) {
  const ctx = anyCtx as Ctx;
  let q =
    plan.index === "by_creation_time" && plan.eqs.length === 0
      ? ctx.db.query("items")
      : ctx.db.query("items").withIndex(plan.index, (r) => {
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          let range: any = r;
          for (const [f, value] of plan.eqs) range = range.eq(f, value);
          for (const [op, f, value] of plan.bounds) range = range[op](f, value);
          return range;
        });
  q = q.order(plan.order) as typeof q;
  if (plan.filter === "c=q") q = q.filter((f) => f.eq(f.field("c"), "q")) as typeof q;
  if (plan.filter === "b>2") q = q.filter((f) => f.gt(f.field("b"), 2)) as typeof q;
  if (plan.filter === "a!=null") q = q.filter((f) => f.neq(f.field("a"), null)) as typeof q;
  return q;
}

async function attempt<T>(fn: () => Promise<T>): Promise<{ ok: T } | { error: string }> {
  try {
    return { ok: await fn() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

let movedEndsTotal = 0;

describe("accelerated convex-test database", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test.each([1, 2, 3, 4, 5, 6])("gives the same results as convex-test (seed %i)", { timeout: 60_000 }, async (seed) => {
    const plain = convexTest({ schema, modules });
    const fast = convexTest({ schema, modules });
    await accelerateConvexTest(fast);
    const s = scenario(seed);
    const ids: string[] = [];
    const stats = { checks: 0, failed: 0, pages: 0, movedEnds: 0, nonEmpty: 0 };

    // Run the same thing on both at the same clock, and compare.
    const both = async <T>(fn: (t: typeof plain) => Promise<T>) => {
      const now = Date.now();
      const expected = await attempt(() => fn(plain));
      vi.setSystemTime(now);
      const actual = await attempt(() => fn(fast));
      vi.setSystemTime(now + 7);
      return { expected, actual };
    };
    const same = async (label: string, fn: (t: typeof plain) => Promise<unknown>) => {
      const { expected, actual } = await both(fn);
      expect(actual, label).toEqual(expected);
      stats.checks += 1;
      if ("error" in expected) stats.failed += 1;
      else if (JSON.stringify(expected.ok).includes("_id")) stats.nonEmpty += 1;
      return expected;
    };

    for (let round = 0; round < 40; round++) {
      // A transaction of random writes, reading its own writes before committing.
      const writes = Array.from({ length: 1 + s.int(12) }, () => ({
        op: ids.length < 5 ? "insert" : s.pick(["insert", "insert", "patch", "replace", "delete"]),
        target: s.int(1000),
        doc: s.fields(),
        other: s.random() < 0.2 ? s.int(5) : null,
      }));
      const readPlans = [s.queryPlan(), s.queryPlan()];
      const takes = [1 + s.int(20), 1 + s.int(20)];
      const pageItems = 1 + s.int(5);
      const result = await same(`round ${round} writes`, (t) =>
        t.run(async (ctx) => {
          const created: string[] = [];
          const live = [...ids];
          for (const w of writes) {
            if (w.op === "insert" || live.length === 0) {
              const id = await ctx.db.insert("items", w.doc as never);
              created.push(id);
              live.push(id);
              continue;
            }
            const id = live[w.target % live.length] as never;
            if (w.op === "patch") await ctx.db.patch(id, { ...w.doc, a: w.doc.a ?? undefined } as never);
            if (w.op === "replace") await ctx.db.replace(id, w.doc as never);
            if (w.op === "delete") {
              await ctx.db.delete(id);
              live.splice(live.indexOf(id), 1);
            }
            if (w.other !== null) await ctx.db.insert("others", { n: w.other });
          }
          const reads = [];
          for (const [i, plan] of readPlans.entries()) reads.push(await build(ctx, plan).take(takes[i]));
          reads.push(await build(ctx, readPlans[0]).paginate({ numItems: pageItems, cursor: null }));
          return { created, live, reads };
        }),
      );
      if ("ok" in result) {
        ids.length = 0;
        ids.push(...(result.ok as { live: string[] }).live);
      }

      // Committed reads: collect, take, first, unique-ish, count through a full scan.
      for (let i = 0; i < 6; i++) {
        const plan = s.queryPlan();
        const n = s.int(8);
        await same(`round ${round} query ${JSON.stringify(plan)}`, (t) =>
          t.query(async (ctx) => ({
            all: await build(ctx, plan).collect(),
            some: await build(ctx, plan).take(n),
            first: await build(ctx, plan).first(),
          })),
        );
      }

      // Pages: walk a whole range page by page, then replay one page with its end cursor.
      const plan = s.queryPlan();
      const numItems = 1 + s.int(6);
      const maximumRowsRead = s.random() < 0.3 ? 2 + s.int(5) : undefined;
      let cursor: string | null = null;
      const ends: Array<[string | null, string]> = [];
      for (let page = 0; page < 30; page++) {
        const r = (await same(`round ${round} page ${page} ${JSON.stringify(plan)}`, (t) =>
          t.query(async (ctx) => build(ctx, plan).paginate({ numItems, cursor, maximumRowsRead })),
        )) as { ok?: { continueCursor: string; isDone: boolean } };
        if (!r.ok || r.ok.isDone) break;
        stats.pages += 1;
        ends.push([cursor, r.ok.continueCursor]);
        cursor = r.ok.continueCursor;
      }
      if (ends.length > 0) {
        // Change the data, then replay a page with its journaled end, as a subscription does.
        const victim = ids.length > 0 ? ids[s.int(ids.length)] : null;
        const extra = s.fields();
        await both((t) =>
          t.run(async (ctx) => {
            if (victim) await ctx.db.delete(victim as never);
            await ctx.db.insert("items", extra as never);
          }),
        );
        const live = await plain.query(async (ctx) =>
          (await ctx.db.query("items").collect()).map((d) => d._id),
        );
        ids.splice(0, ids.length, ...live);
        const [start, end] = ends[s.int(ends.length)];
        const { expected, actual } = await both((t) =>
          t.query(async (ctx) => build(ctx, plan).paginate({ numItems, cursor: start, endCursor: end })),
        );
        if ("ok" in expected && "ok" in actual && expected.ok.continueCursor === "_end_cursor") {
          // Deliberate difference: the real backend's page still ends at its end cursor.
          expect(actual.ok).toEqual({ ...expected.ok, continueCursor: end, isDone: false });
          stats.movedEnds += 1;
        } else {
          expect(actual).toEqual(expected);
        }
        stats.checks += 1;
      }
    }

    // Misuse gives the same errors (ranges the types would reject, built through a loose view).
    type Loose = { [op: string]: (field: string, value: unknown) => Loose };
    const loose = (q: unknown) => q as Loose;
    const bad: Array<(ctx: Ctx) => Promise<unknown>> = [
      (ctx) =>
        ctx.db
          .query("items")
          .withIndex("by_a_and_b", (q) => loose(q).eq("b", 1) as never)
          .collect(),
      (ctx) =>
        ctx.db
          .query("items")
          .withIndex("by_a_and_b", (q) => loose(q).gt("a", 1).eq("b", 2) as never)
          .collect(),
      (ctx) => ctx.db.query("items").withIndex("nope").collect(),
      (ctx) =>
        ctx.db
          .query("items")
          .withIndex("by_a", (q) => loose(q).lt("a", 3).gt("a", 0) as never)
          .collect(),
    ];
    for (const [i, fn] of bad.entries())
      await same(`misuse ${i}`, (t) => t.query(async (ctx) => fn(ctx as unknown as Ctx)));

    // The comparison must have exercised real data, not only errors and empty results.
    expect(stats.checks).toBeGreaterThan(400);
    expect(stats.nonEmpty).toBeGreaterThan(stats.checks / 2);
    expect(stats.failed).toBeLessThan(stats.checks / 10);
    expect(stats.pages).toBeGreaterThan(40);
    movedEndsTotal += stats.movedEnds;
    const total = await fast.query(async (ctx) => (await ctx.db.query("items").collect()).length);
    expect(total).toBeGreaterThan(20);
  });

  test("exercised the deliberate end-cursor difference", () => {
    expect(movedEndsTotal).toBeGreaterThan(0);
  });
});
