/**
 * The function builders every public function of user data goes through.
 * They derive the signed-in user server-side; no function takes a userId to
 * decide access.
 */
import { getAuthUserId } from "@convex-dev/auth/server";
import {
  customAction,
  customCtx,
  customMutation,
  customQuery,
  type Customization,
} from "convex-helpers/server/customFunctions";
import { v } from "convex/values";
import type { Doc, Id, TableNames } from "./_generated/dataModel";
import {
  action,
  internalMutation as rawInternalMutation,
  internalQuery as rawInternalQuery,
  mutation,
  query,
  type ActionCtx,
  type MutationCtx,
  type QueryCtx,
} from "./_generated/server";
import { env } from "./lib/env";
import { appError } from "./lib/errors";
import { meterDb, meteringEnabled, newMeter, report } from "./lib/metering";
import type { Actor } from "./schema";

/**
 * Every query and mutation builder adds `extra` to ctx, and in bench mode (BENCH_METRICS=1,
 * local emulator only) counts the documents the function reads and writes (convex/lib/metering.ts).
 */
function builder<Ctx extends { db: object }, Extra extends Record<string, unknown>>(
  extra: (ctx: Ctx) => Promise<Extra> | Extra,
): Customization<Ctx, Record<string, never>, Extra & { db: Ctx["db"] }, Record<string, never>> {
  return {
    args: {},
    input: async (ctx: Ctx) => {
      const added = await extra(ctx);
      const { db, onSuccess } = metered(ctx.db);
      return { ctx: { ...added, db }, args: {}, onSuccess };
    },
  };
}

/** `db` as is, or (bench mode) counting into a meter reported when the function succeeds. */
function metered<DB extends object>(db: DB): { db: DB; onSuccess?: () => void } {
  if (!meteringEnabled()) return { db };
  const meter = newMeter();
  return { db: meterDb(db, meter), onSuccess: () => report(meter) };
}

const nothing = () => ({});

/** Internal queries and mutations (scheduler, webhooks, API, crons): the same builders, metered in bench mode. */
export const internalQuery = customQuery(rawInternalQuery, builder<QueryCtx, Record<never, never>>(nothing));
export const internalMutation = customMutation(rawInternalMutation, builder<MutationCtx, Record<never, never>>(nothing));

/**
 * Internal mutations that write demo or benchmark data: refused unless the deployment allows
 * seeding (ALLOW_SEED_DATA=true, which only the local emulator's .env.local sets), so they can
 * never touch production data by accident.
 */
export const seedMutation = customMutation(
  rawInternalMutation,
  builder<MutationCtx, Record<never, never>>(() => {
    if (!env.seedDataAllowed()) {
      throw appError(
        "INVALID_STATE",
        "Seeding demo or test data is off on this deployment. To seed on purpose: npx convex env set ALLOW_SEED_DATA true, run it, then npx convex env remove ALLOW_SEED_DATA.",
      );
    }
    return {};
  }),
);

async function requireUserId(ctx: QueryCtx | MutationCtx | ActionCtx): Promise<Id<"users">> {
  const userId = await getAuthUserId(ctx);
  if (userId === null) throw appError("UNAUTHENTICATED");
  return userId;
}

/** A query run as the signed-in user: `ctx.userId` is set, signed-out callers get UNAUTHENTICATED. */
export const userQuery = customQuery(
  query,
  builder(async (ctx: QueryCtx) => ({ userId: await requireUserId(ctx) })),
);

/** A mutation run as the signed-in user; `ctx.actor` is the audit actor. */
export const userMutation = customMutation(
  mutation,
  builder(async (ctx: MutationCtx) => {
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
  builder(async (ctx: QueryCtx) => ({ userId: await getAuthUserId(ctx) })),
);

/**
 * The REST API's internal functions: the HTTP layer resolves the API key to its user and
 * passes `userId` and the key's display prefix; `ctx.actor` is the key, for the audit log.
 * Internal only: nothing outside this deployment can call them with a userId of its choice.
 */
const apiArgs = { userId: v.id("users"), keyPrefix: v.string() };
function apiCustomization<Ctx extends { db: object }>(): Customization<
  Ctx,
  typeof apiArgs,
  { userId: Id<"users">; actor: Actor; db: Ctx["db"] },
  Record<string, never>
> {
  return {
    args: apiArgs,
    input: async (ctx: Ctx, { userId, keyPrefix }: { userId: Id<"users">; keyPrefix: string }) => {
      const actor: Actor = { kind: "apiKey", id: keyPrefix };
      const { db, onSuccess } = metered(ctx.db);
      return { ctx: { userId, actor, db }, args: {}, onSuccess };
    },
  };
}
export const apiQuery = customQuery(rawInternalQuery, apiCustomization<QueryCtx>());
export const apiMutation = customMutation(rawInternalMutation, apiCustomization<MutationCtx>());

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

/**
 * `getOwned` for an id that arrived as text (a URL or a JSON body): a malformed id, an id of
 * another table, a missing document and someone else's document all give NOT_FOUND.
 */
export async function getOwnedByString<T extends OwnedTable>(
  ctx: { db: QueryCtx["db"]; userId: Id<"users"> },
  table: T,
  id: string,
): Promise<Doc<T>> {
  const normalized = ctx.db.normalizeId(table, id);
  if (normalized === null) throw appError("NOT_FOUND");
  return await getOwned(ctx, table, normalized);
}
