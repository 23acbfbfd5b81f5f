"use node";
/**
 * Sending Web Push messages (Node: the web-push library signs the VAPID JWT and encrypts the
 * payload with aes128gcm, RFC 8291/8188). Read via pushDelivery.take, send, record via settle.
 */
import { v } from "convex/values";
import webpush from "web-push";
import { internal } from "./_generated/api";
import { internalAction } from "./_generated/server";
import { env } from "./lib/env";

/** A push message waits this long at the push service for a device that is offline. */
const TTL_SECONDS = 24 * 60 * 60;
const TIMEOUT_MS = 10_000;

type Target = { id: string; endpoint: string; p256dh: string; auth: string };
type Vapid = NonNullable<ReturnType<typeof env.vapid>>;

/**
 * One push request. web-push builds it (headers, encrypted body); fetch sends it, so http
 * endpoints work too (web-push's own sender speaks https only; the tests' fake service is http).
 */
async function pushTo(target: Target, payload: string, vapid: Vapid): Promise<{ status: number; error?: string }> {
  try {
    const request = webpush.generateRequestDetails(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      payload,
      { vapidDetails: vapid, TTL: TTL_SECONDS, urgency: "high", contentEncoding: "aes128gcm" },
    );
    const headers = Object.fromEntries(
      Object.entries(request.headers)
        // fetch sets the length of the body itself.
        .filter(([name]) => name.toLowerCase() !== "content-length")
        .map(([name, value]) => [name, String(value)]),
    );
    const response = await fetch(request.endpoint, {
      method: request.method,
      headers,
      body: request.body ? new Uint8Array(request.body) : null,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = response.ok ? "" : (await response.text().catch(() => "")).slice(0, 200);
    return response.ok ? { status: response.status } : { status: response.status, error: `${response.status} ${text}`.trim() };
  } catch (error) {
    return { status: 0, error: error instanceof Error ? error.message : String(error) };
  }
}

export const deliver = internalAction({
  args: { userId: v.id("users") },
  returns: v.null(),
  handler: async (ctx, { userId }) => {
    const batch = await ctx.runMutation(internal.pushDelivery.take, { userId });
    if (!batch) return null;
    const vapid = env.vapid();
    if (!vapid) {
      console.warn("[push] VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY are not set: nothing sent");
      return null;
    }
    const results = await Promise.all(
      batch.targets.map(async (target) => ({ id: target.id, ...(await pushTo(target, batch.payload, vapid)) })),
    );
    await ctx.runMutation(internal.pushDelivery.settle, { results });
    return null;
  },
});
