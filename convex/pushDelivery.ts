/**
 * Push delivery, the database side: `take` empties a user's outbox into one payload and the list
 * of devices to send it to; `settle` records what each push service answered. The sending itself
 * is convex/pushActions.ts (Node: web-push). Scheduled by convex/lib/notifications.ts.
 */
import { v } from "convex/values";
import { internalMutation } from "./functions";
import { recordAudit } from "./lib/audit";
import { devicesOf } from "./lib/pushDevices";
import { buildPayload } from "./lib/pushPayload";

export const vPushTarget = v.object({
  id: v.id("pushSubscriptions"),
  endpoint: v.string(),
  p256dh: v.string(),
  auth: v.string(),
});

/**
 * The pending push of a user, now: its payload (JSON) and the devices not in use. The outbox is
 * emptied either way; null when there is nothing to send or nobody to send it to.
 */
export const take = internalMutation({
  args: { userId: v.id("users") },
  returns: v.union(v.null(), v.object({ payload: v.string(), targets: v.array(vPushTarget) })),
  handler: async (ctx, { userId }) => {
    const now = Date.now();
    const outbox = await ctx.db
      .query("pushOutbox")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .unique();
    if (!outbox || outbox.dueAt === undefined) return null;
    const devices = await devicesOf(ctx, userId);
    const targets = devices.filter((d) => d.activeUntil === undefined || d.activeUntil <= now);
    const payload = targets.length > 0 ? await buildPayload(ctx, outbox, now) : null;
    await ctx.db.patch("pushOutbox", outbox._id, {
      items: [],
      overflow: 0,
      dueAt: undefined,
      // Only a push that went out opens a collapse window; news after nothing sent goes at once.
      ...(payload ? { lastSentAt: now } : {}),
    });
    if (!payload) return null;
    return {
      payload: JSON.stringify(payload),
      targets: targets.map((d) => ({ id: d._id, endpoint: d.endpoint, p256dh: d.p256dh, auth: d.auth })),
    };
  },
});

/** The push service's answer per device: 2xx delivered; 404/410 the subscription is gone (removed); else kept with the error. */
export const settle = internalMutation({
  args: {
    results: v.array(
      v.object({ id: v.id("pushSubscriptions"), status: v.number(), error: v.optional(v.string()) }),
    ),
  },
  returns: v.null(),
  handler: async (ctx, { results }) => {
    const now = Date.now();
    for (const { id, status, error } of results) {
      const device = await ctx.db.get("pushSubscriptions", id);
      if (!device) continue;
      if (status === 404 || status === 410) {
        await ctx.db.delete("pushSubscriptions", id);
        await recordAudit(ctx, {
          userId: device.userId,
          actor: { kind: "system", id: "push" },
          action: "pushDevice.expire",
          target: { table: "pushSubscriptions", id },
          details: { label: device.label, status },
        });
      } else if (status >= 200 && status < 300) {
        await ctx.db.patch("pushSubscriptions", id, { lastSentAt: now, lastError: undefined });
      } else {
        const reason = error ?? `The push service answered ${status}.`;
        await ctx.db.patch("pushSubscriptions", id, { lastError: reason.slice(0, 300) });
      }
    }
    return null;
  },
});
