/**
 * REST API authentication and rate limiting, in one small mutation per request: look the
 * key up by its hash, spend a token from the key's bucket, and note when it was last used
 * (at most once a minute). A failed authentication spends a token from the client IP's
 * stricter bucket instead. Both buckets are convex-helpers' token-bucket rate limiter.
 */
import { v } from "convex/values";
import { rateLimit, type RateLimitConfig } from "convex-helpers/server/rateLimit";
import { internal } from "../_generated/api";
import { internalMutation } from "../functions";

import { isKeyActive } from "../lib/apiKeys";
import { env } from "../lib/env";

const MINUTE = 60_000;
/** `lastUsedAt` is kept to this granularity, so a busy key is not written on every request. */
export const LAST_USED_GRANULARITY_MS = MINUTE;

/** Rate limit names in the `rateLimits` table. */
export const RATE_LIMITS = { perKey: "apiKey", authFailuresPerIp: "apiAuthFailure" } as const;

function bucket({ perMinute, burst }: { perMinute: number; burst: number }): RateLimitConfig {
  return { kind: "token bucket", rate: perMinute, period: MINUTE, capacity: burst };
}

export const vAuthResult = v.union(
  v.object({ ok: v.literal(true), userId: v.id("users"), keyPrefix: v.string() }),
  v.object({ ok: v.literal(false), reason: v.literal("invalidKey") }),
  v.object({ ok: v.literal(false), reason: v.literal("rateLimited"), retryAt: v.number() }),
);

export const authenticate = internalMutation({
  args: {
    /** Hex SHA-256 of the presented key; null when no well-formed key was presented. */
    keyHash: v.union(v.string(), v.null()),
    /** The client's IP, for the failed-authentication limit. */
    ip: v.string(),
  },
  returns: vAuthResult,
  handler: async (ctx, { keyHash, ip }) => {
    const now = Date.now();
    const limits = env.apiRateLimits();
    const key =
      keyHash === null
        ? null
        : await ctx.db
            .query("apiKeys")
            .withIndex("by_hash", (q) => q.eq("hash", keyHash))
            .unique();
    if (key === null || !isKeyActive(key, now)) {
      // A valid key is never refused for its IP's failures (keys cannot be guessed; the limit
      // is there to slow scanners and misconfigured clients down).
      const { ok, retryAt } = await rateLimit(ctx, {
        name: RATE_LIMITS.authFailuresPerIp,
        key: ip,
        config: bucket(limits.authFailuresPerIp),
      });
      return ok ? { ok: false as const, reason: "invalidKey" as const } : limited(retryAt, now);
    }
    const { ok, retryAt } = await rateLimit(ctx, {
      name: RATE_LIMITS.perKey,
      key: key._id,
      config: bucket(limits.perKey),
    });
    if (!ok) return limited(retryAt, now);
    if (key.lastUsedAt === undefined || now - key.lastUsedAt >= LAST_USED_GRANULARITY_MS) {
      await ctx.db.patch("apiKeys", key._id, { lastUsedAt: now });
    }
    return { ok: true as const, userId: key.userId, keyPrefix: key.prefix };
  },
});

const PRUNE_BATCH = 500;

/**
 * Forget rate-limit buckets that have refilled: a full bucket means the same as no bucket,
 * so nothing is lost, and the table stays small however many addresses fail to authenticate.
 * Run by a cron, a batch per transaction.
 */
export const pruneRateLimits = internalMutation({
  args: { cursor: v.union(v.string(), v.null()) },
  returns: v.null(),
  handler: async (ctx, { cursor }) => {
    const now = Date.now();
    const limits = env.apiRateLimits();
    const configs: Record<string, { perMinute: number; burst: number }> = {
      [RATE_LIMITS.perKey]: limits.perKey,
      [RATE_LIMITS.authFailuresPerIp]: limits.authFailuresPerIp,
    };
    const page = await ctx.db.query("rateLimits").paginate({ numItems: PRUNE_BATCH, cursor });
    for (const row of page.page) {
      const config = configs[row.name];
      if (config && row.value + ((now - row.ts) * config.perMinute) / MINUTE >= config.burst) {
        await ctx.db.delete("rateLimits", row._id);
      }
    }
    if (!page.isDone) {
      await ctx.scheduler.runAfter(0, internal.api.auth.pruneRateLimits, { cursor: page.continueCursor });
    }
    return null;
  },
});

function limited(retryAt: number | undefined, now: number) {
  return { ok: false as const, reason: "rateLimited" as const, retryAt: retryAt ?? now + 1000 };
}
