/**
 * Idempotency-Key support for POST /messages and POST /broadcasts. The first successful
 * response is stored with the key, in the same transaction as the send, so a retry (even
 * one racing the original) gets that response back and nothing is sent twice. Records
 * are per user and expire after a day. A request that fails stores nothing and can be
 * retried with the same key.
 */
import { v, type Infer } from "convex/values";
import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { type MutationCtx } from "../_generated/server";
import { internalMutation } from "../functions";
import { appError } from "../lib/errors";
import type { ApiResult } from "./route";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export const vIdempotency = v.union(v.null(), v.object({ key: v.string(), requestHash: v.string() }));
export type Idempotency = Infer<typeof vIdempotency>;

export type StoredResult = { status: number; body: unknown; replayed: boolean };

/** A request's idempotency, for the mutation that sends: none without an `Idempotency-Key`. */
export function idempotencyOf(key: string | null, requestHash: string): Idempotency {
  return key === null ? null : { key, requestHash };
}

/** The HTTP answer of an idempotent send: the first response, marked when it is a replay. */
export function storedResponse(result: StoredResult): ApiResult {
  return {
    status: result.status,
    body: result.body,
    ...(result.replayed ? { headers: { "Idempotent-Replayed": "true" } } : {}),
  };
}

/**
 * Run `send` once per (user, Idempotency-Key). The same key with another route or body
 * is refused with IDEMPOTENCY_KEY_REUSED.
 */
export async function onceForKey(
  ctx: Pick<MutationCtx, "db" | "scheduler">,
  userId: Id<"users">,
  idempotency: Idempotency,
  route: string,
  send: () => Promise<{ status: number; body: unknown }>,
): Promise<StoredResult> {
  if (idempotency === null) return { ...(await send()), replayed: false };
  const now = Date.now();
  const existing = await ctx.db
    .query("apiIdempotency")
    .withIndex("by_user_and_key", (q) => q.eq("userId", userId).eq("key", idempotency.key))
    .unique();
  if (existing !== null && existing.expiresAt > now) {
    if (existing.route !== route || existing.requestHash !== idempotency.requestHash) {
      throw appError("IDEMPOTENCY_KEY_REUSED", undefined, { header: "Idempotency-Key" });
    }
    return { status: existing.status, body: JSON.parse(existing.response) as unknown, replayed: true };
  }
  if (existing !== null) await ctx.db.delete("apiIdempotency", existing._id);
  const result = await send();
  const expiresAt = now + IDEMPOTENCY_TTL_MS;
  const id = await ctx.db.insert("apiIdempotency", {
    userId,
    key: idempotency.key,
    route,
    requestHash: idempotency.requestHash,
    status: result.status,
    response: JSON.stringify(result.body),
    expiresAt,
  });
  await ctx.scheduler.runAt(expiresAt, internal.api.idempotency.expire, { id });
  return { ...result, replayed: false };
}

/** Forget a stored result once its day is over. */
export const expire = internalMutation({
  args: { id: v.id("apiIdempotency") },
  returns: v.null(),
  handler: async (ctx, { id }) => {
    const record = await ctx.db.get("apiIdempotency", id);
    if (record !== null && record.expiresAt <= Date.now()) await ctx.db.delete("apiIdempotency", id);
    return null;
  },
});
