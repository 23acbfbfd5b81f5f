/**
 * Notifications, as the signed-in user manages them: their devices (Web Push subscriptions),
 * what notifies them, muted conversations, and the "I am using this device" signal that keeps
 * pushes off the screen in front of them. Delivery is convex/pushDelivery.ts + pushActions.ts.
 */
import { v } from "convex/values";
import { getOwned, userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { env } from "./lib/env";
import { appError } from "./lib/errors";
import { ACTIVE_MS, deleteMute, MAX_DEVICES, muteOf, notificationSettings } from "./lib/notifications";
import { deviceByEndpoint, devicesOf, MAX_LABEL_LENGTH, subscriptionProblem } from "./lib/pushDevices";
import { vNewMessagesSetting } from "./schema";

/** The user's choices, and the deployment's VAPID public key (null: push is not set up). */
export const settings = userQuery({
  args: {},
  returns: v.object({
    newMessages: vNewMessagesSetting,
    failedSends: v.boolean(),
    broadcasts: v.boolean(),
    vapidPublicKey: v.union(v.string(), v.null()),
  }),
  handler: async (ctx) => ({
    ...(await notificationSettings(ctx, ctx.userId)),
    vapidPublicKey: env.vapid()?.publicKey ?? null,
  }),
});

export const updateSettings = userMutation({
  args: {
    newMessages: v.optional(vNewMessagesSetting),
    failedSends: v.optional(v.boolean()),
    broadcasts: v.optional(v.boolean()),
  },
  returns: v.null(),
  handler: async (ctx, changes) => {
    const next = { ...(await notificationSettings(ctx, ctx.userId)), ...changes };
    const doc = await ctx.db
      .query("notificationSettings")
      .withIndex("by_user", (q) => q.eq("userId", ctx.userId))
      .unique();
    if (doc) await ctx.db.patch("notificationSettings", doc._id, next);
    else await ctx.db.insert("notificationSettings", { userId: ctx.userId, ...next });
    return null;
  },
});

/** The user's devices, oldest first; `current` marks the one whose endpoint the caller passes (its own). */
export const devices = userQuery({
  args: { thisEndpoint: v.optional(v.string()) },
  returns: v.array(
    v.object({
      id: v.id("pushSubscriptions"),
      label: v.string(),
      createdAt: v.number(),
      lastSentAt: v.union(v.number(), v.null()),
      lastError: v.union(v.string(), v.null()),
      current: v.boolean(),
    }),
  ),
  handler: async (ctx, { thisEndpoint }) =>
    (await devicesOf(ctx, ctx.userId)).map((d) => ({
      id: d._id,
      label: d.label,
      createdAt: d.createdAt,
      lastSentAt: d.lastSentAt ?? null,
      lastError: d.lastError ?? null,
      current: thisEndpoint !== undefined && d.endpoint === thisEndpoint,
    })),
});

/**
 * Register this browser's push subscription (PushSubscription.toJSON()) for the signed-in user.
 * The same endpoint again updates it. An endpoint another account registered moves here: it is a
 * secret only that browser holds, and the browser is now signed in to this account, so the
 * previous account must not keep sending its customers' messages to it.
 */
export const subscribe = userMutation({
  args: { endpoint: v.string(), p256dh: v.string(), auth: v.string(), label: v.string() },
  returns: v.id("pushSubscriptions"),
  handler: async (ctx, { endpoint, p256dh, auth, label }) => {
    if (!env.vapid()) throw appError("INVALID_STATE", "Push notifications are not set up on this server (no VAPID keys).");
    const problem = subscriptionProblem({ endpoint, p256dh, auth }, env.pushAllowHttpLocalhost());
    if (problem) throw appError("INVALID_ARGUMENT", problem);
    const name = label.trim().slice(0, MAX_LABEL_LENGTH) || "This browser";
    const existing = await deviceByEndpoint(ctx, endpoint);
    if (existing?.userId === ctx.userId) {
      await ctx.db.patch("pushSubscriptions", existing._id, { p256dh, auth, label: name, lastError: undefined });
      return existing._id;
    }
    if (existing) await ctx.db.delete("pushSubscriptions", existing._id);
    if ((await devicesOf(ctx, ctx.userId)).length >= MAX_DEVICES) {
      throw appError("LIMIT_EXCEEDED", `At most ${MAX_DEVICES} devices can receive notifications. Remove one first.`);
    }
    const id = await ctx.db.insert("pushSubscriptions", {
      userId: ctx.userId,
      endpoint,
      p256dh,
      auth,
      label: name,
      createdAt: Date.now(),
    });
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "pushDevice.add",
      target: { table: "pushSubscriptions", id },
      details: { label: name },
    });
    return id;
  },
});

/** Stop notifying a device (from its own page or from another one). */
export const removeDevice = userMutation({
  args: { deviceId: v.id("pushSubscriptions") },
  returns: v.null(),
  handler: async (ctx, { deviceId }) => {
    const device = await getOwned(ctx, "pushSubscriptions", deviceId);
    await ctx.db.delete("pushSubscriptions", deviceId);
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "pushDevice.remove",
      target: { table: "pushSubscriptions", id: deviceId },
      details: { label: device.label },
    });
    return null;
  },
});

/** This browser, by its endpoint, stops being notified (turning it off here; signing out). Unknown: nothing. */
export const forgetDevice = userMutation({
  args: { endpoint: v.string() },
  returns: v.null(),
  handler: async (ctx, { endpoint }) => {
    const device = await deviceByEndpoint(ctx, endpoint);
    if (!device || device.userId !== ctx.userId) return null;
    await ctx.db.delete("pushSubscriptions", device._id);
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "pushDevice.remove",
      target: { table: "pushSubscriptions", id: device._id },
      details: { label: device.label },
    });
    return null;
  },
});

/**
 * The page of a subscribed device says whether the person is using it (visible and focused):
 * while they are, within ACTIVE_MS of the last report, nothing is pushed to it.
 */
export const reportActive = userMutation({
  args: { endpoint: v.string(), active: v.boolean() },
  returns: v.null(),
  handler: async (ctx, { endpoint, active }) => {
    const device = await deviceByEndpoint(ctx, endpoint);
    if (!device || device.userId !== ctx.userId) return null;
    await ctx.db.patch("pushSubscriptions", device._id, { activeUntil: active ? Date.now() + ACTIVE_MS : undefined });
    return null;
  },
});

/** Whether a conversation's new messages are muted. */
export const muted = userQuery({
  args: { contactId: v.id("contacts") },
  returns: v.boolean(),
  handler: async (ctx, { contactId }) => {
    await getOwned(ctx, "contacts", contactId);
    return (await muteOf(ctx, ctx.userId, contactId)) !== null;
  },
});

export const setMuted = userMutation({
  args: { contactId: v.id("contacts"), muted: v.boolean() },
  returns: v.null(),
  handler: async (ctx, { contactId, muted }) => {
    await getOwned(ctx, "contacts", contactId);
    const existing = await muteOf(ctx, ctx.userId, contactId);
    if (muted && !existing) await ctx.db.insert("conversationMutes", { userId: ctx.userId, contactId });
    if (!muted) await deleteMute(ctx, ctx.userId, contactId);
    return null;
  },
});
