/**
 * Sending one message: write it (validated) and hand it to the dispatcher, now or at its time;
 * cancel one that has not left. Shared by the app's mutations and the REST API.
 */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { getOwned } from "../functions";
import type { Actor, Origin, SendVariables } from "../schema";
import { markUploadsSent, resolveAttachments } from "./attachments";
import { recordAudit } from "./audit";
import { appError } from "./errors";
import { SINGLES_LANE, wakeLane } from "./lanes";
import { insertMessage, MessageWrites, transition, type NewMessage } from "./messages";
import { CONTENT_LIMITS, defaultSender, validateOutbound, type OutboundRequest } from "./outbound";
import {
  assertKnownVariables,
  loadMergeContext,
  needsRendering,
  ownedTemplates,
  renderOrThrow,
  sendSource,
  type RenderedMessage,
} from "./personalize";

type Ctx = Pick<MutationCtx, "db" | "scheduler">;

/** Have a single message dispatched at `at` (or now): the singles lane's pump claims it then. */
export async function dispatchAt(ctx: Ctx, at?: number): Promise<void> {
  await wakeLane(ctx, SINGLES_LANE, at);
}

/** Write a validated outbound message and hand it to the dispatcher. */
export async function createOutbound(
  ctx: Ctx,
  fields: Pick<
    NewMessage,
    | "userId"
    | "contactId"
    | "channel"
    | "content"
    | "subject"
    | "mediaUrls"
    | "mediaTypes"
    | "attachments"
    | "origin"
    | "to"
    | "contentSid"
    | "contentVariables"
    | "template"
  > &
    Partial<Pick<NewMessage, "recurrenceId" | "cancelOnReply" | "heldFrom" | "ignoreQuietHours" | "automatic">> & {
      sender: Doc<"senders">;
      scheduledAt?: number;
      source: Actor;
    },
): Promise<Id<"messages">> {
  const now = Date.now();
  const { sender, scheduledAt, ...rest } = fields;
  const writes = new MessageWrites(ctx, fields.userId);
  const messageId = await insertMessage(ctx, writes, {
    ...rest,
    direction: "outbound",
    status: scheduledAt === undefined ? "queued" : "scheduled",
    at: scheduledAt ?? now,
    scheduledAt: scheduledAt ?? now,
    senderId: sender._id,
    from: sender.address,
    provider: sender.provider,
    attempts: 0,
  });
  await writes.flush();
  await dispatchAt(ctx, scheduledAt);
  return messageId;
}

export type SendRequest = OutboundRequest & {
  cancelOnReply?: boolean;
  templateId?: Id<"templates">;
  whatsappTemplateId?: Id<"whatsappTemplates">;
  variables?: SendVariables;
  /** Files uploaded and registered through convex/attachments.ts. */
  attachments?: Id<"_storage">[];
};

/** How the thread will say this message was sent: from the inbox, through an API key (by name), by an automation. */
async function originOf(ctx: Pick<QueryCtx, "db">, userId: Id<"users">, actor: Actor, scheduled: boolean): Promise<Origin> {
  const when = scheduled ? { scheduled: true } : {};
  if (actor.kind === "user") return { via: "inbox", ...when };
  if (actor.kind === "apiKey") {
    // A user has at most 100 keys (convex/apiKeys.ts); the actor carries the key's prefix.
    const keys = await ctx.db
      .query("apiKeys")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .take(100);
    const key = keys.find((k) => k.prefix === actor.id);
    return { via: "api", name: key?.name ?? `${actor.id}…`, ...when };
  }
  return { via: "automation", name: actor.id, ...when };
}

/**
 * Render the merge fields for the contact (convex/lib/personalize.ts), validate (files included),
 * write, dispatch, audit. A scheduled message keeps its text as written too, and is rendered again
 * with the contact's values when it goes out.
 */
export async function sendToContact(
  ctx: MutationCtx,
  actor: Actor,
  contact: Doc<"contacts">,
  { templateId, whatsappTemplateId, variables, attachments: storageIds, ...args }: SendRequest,
): Promise<Id<"messages">> {
  const now = Date.now();
  const userId = contact.userId;
  const templates = await ownedTemplates(ctx, userId, { templateId, whatsappTemplateId });
  const source = sendSource(args.channel, { ...args, ...(variables ? { variables } : {}) }, templates);
  let rendered: RenderedMessage = { content: source.content, ...(source.subject !== undefined ? { subject: source.subject } : {}) };
  if (needsRendering(source)) {
    const mc = await loadMergeContext(ctx, userId);
    if (!source.whatsappTemplate) assertKnownVariables(mc, source.content, source.subject);
    rendered = renderOrThrow(mc, contact, await defaultSender(ctx, userId, args.channel), args.channel, source);
  }
  const { contentSid, contentVariables, ...text } = rendered;
  const files = storageIds?.length ? await resolveAttachments(ctx, userId, args.channel, storageIds) : null;
  const { content, to, sender, heldUntil } = await validateOutbound(
    ctx,
    userId,
    contact,
    { ...args, ...text, approvedTemplate: contentSid !== undefined, hasAttachments: files !== null },
    now,
  );
  const mediaUrls = [...(content.mediaUrls ?? []), ...(files?.mediaUrls ?? [])];
  if (mediaUrls.length > CONTENT_LIMITS.mediaMax) {
    throw appError("ATTACHMENT_INVALID", `At most ${CONTENT_LIMITS.mediaMax} files and media links per message.`, { field: "attachments" });
  }
  // Held by quiet hours: it waits, visibly, until the next allowed time.
  const scheduledAt = heldUntil ?? args.scheduledAt;
  const messageId = await createOutbound(ctx, {
    userId,
    contactId: contact._id,
    channel: args.channel,
    content: content.content,
    ...(content.subject ? { subject: content.subject } : {}),
    ...(mediaUrls.length ? { mediaUrls } : {}),
    // Types line up with mediaUrls: unknown for typed links, the file's for attachments.
    ...(files ? { mediaTypes: [...(content.mediaUrls ?? []).map(() => ""), ...files.mediaTypes], attachments: files.attachments } : {}),
    ...(contentSid ? { contentSid, ...(contentVariables ? { contentVariables } : {}) } : {}),
    // Rendered again when it goes out, with the contact's values then.
    ...(args.scheduledAt !== undefined && needsRendering(source)
      ? {
          template: {
            content: source.content,
            ...(source.subject !== undefined ? { subject: source.subject } : {}),
            ...(variables?.length ? { variables } : {}),
            ...(source.whatsappTemplate ? { whatsappTemplateId: source.whatsappTemplate._id } : {}),
          },
        }
      : {}),
    to,
    sender,
    ...(scheduledAt !== undefined ? { scheduledAt } : {}),
    ...(heldUntil !== undefined ? { heldFrom: args.scheduledAt ?? now } : {}),
    ...(args.quietHours === "ignore" ? { ignoreQuietHours: true } : {}),
    ...(args.cancelOnReply ? { cancelOnReply: true } : {}),
    source: actor,
    origin: await originOf(ctx, contact.userId, actor, args.scheduledAt !== undefined),
  });
  if (files) await markUploadsSent(ctx, files.attachments, messageId);
  await recordAudit(ctx, {
    userId,
    actor,
    action: args.scheduledAt !== undefined ? "message.schedule" : "message.send",
    target: { table: "messages", id: messageId },
    details: {
      channel: args.channel,
      contactId: contact._id,
      ...(templateId ? { templateId } : {}),
      ...(whatsappTemplateId ? { whatsappTemplateId } : {}),
    },
  });
  return messageId;
}

/** Cancel a message that has not left yet. Returns the canceled message. */
export async function cancelMessage(
  ctx: MutationCtx,
  userId: Id<"users">,
  actor: Actor,
  messageId: Id<"messages">,
): Promise<Doc<"messages">> {
  const message = await getOwned({ db: ctx.db, userId }, "messages", messageId);
  const writes = new MessageWrites(ctx, userId);
  // A message canceled before its time sits in the thread where it was canceled, not at the
  // time it would have gone out (under everything said until then).
  const done = await transition(ctx, writes, message, "canceled", { scheduledAt: undefined, at: Math.min(message.at, Date.now()) });
  if (!done) throw appError("INVALID_STATE", `This message is ${message.status} and can no longer be canceled.`);
  await writes.flush();
  await recordAudit(ctx, {
    userId,
    actor,
    action: "message.cancel",
    target: { table: "messages", id: messageId },
  });
  return done;
}
