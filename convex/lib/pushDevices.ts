/** Push subscriptions (a user's devices): what a valid one looks like, and lookups. */
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { MAX_DEVICES } from "./notifications";

export const MAX_ENDPOINT_LENGTH = 800;
export const MAX_LABEL_LENGTH = 100;

/** The bytes of unpadded base64url text (as PushSubscription.toJSON() gives keys), or null. */
export function base64UrlBytes(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return null;
  const base64 = text.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  if (base64.length % 4 === 1) return null;
  try {
    const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Why a subscription cannot be used, or null. The endpoint must be https (push services are),
 * except http on this machine when `allowHttpLocalhost` (the tests' fake push service); the keys
 * must be what RFC 8291 encrypts to: an uncompressed P-256 point and a 16-byte auth secret.
 */
export function subscriptionProblem(
  sub: { endpoint: string; p256dh: string; auth: string },
  allowHttpLocalhost: boolean,
): string | null {
  if (sub.endpoint.length > MAX_ENDPOINT_LENGTH) return "The push endpoint is too long.";
  let url: URL;
  try {
    url = new URL(sub.endpoint);
  } catch {
    return "The push endpoint is not a URL.";
  }
  const localHttp = url.protocol === "http:" && LOOPBACK.has(url.hostname) && allowHttpLocalhost;
  if (url.protocol !== "https:" && !localHttp) return "The push endpoint must be an https URL.";
  if (url.username || url.password) return "The push endpoint must not hold credentials.";
  const key = base64UrlBytes(sub.p256dh);
  if (!key || key.length !== 65 || key[0] !== 4) return "The subscription's p256dh key is not a P-256 public key.";
  const auth = base64UrlBytes(sub.auth);
  if (!auth || auth.length !== 16) return "The subscription's auth secret is not 16 bytes.";
  return null;
}

export async function devicesOf(ctx: Pick<QueryCtx, "db">, userId: Id<"users">): Promise<Doc<"pushSubscriptions">[]> {
  return await ctx.db
    .query("pushSubscriptions")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .take(MAX_DEVICES);
}

export async function deviceByEndpoint(ctx: Pick<QueryCtx, "db">, endpoint: string) {
  return await ctx.db
    .query("pushSubscriptions")
    .withIndex("by_endpoint", (q) => q.eq("endpoint", endpoint))
    .first();
}
