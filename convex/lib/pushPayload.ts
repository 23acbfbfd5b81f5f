/**
 * What one push says: the pending items (convex/lib/notifications.ts) turned into notifications
 * from the data as it is at delivery time, so a conversation read meanwhile or a failed send
 * retried successfully is not told, and counts are current.
 */
import type { QueryCtx } from "../_generated/server";
import type { PushItem } from "../schema";
import { previewOf } from "./messages";

/** Notifications shown per push; the rest become one "n more" notification. */
export const MAX_SHOWN = 4;
/** Encrypted push messages carry at most 4,096 bytes; aes128gcm takes 103 of them. Stay well inside. */
export const MAX_PAYLOAD_BYTES = 3_000;

/** One notification as the service worker shows it (public/sw.js reads exactly these fields). */
export type PushNotification = { title: string; body: string; tag: string; url: string; timestamp: number };
export type PushPayload = { notifications: PushNotification[] };

type Db = Pick<QueryCtx, "db">;

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const conversationUrl = (contactId: string) => `/inbox?contact=${encodeURIComponent(contactId)}`;

/** One item as a notification, from the data as it is now; null when it has nothing left to say. */
async function notificationFor(ctx: Db, item: PushItem): Promise<PushNotification | null> {
  if (item.kind === "broadcast") {
    const b = item.broadcastId && (await ctx.db.get("broadcasts", item.broadcastId));
    if (!b || b.status !== "completed") return null;
    const c = b.counts;
    const sent = c.sent + c.delivered + c.read;
    const parts = [`${sent} sent`, ...(c.failed ? [`${c.failed} failed`] : []), ...(c.skipped ? [`${c.skipped} skipped`] : [])];
    return {
      title: clip(`Broadcast to ${b.groupName} finished`, 80),
      body: clip(`${parts.join(", ")}. “${b.content}”`, 160),
      tag: `broadcast-${b._id}`,
      url: `/broadcasts/${b._id}`,
      timestamp: b.completedAt ?? item.at,
    };
  }
  const contact = item.contactId && (await ctx.db.get("contacts", item.contactId));
  const message = item.messageId && (await ctx.db.get("messages", item.messageId));
  if (!contact || !message) return null;
  if (item.kind === "message") {
    // Read meanwhile (on another device, or here): nothing new to tell.
    if (contact.unreadCount === 0) return null;
    const title = contact.unreadCount > 1 ? `${contact.name} · ${contact.unreadCount} new messages` : contact.name;
    return {
      title: clip(title, 80),
      body: clip(previewOf(message) || "New message", 160),
      tag: `message-${contact._id}`,
      url: conversationUrl(contact._id),
      timestamp: message.at,
    };
  }
  // A failed send retried successfully since is not news.
  if (message.status !== "failed") return null;
  const reason = message.lastError?.message ?? "It could not be delivered.";
  return {
    title: clip(item.count > 1 ? `${item.count} messages to ${contact.name} not sent` : `Message to ${contact.name} not sent`, 80),
    body: clip(`${reason} “${previewOf(message)}”`, 160),
    tag: `failed-${contact._id}`,
    url: conversationUrl(contact._id),
    timestamp: message.failedAt ?? item.at,
  };
}

const bytes = (payload: PushPayload) => new TextEncoder().encode(JSON.stringify(payload)).length;

/**
 * The notifications of one push: the newest MAX_SHOWN topics that still have news, then one
 * "n more" for the rest; small enough for a push message. Null when nothing has news left.
 */
export async function buildPayload(
  ctx: Db,
  pending: { items: PushItem[]; overflow: number },
  now: number,
): Promise<PushPayload | null> {
  // Newest first; of items as new as each other, the one added last.
  const newestFirst = [...pending.items].reverse().sort((a, b) => b.at - a.at);
  const news: PushNotification[] = [];
  for (const item of newestFirst) {
    const notification = await notificationFor(ctx, item);
    if (notification) news.push(notification);
  }
  if (news.length === 0) return null;
  const shown = news.slice(0, MAX_SHOWN);
  let more = news.length - shown.length + pending.overflow;
  const payload = (): PushPayload => ({
    notifications: [
      ...shown,
      ...(more > 0
        ? [{ title: "Unified Inbox", body: `News in ${more} more ${more === 1 ? "conversation" : "conversations"}`, tag: "more", url: "/inbox", timestamp: now }]
        : []),
    ],
  });
  while (shown.length > 1 && bytes(payload()) > MAX_PAYLOAD_BYTES) {
    shown.pop();
    more++;
  }
  return payload();
}
