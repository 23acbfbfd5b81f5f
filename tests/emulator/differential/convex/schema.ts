import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  items: defineTable({
    a: v.optional(v.union(v.number(), v.string(), v.null())),
    b: v.optional(v.number()),
    c: v.string(),
    nested: v.optional(v.object({ x: v.number() })),
  })
    // The engine is under test: a prefix index orders by _creationTime, the longer one by "b".
    // eslint-disable-next-line @convex-dev/no-duplicate-indexes
    .index("by_a", ["a"])
    .index("by_a_and_b", ["a", "b"])
    .index("by_c_and_a", ["c", "a"])
    .index("by_nested_x", ["nested.x"]),
  others: defineTable({ n: v.number() }).index("by_n", ["n"]),
});
