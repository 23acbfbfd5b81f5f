/**
 * The one write path for messages. Every insert, status change, reschedule and
 * delete goes through here, so the analytics aggregates, broadcast progress counts
 * and the inbox's denormalised conversation fields can never drift from the messages.
 * A MessageWrites collects the aggregate changes of one transaction; call flush() last:
 * it records them as one delta for the rollup (convex/lib/stats.ts), so no message write
 * reads or writes an aggregate document.
 */
import { canTransition, wasSent, type MessageStatus } from "../../lib/messageStatus";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import type { BroadcastCounts, SkipReasons } from "../schema";
import { enqueueNotifications, type NotifyEvent } from "./notifications";
import { StatsDelta } from "./stats";
import { wakeWorker } from "./workers";

export type MessageDoc = Doc<"messages">;
export type NewMessage = Omit<MessageDoc, "_id" | "_creationTime">;
type Ctx = Pick<MutationCtx, "db" | "scheduler">;

const PREVIEW_LENGTH = 140;

export function previewOf(m: Pick<MessageDoc, "channel" | "content" | "subject" | "mediaUrls">): string {
  const text = m.channel === "email" && m.subject ? `${m.subject} — ${m.content}` : m.content;
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "" && m.mediaUrls?.length) return "Attachment";
  return flat.length > PREVIEW_LENGTH ? flat.slice(0, PREVIEW_LENGTH - 1) + "…" : flat;
}

/** A WhatsApp template send (approved content), which WhatsApp allows outside the 24-hour window. */
export function isTemplateSend(m: Pick<MessageDoc, "contentSid" | "template">): boolean {
  return m.contentSid !== undefined || m.template?.whatsappTemplateId !== undefined;
}

export class MessageWrites {
  readonly stats = new StatsDelta();
  private readonly events: NotifyEvent[] = [];

  constructor(
    private readonly ctx: Ctx,
    readonly userId: Id<"users">,
  ) {}

  broadcast(id: Id<"broadcasts">, key: keyof BroadcastCounts, by: number): void {
    this.stats.broadcast(id, key, by);
  }

  /** Something the user may be notified of (an inbound message, a failed send). */
  notify(event: NotifyEvent): void {
    this.events.push(event);
  }

  /** A broadcast member who gets no message, and why. */
  skip(id: Id<"broadcasts">, reason: keyof SkipReasons): void {
    this.stats.broadcast(id, "skipped", 1);
    this.stats.skip(id, reason, 1);
  }

  /** Record this transaction's aggregate changes (one insert; the rollup applies it); queue notifications. */
  async flush(): Promise<void> {
    await this.stats.flush(this.ctx, this.userId);
    await enqueueNotifications(this.ctx, this.userId, this.events.splice(0));
  }
}

function broadcastKey(status: MessageStatus): keyof BroadcastCounts | null {
  return status === "received" ? null : status;
}

/** The inbox row's fields for a contact whose latest message is `m`. */
function conversationFields(m: NewMessage) {
  return {
    lastMessageAt: m.at,
    lastMessagePreview: previewOf(m),
    lastMessageChannel: m.channel,
    lastMessageDirection: m.direction,
  };
}

/** Reflect a message in its contact's conversation (inbox row, unread badge, WhatsApp window). */
async function touchConversation(ctx: Ctx, m: NewMessage): Promise<void> {
  const contact = await ctx.db.get("contacts", m.contactId);
  if (!contact) return;
  const newest = contact.lastMessageAt === undefined || m.at >= contact.lastMessageAt;
  const inbound = m.direction === "inbound";
  // For segments: the latest message each way, and a reply after a broadcast (a broadcast's own
  // messages are counted when sent, in recordSent).
  const latest = inbound
    ? {
        lastReceivedAt: Math.max(contact.lastReceivedAt ?? 0, m.at),
        ...(contact.lastBroadcastAt !== undefined && m.at > contact.lastBroadcastAt ? { repliedToBroadcastAt: m.at } : {}),
      }
    : { lastSentAt: Math.max(contact.lastSentAt ?? 0, m.at) };
  // Written as already sent (imports, demo data): counted like one that went out through the dispatcher.
  const alreadySent = !inbound && wasSent(m.status);
  await ctx.db.patch("contacts", contact._id, {
    ...latest,
    ...(alreadySent ? { sentCount: (contact.sentCount ?? 0) + 1 } : {}),
    ...(newest ? conversationFields(m) : {}),
    ...(inbound
      ? {
          // A reply brings a done or snoozed conversation back to the open list.
          ...(contact.inboxState !== undefined ? { inboxState: undefined, snoozedUntil: undefined } : {}),
          unreadCount: contact.unreadCount + 1,
          hasUnread: true,
          receivedCount: (contact.receivedCount ?? 0) + 1,
          awaitingReplySince: contact.awaitingReplySince ?? m.at,
          ...(m.channel === "whatsapp"
            ? { whatsappWindowStartedAt: Math.max(contact.whatsappWindowStartedAt ?? 0, m.at) }
            : {}),
        }
      : {}),
  });
}

/**
 * An outbound message reached the provider: its contact learns of it a moment later, from the
 * conversation worker (convex/conversations.ts). Writing the contact here would make every
 * transaction that records a send — a pump's tick records hundreds — conflict with a reply from
 * any of those recipients; a queued row is an insert, which conflicts with nothing.
 */
async function recordSent(ctx: Ctx, m: MessageDoc, sentAt: number): Promise<void> {
  await ctx.db.insert("sentQueue", { messageId: m._id, sentAt });
  await wakeWorker(ctx, "conversations");
}

/**
 * The worker's half of a send: count it on the contact, and if it answers a waiting contact (it
 * was written after their message came in), time the reply. A broadcast's message joins the
 * conversation now, at the time it was sent: the inbox orders conversations by what happened,
 * never by a send still to come. What came in since the send keeps its place (a reply after it
 * is still awaiting an answer, and counts as a reply to the broadcast).
 */
export async function applySent(ctx: Ctx, writes: MessageWrites, m: MessageDoc, sentAt: number): Promise<void> {
  const contact = await ctx.db.get("contacts", m.contactId);
  if (!contact) return;
  // Only a message written after the contact started waiting answers them: one queued or
  // scheduled before their message came in and sent after it is not a reply.
  const waiting = contact.awaitingReplySince;
  const answers = !m.broadcastId && waiting !== undefined && m._creationTime >= waiting && waiting <= sentAt;
  if (answers) writes.stats.response(sentAt, Math.max(0, sentAt - waiting));
  // A message that came in after this one went out (applied late) is still waiting for an answer.
  const laterInbound = contact.lastReceivedAt !== undefined && contact.lastReceivedAt > sentAt ? contact.lastReceivedAt : undefined;
  const joins = m.broadcastId !== undefined && (contact.lastMessageAt === undefined || sentAt >= contact.lastMessageAt);
  await ctx.db.patch("contacts", contact._id, {
    sentCount: (contact.sentCount ?? 0) + 1,
    // A broadcast's message counts for segments (last sent, last broadcast) and for the frequency cap
    // of later broadcasts when it is sent, like the conversation; other outbound messages when they
    // join it (touchConversation).
    ...(m.broadcastId
      ? {
          lastSentAt: Math.max(contact.lastSentAt ?? 0, sentAt),
          lastBroadcastAt: Math.max(contact.lastBroadcastAt ?? 0, sentAt),
          ...(laterInbound !== undefined ? { repliedToBroadcastAt: Math.max(contact.repliedToBroadcastAt ?? 0, laterInbound) } : {}),
        }
      : {}),
    ...(answers ? { awaitingReplySince: laterInbound } : {}),
    ...(joins ? conversationFields({ ...m, at: sentAt }) : {}),
  });
}

export async function insertMessage(ctx: Ctx, writes: MessageWrites, fields: NewMessage): Promise<Id<"messages">> {
  const id = await ctx.db.insert("messages", fields);
  writes.stats.count(fields, 1);
  const key = broadcastKey(fields.status);
  if (fields.broadcastId && key) writes.broadcast(fields.broadcastId, key, 1);
  // Scheduled messages join the conversation when they go out, a broadcast's when each is sent
  // (recordSent), not when written.
  if (fields.status !== "scheduled" && !fields.broadcastId) await touchConversation(ctx, fields);
  return id;
}

/**
 * Move a message to `to` if the lifecycle allows it (see lib/messageStatus.ts); otherwise
 * change nothing and return null. Returns the updated document.
 */
export async function transition(
  ctx: Ctx,
  writes: MessageWrites,
  message: MessageDoc,
  to: MessageStatus,
  patch: Partial<NewMessage> = {},
): Promise<MessageDoc | null> {
  if (!canTransition(message.status, to)) return null;
  const next: MessageDoc = { ...message, ...patch, status: to };
  await ctx.db.patch("messages", message._id, { ...patch, status: to });
  writes.stats.count(message, -1);
  writes.stats.count(next, 1);
  if (message.broadcastId) {
    const from = broadcastKey(message.status);
    const into = broadcastKey(to);
    if (from) writes.broadcast(message.broadcastId, from, -1);
    if (into) writes.broadcast(message.broadcastId, into, 1);
  }
  // A scheduled message going out for the first time joins the conversation now.
  if (message.status === "scheduled" && message.attempts === 0 && (to === "queued" || to === "sending")) {
    await touchConversation(ctx, { ...next, at: Date.now() });
  }
  if (wasSent(to) && !wasSent(message.status)) await recordSent(ctx, next, next.sentAt ?? Date.now());
  // A broadcast's failures are told in its summary when it finishes, not one by one.
  if (to === "failed" && message.direction === "outbound" && !message.broadcastId) {
    writes.notify({ kind: "failed", contactId: message.contactId, messageId: message._id });
  }
  return next;
}

/**
 * Note what happened to a message without changing its status (the provider's answer was lost:
 * the message stays `sending` until a receipt or the sweep settles it).
 */
export async function annotateMessage(
  ctx: Ctx,
  message: MessageDoc,
  patch: Pick<Partial<NewMessage>, "lastError">,
): Promise<MessageDoc> {
  await ctx.db.patch("messages", message._id, patch);
  return { ...message, ...patch };
}

/** Move a scheduled message to a new time (its thread position and analytics day follow). */
export async function moveSchedule(ctx: Ctx, writes: MessageWrites, message: MessageDoc, at: number): Promise<void> {
  await ctx.db.patch("messages", message._id, { scheduledAt: at, at });
  writes.stats.count(message, -1);
  writes.stats.count({ ...message, at }, 1);
}

/**
 * Hold a pending message until `until` (quiet hours): it waits as `scheduled`, and keeps the time it
 * was first due in `heldFrom`, so lists show it as held rather than rescheduled by a person.
 */
export async function holdMessage(ctx: Ctx, writes: MessageWrites, message: MessageDoc, until: number): Promise<void> {
  const heldFrom = message.heldFrom ?? message.scheduledAt ?? message.at;
  if (message.status === "queued") {
    await transition(ctx, writes, message, "scheduled", { scheduledAt: until, at: until, heldFrom });
  } else {
    await moveSchedule(ctx, writes, message, until);
    await ctx.db.patch("messages", message._id, { heldFrom });
  }
}

/** Change what a message that has not gone out yet says (one occurrence of a recurring message). */
export async function editPendingContent(ctx: Ctx, message: MessageDoc, content: string): Promise<void> {
  if (message.status !== "scheduled" && message.status !== "queued") return;
  await ctx.db.patch("messages", message._id, { content });
}

export async function deleteMessage(ctx: Ctx, writes: MessageWrites, message: MessageDoc): Promise<void> {
  await ctx.db.delete("messages", message._id);
  writes.stats.count(message, -1);
  const key = broadcastKey(message.status);
  if (message.broadcastId && key) {
    writes.broadcast(message.broadcastId, key, -1);
    writes.broadcast(message.broadcastId, "total", -1);
  }
}

/** Store an inbound message (webhooks): it opens the conversation, unread badge and reply timer. */
export async function insertInbound(
  ctx: Ctx,
  writes: MessageWrites,
  fields: Pick<NewMessage, "contactId" | "channel" | "content" | "subject" | "mediaUrls" | "mediaTypes" | "from" | "to" | "providerMessageId" | "source"> & {
    at: number;
  },
): Promise<Id<"messages">> {
  return await insertMessage(ctx, writes, {
    userId: writes.userId,
    direction: "inbound",
    status: "received",
    attempts: 0,
    ...fields,
  });
}

/**
 * Swap an inbound message's provider media for copies in Convex storage (provider URLs expire
 * and need credentials): `copies` are by index into mediaUrls; what could not be copied keeps
 * its provider URL, first, with the copies last (where `attachments` line up).
 */
export async function replaceMedia(
  ctx: Ctx,
  message: MessageDoc,
  copies: ReadonlyArray<{ index: number; url: string; attachment: NonNullable<MessageDoc["attachments"]>[number] }>,
): Promise<void> {
  const urls = message.mediaUrls ?? [];
  const types = message.mediaTypes ?? [];
  const copied = new Set(copies.map((c) => c.index));
  const kept = urls.map((url, i) => ({ url, type: types[i] ?? "" })).filter((_, i) => !copied.has(i));
  await ctx.db.patch("messages", message._id, {
    mediaUrls: [...kept.map((k) => k.url), ...copies.map((c) => c.url)],
    mediaTypes: [...kept.map((k) => k.type), ...copies.map((c) => c.attachment.contentType)],
    attachments: [...(message.attachments ?? []), ...copies.map((c) => c.attachment)],
  });
}

/** Per-user aggregate writers of one transaction, flushed once at its end. */
export class WritesByUser {
  private readonly byUser = new Map<Id<"users">, MessageWrites>();
  constructor(private readonly ctx: Ctx) {}
  for(userId: Id<"users">): MessageWrites {
    let writes = this.byUser.get(userId);
    if (!writes) this.byUser.set(userId, (writes = new MessageWrites(this.ctx, userId)));
    return writes;
  }
  async flush(): Promise<void> {
    for (const writes of this.byUser.values()) await writes.flush();
  }
}
