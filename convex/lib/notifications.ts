/**
 * Web Push notifications, the engine side: which events reach a user's devices, and when.
 *
 * The messaging engine reports three events (an inbound message stored, a send that ended
 * failed, a broadcast completed) through `MessageWrites.notify`, which calls
 * `enqueueNotifications` when the transaction's writes are flushed. Wanted events wait in the
 * user's outbox (one document), collapsed by topic: the first push goes out at once, and what
 * arrives within COLLAPSE_MS of a push waits for the next one, so ten texts in a row make one or
 * two pushes, never ten. On the device every conversation's notification has its own tag, so it
 * is one notification, replaced as news comes. The delivery (convex/pushDelivery.ts, then
 * convex/pushActions.ts) builds the notifications from the current data (./pushPayload.ts), skips
 * the devices the person is using right now, and sends.
 */
import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import type { PushItem, PushKind } from "../schema";

/** After a push, further news waits this long, then goes out together. */
export const COLLAPSE_MS = 10_000;
/** A scheduled delivery that has not run this long after it was due is presumed lost, and scheduled again. */
export const STALE_DELIVERY_MS = 60_000;
/** Topics kept per pending push; more are counted in `overflow`. */
export const MAX_PENDING_TOPICS = 50;
/** Devices per user. */
export const MAX_DEVICES = 20;
/** A page that reports its device in use covers this long; it reports again well before. */
export const ACTIVE_MS = 60_000;

export type NotifyEvent =
  | { kind: "message"; contactId: Id<"contacts">; messageId: Id<"messages"> }
  | { kind: "failed"; contactId: Id<"contacts">; messageId: Id<"messages"> }
  | { kind: "broadcast"; broadcastId: Id<"broadcasts"> };

export type NotificationSettings = Pick<Doc<"notificationSettings">, "newMessages" | "failedSends" | "broadcasts">;
export const DEFAULT_SETTINGS: NotificationSettings = { newMessages: "all", failedSends: true, broadcasts: true };

type Db = Pick<QueryCtx, "db">;

export async function notificationSettings(ctx: Db, userId: Id<"users">): Promise<NotificationSettings> {
  const doc = await ctx.db
    .query("notificationSettings")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .unique();
  return doc ? { newMessages: doc.newMessages, failedSends: doc.failedSends, broadcasts: doc.broadcasts } : DEFAULT_SETTINGS;
}

export function wants(settings: NotificationSettings, kind: PushKind): boolean {
  if (kind === "message") return settings.newMessages === "all";
  return kind === "failed" ? settings.failedSends : settings.broadcasts;
}

export async function muteOf(ctx: Db, userId: Id<"users">, contactId: Id<"contacts">) {
  return await ctx.db
    .query("conversationMutes")
    .withIndex("by_user_and_contact", (q) => q.eq("userId", userId).eq("contactId", contactId))
    .unique();
}

/** Forget a conversation's mute (its contact is removed). */
export async function deleteMute(ctx: Pick<MutationCtx, "db">, userId: Id<"users">, contactId: Id<"contacts">) {
  const mute = await muteOf(ctx, userId, contactId);
  if (mute) await ctx.db.delete("conversationMutes", mute._id);
}

export function topicOf(event: NotifyEvent): string {
  return event.kind === "broadcast" ? `broadcast:${event.broadcastId}` : `${event.kind}:${event.contactId}`;
}

/** Add an event to the pending items: the same topic collapses into one item (its latest message, counted). */
export function addEvent(
  pending: { items: PushItem[]; overflow: number },
  event: NotifyEvent,
  now: number,
): { items: PushItem[]; overflow: number } {
  const topic = topicOf(event);
  const existing = pending.items.find((item) => item.topic === topic);
  if (existing) {
    const merged: PushItem = {
      ...existing,
      count: existing.count + 1,
      at: now,
      ...(event.kind === "broadcast" ? {} : { messageId: event.messageId }),
    };
    return { items: pending.items.map((item) => (item === existing ? merged : item)), overflow: pending.overflow };
  }
  if (pending.items.length >= MAX_PENDING_TOPICS) return { items: pending.items, overflow: pending.overflow + 1 };
  const item: PushItem =
    event.kind === "broadcast"
      ? { kind: "broadcast", topic, broadcastId: event.broadcastId, count: 1, at: now }
      : { kind: event.kind, topic, contactId: event.contactId, messageId: event.messageId, count: 1, at: now };
  return { items: [...pending.items, item], overflow: pending.overflow };
}

/**
 * Queue what the user wants to hear about and make sure a delivery is scheduled. A user with
 * no device costs one read. Called once per transaction with its events (MessageWrites.flush).
 */
export async function enqueueNotifications(
  ctx: Pick<MutationCtx, "db" | "scheduler">,
  userId: Id<"users">,
  events: readonly NotifyEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const device = await ctx.db
    .query("pushSubscriptions")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .first();
  if (!device) return;
  const settings = await notificationSettings(ctx, userId);
  const wanted: NotifyEvent[] = [];
  for (const event of events) {
    if (!wants(settings, event.kind)) continue;
    // A mute silences a conversation's new messages; failures of your own sends still tell you.
    if (event.kind === "message" && (await muteOf(ctx, userId, event.contactId))) continue;
    wanted.push(event);
  }
  if (wanted.length === 0) return;

  const now = Date.now();
  const outbox = await ctx.db
    .query("pushOutbox")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .unique();
  let pending = { items: outbox?.items ?? [], overflow: outbox?.overflow ?? 0 };
  for (const event of wanted) pending = addEvent(pending, event, now);
  // A delivery is on its way and will take these along (unless it was lost: then schedule anew).
  if (outbox?.dueAt !== undefined && outbox.dueAt > now - STALE_DELIVERY_MS) {
    await ctx.db.patch("pushOutbox", outbox._id, pending);
    return;
  }
  const dueAt = Math.max(now, (outbox?.lastSentAt ?? 0) + COLLAPSE_MS);
  if (outbox) await ctx.db.patch("pushOutbox", outbox._id, { ...pending, dueAt });
  else await ctx.db.insert("pushOutbox", { userId, ...pending, dueAt });
  await ctx.scheduler.runAt(dueAt, internal.pushActions.deliver, { userId });
}
