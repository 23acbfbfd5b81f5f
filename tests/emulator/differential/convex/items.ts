/**
 * The same random workload for the emulator and for convex-test (tests/emulator/differential.test.ts):
 * writes, then queries built from a plan — index ranges, orders, filters, limits and pages.
 */
import type { GenericDatabaseReader, GenericDataModel } from "convex/server";
import { v } from "convex/values";
import { mutation, query } from "./_generated/server";

type Db = GenericDatabaseReader<GenericDataModel>;
export type Plan = {
  index: string;
  eqs: Array<[string, unknown]>;
  bounds: Array<[string, string, unknown]>;
  filter: "c=q" | "b>2" | "a!=null" | null;
  order: "asc" | "desc";
};

// Plans travel as Convex values, which have no `undefined`: this string stands for it in ranges.
const vPlan = v.any();
const UNDEFINED = "__undefined__";
const value = (x: unknown) => (x === UNDEFINED ? undefined : x);

function build(db: Db, plan: Plan) {
  type Range = { [op: string]: (field: string, value: unknown) => Range };
  let q =
    plan.index === "by_creation_time" && plan.eqs.length === 0
      ? db.query("items")
      : db.query("items").withIndex(plan.index, (r) => {
          let range = r as unknown as Range;
          for (const [f, x] of plan.eqs) range = range.eq(f, value(x));
          for (const [op, f, x] of plan.bounds) range = range[op](f, value(x));
          return range as never;
        });
  q = q.order(plan.order) as typeof q;
  /* eslint-disable @convex-dev/no-filter-in-query -- the engine's filters are under test */
  if (plan.filter === "c=q") q = q.filter((f) => f.eq(f.field("c"), "q")) as typeof q;
  if (plan.filter === "b>2") q = q.filter((f) => f.gt(f.field("b"), 2)) as typeof q;
  if (plan.filter === "a!=null") q = q.filter((f) => f.neq(f.field("a"), null)) as typeof q;
  /* eslint-enable @convex-dev/no-filter-in-query */
  return q;
}

type Write = { op: string; target: number; doc: Record<string, unknown>; other: number | null };

export const apply = mutation({
  args: { ids: v.array(v.string()), writes: v.any(), plans: vPlan, takes: v.array(v.number()), pageItems: v.number() },
  handler: async (ctx, { ids, writes, plans, takes, pageItems }) => {
    const created: string[] = [];
    const live = [...ids];
    for (const w of writes as Write[]) {
      if (w.op === "insert" || live.length === 0) {
        const id = await ctx.db.insert("items", w.doc);
        created.push(id);
        live.push(id);
        continue;
      }
      const id = live[w.target % live.length] as never;
      if (w.op === "patch") await ctx.db.patch("items", id, { ...w.doc, a: w.doc.a ?? undefined });
      if (w.op === "replace") await ctx.db.replace("items", id, w.doc);
      if (w.op === "delete") {
        await ctx.db.delete("items", id);
        live.splice(live.indexOf(id), 1);
      }
      if (w.other !== null) await ctx.db.insert("others", { n: w.other });
    }
    const reads: unknown[] = [];
    for (const [i, plan] of (plans as Plan[]).entries()) reads.push(await build(ctx.db, plan).take(takes[i]));
    reads.push(await build(ctx.db, (plans as Plan[])[0]).paginate({ numItems: pageItems, cursor: null }));
    return { created, live, reads };
  },
});

export const read = query({
  args: { plan: vPlan, n: v.number() },
  handler: async (ctx, { plan, n }) => ({
    all: await build(ctx.db, plan).collect(),
    some: await build(ctx.db, plan).take(n),
    first: await build(ctx.db, plan).first(),
  }),
});

export const page = query({
  args: { plan: vPlan, numItems: v.number(), cursor: v.union(v.string(), v.null()), endCursor: v.optional(v.string()), maximumRowsRead: v.optional(v.number()) },
  handler: async (ctx, { plan, ...options }) => await build(ctx.db, plan).paginate(options),
});

export const change = mutation({
  args: { victim: v.union(v.string(), v.null()), extra: v.any() },
  handler: async (ctx, { victim, extra }) => {
    if (victim) await ctx.db.delete("items", victim as never);
    await ctx.db.insert("items", extra);
  },
});

export const ids = query({ args: {}, handler: async (ctx) => (await ctx.db.query("items").collect()).map((d) => d._id) });

/** Ranges the types would refuse: both engines must give the same errors. */
export const misuse = query({
  args: { i: v.number() },
  handler: async (ctx, { i }) => {
    type Loose = { [op: string]: (field: string, value: unknown) => Loose };
    const loose = (q: unknown) => q as Loose;
    const db = ctx.db;
    if (i === 0) return await db.query("items").withIndex("by_a_and_b", (q) => loose(q).eq("b", 1) as never).collect();
    if (i === 1) return await db.query("items").withIndex("by_a_and_b", (q) => loose(q).gt("a", 1).eq("b", 2) as never).collect();
    if (i === 2) return await db.query("items").withIndex("nope").collect();
    return await db.query("items").withIndex("by_a", (q) => loose(q).lt("a", 3).gt("a", 0) as never).collect();
  },
});
