/**
 * API keys for the REST API (convex/api/). Managed by the signed-in user only: these are
 * public functions behind Convex Auth, and the REST API has no route to them, so a key
 * cannot mint keys. The full key is returned once, by `create`; the database keeps only
 * its SHA-256 hash and a display prefix.
 */
import { v } from "convex/values";
import type { Doc } from "./_generated/dataModel";
import { internal } from "./_generated/api";
import { getOwned, internalMutation, userMutation, userQuery } from "./functions";
import { generateApiKey, isKeyActive } from "./lib/apiKeys";
import { recordAudit } from "./lib/audit";
import { appError } from "./lib/errors";

/** Keys a user may have active at once (revoked and expired ones do not count). */
export const MAX_ACTIVE_KEYS = 25;
/** Keys kept per user, revoked and expired ones included (all of them are listed). */
const MAX_KEYS = 100;
const NAME_MAX = 100;
const MAX_EXPIRY_MS = 5 * 366 * 24 * 60 * 60 * 1000;

const vKeyInfo = v.object({
  id: v.id("apiKeys"),
  name: v.string(),
  /** Shown as `${prefix}…`. */
  prefix: v.string(),
  createdAt: v.number(),
  lastUsedAt: v.union(v.number(), v.null()),
  expiresAt: v.union(v.number(), v.null()),
  revokedAt: v.union(v.number(), v.null()),
  active: v.boolean(),
});

/** Create a key. The returned `key` is the only time the full key is ever shown. */
export const create = userMutation({
  args: {
    name: v.string(),
    /** When the key stops working (ms since epoch); none means it works until revoked. */
    expiresAt: v.optional(v.number()),
  },
  returns: v.object({ key: v.string(), apiKey: vKeyInfo }),
  handler: async (ctx, args) => {
    const now = Date.now();
    const name = args.name.trim().replace(/\s+/g, " ");
    if (name.length === 0 || name.length > NAME_MAX) {
      throw appError("INVALID_ARGUMENT", `Key names must be 1–${NAME_MAX} characters.`, { field: "name" });
    }
    if (args.expiresAt !== undefined && (!Number.isFinite(args.expiresAt) || args.expiresAt <= now)) {
      throw appError("INVALID_ARGUMENT", "The expiry must be in the future.", { field: "expiresAt" });
    }
    if (args.expiresAt !== undefined && args.expiresAt > now + MAX_EXPIRY_MS) {
      throw appError("INVALID_ARGUMENT", "Keys can expire at most five years ahead.", { field: "expiresAt" });
    }
    // Oldest first. A user has at most MAX_KEYS keys: past that the oldest inactive one is
    // forgotten (its creation and revocation stay in the audit log), so `list` shows them all.
    const keys = await ctx.db
      .query("apiKeys")
      .withIndex("by_user", (q) => q.eq("userId", ctx.userId))
      .take(MAX_KEYS);
    if (keys.filter((k) => isKeyActive(k, now)).length >= MAX_ACTIVE_KEYS) {
      throw appError("LIMIT_EXCEEDED", `At most ${MAX_ACTIVE_KEYS} active keys. Revoke one first.`);
    }
    const forgettable = keys.length >= MAX_KEYS ? keys.find((k) => !isKeyActive(k, now)) : undefined;
    if (forgettable) await ctx.db.delete("apiKeys", forgettable._id);
    const { key, prefix, hash } = generateApiKey();
    const keyId = await ctx.db.insert("apiKeys", {
      userId: ctx.userId,
      name,
      prefix,
      hash,
      ...(args.expiresAt !== undefined ? { expiresAt: args.expiresAt } : {}),
    });
    if (args.expiresAt !== undefined) await ctx.scheduler.runAt(args.expiresAt, internal.apiKeys.expire, { keyId });
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "apiKey.create",
      target: { table: "apiKeys", id: keyId },
      details: { prefix, name, expiresAt: args.expiresAt ?? null },
    });
    const doc = await getOwned(ctx, "apiKeys", keyId);
    return { key, apiKey: keyInfo(doc) };
  },
});

/** The user's keys, newest first: name, prefix, created, last used (to the minute), expiry, active. */
export const list = userQuery({
  args: {},
  returns: v.array(vKeyInfo),
  handler: async (ctx) => {
    // No Date.now() here: the result must stay true while it is cached (see `expire`).
    const keys = await ctx.db
      .query("apiKeys")
      .withIndex("by_user", (q) => q.eq("userId", ctx.userId))
      .order("desc")
      .take(MAX_KEYS);
    return keys.map(keyInfo);
  },
});

/**
 * Scheduled at a key's expiry: marks it expired, so `list` (and every client subscribed to
 * it) shows the change. Authentication checks `expiresAt` against the clock itself.
 */
export const expire = internalMutation({
  args: { keyId: v.id("apiKeys") },
  returns: v.null(),
  handler: async (ctx, { keyId }) => {
    const key = await ctx.db.get("apiKeys", keyId);
    if (key && key.expired !== true) await ctx.db.patch("apiKeys", keyId, { expired: true });
    return null;
  },
});

/** Revoke a key: its next request is refused. Revoking a revoked key changes nothing. */
export const revoke = userMutation({
  args: { keyId: v.id("apiKeys") },
  returns: v.null(),
  handler: async (ctx, { keyId }) => {
    const key = await getOwned(ctx, "apiKeys", keyId);
    if (key.revokedAt !== undefined) return null;
    await ctx.db.patch("apiKeys", keyId, { revokedAt: Date.now() });
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "apiKey.revoke",
      target: { table: "apiKeys", id: keyId },
      details: { prefix: key.prefix, name: key.name },
    });
    return null;
  },
});

/** What `list` shows of a key; `active` is false once revoked or once the expiry job has run. */
function keyInfo(k: Doc<"apiKeys">) {
  return {
    id: k._id,
    name: k.name,
    prefix: k.prefix,
    createdAt: k._creationTime,
    lastUsedAt: k.lastUsedAt ?? null,
    expiresAt: k.expiresAt ?? null,
    revokedAt: k.revokedAt ?? null,
    active: k.revokedAt === undefined && k.expired !== true,
  };
}
