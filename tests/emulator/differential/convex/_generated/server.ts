/** Stands in for `npx convex codegen` output in this test fixture (untyped builders). */
export { mutationGeneric as mutation, queryGeneric as query } from "convex/server";
