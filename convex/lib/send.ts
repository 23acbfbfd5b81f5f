/**
 * Sending one message: write it (validated) and hand it to the dispatcher, now or at its time;
 * cancel one that has not left. Shared by the app's mutations and the REST API.
 */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { getOwned } from "../functions";
import type { Actor, SendVariables } from "../schema";
import { recordAudit } from "./audit";
import { appError } from "./errors";
import { SINGLES_LANE, wakeLane } from "./lanes";
import { insertMessage, MessageWrites, transition, type NewMessage } from "./messages";
import { defaultSender, validateOutbound, type OutboundRequest } from "./outbound";
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
    "userId" | "contactId" | "channel" | "content" | "subject" | "mediaUrls" | "to" | "contentSid" | "contentVariables" | "template"
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
};

/**
 * Render the merge fields for the contact (convex/lib/personalize.ts), validate, write, dispatch,
 * audit. A scheduled message keeps its text as written too, and is rendered again with the
 * contact's values when it goes out.
 */
export async function sendToContact(
  ctx: MutationCtx,
  actor: Actor,
  contact: Doc<"contacts">,
  { templateId, whatsappTemplateId, variables, ...args }: SendRequest,
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
  const { content, to, sender, heldUntil } = await validateOutbound(
    ctx,
    userId,
    contact,
    { ...args, ...text, approvedTemplate: contentSid !== undefined },
    now,
  );
  // Held by quiet hours: it waits, visibly, until the next allowed time.
  const scheduledAt = heldUntil ?? args.scheduledAt;
  const messageId = await createOutbound(ctx, {
    userId,
    contactId: contact._id,
    channel: args.channel,
    ...content,
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
  });
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
  const done = await transition(ctx, writes, message, "canceled", { scheduledAt: undefined });
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
