/**
 * The function builders every public function of user data goes through.
 * They derive the signed-in user server-side; no function takes a userId to
 * decide access.
 */
import { getAuthUserId } from "@convex-dev/auth/server";
import { customAction, customCtx, customMutation, customQuery } from "convex-helpers/server/customFunctions";
import type { Doc, Id, TableNames } from "./_generated/dataModel";
import {
  action,
  mutation,
  query,
  type ActionCtx,
  type MutationCtx,
  type QueryCtx,
} from "./_generated/server";
import { appError } from "./lib/errors";
import type { Actor } from "./schema";

async function requireUserId(ctx: QueryCtx | MutationCtx | ActionCtx): Promise<Id<"users">> {
  const userId = await getAuthUserId(ctx);
  if (userId === null) throw appError("UNAUTHENTICATED");
  return userId;
}

/** A query run as the signed-in user: `ctx.userId` is set, signed-out callers get UNAUTHENTICATED. */
export const userQuery = customQuery(
  query,
  customCtx(async (ctx) => ({ userId: await requireUserId(ctx) })),
);

/** A mutation run as the signed-in user; `ctx.actor` is the audit actor. */
export const userMutation = customMutation(
  mutation,
  customCtx(async (ctx) => {
    const userId = await requireUserId(ctx);
    const actor: Actor = { kind: "user", id: userId };
    return { userId, actor };
  }),
);

/** An action run as the signed-in user. */
export const userAction = customAction(
  action,
  customCtx(async (ctx) => ({ userId: await requireUserId(ctx) })),
);

/** A query that also works signed out: `ctx.userId` is null then. */
export const optionalUserQuery = customQuery(
  query,
  customCtx(async (ctx) => ({ userId: await getAuthUserId(ctx) })),
);

type OwnedTable = {
  [T in TableNames]: Doc<T> extends { userId: Id<"users"> } ? T : never;
}[TableNames];

/**
 * Load a document the user owns. Someone else's id and a missing id give the
 * same NOT_FOUND, so nobody can detect another user's data.
 */
export async function getOwned<T extends OwnedTable>(
  ctx: { db: QueryCtx["db"]; userId: Id<"users"> },
  table: T,
  id: Id<T>,
): Promise<Doc<T>> {
  const doc = (await ctx.db.get(table, id)) as (Doc<T> & { userId: Id<"users"> }) | null;
  if (doc === null || doc.userId !== ctx.userId) throw appError("NOT_FOUND");
  return doc;
}
