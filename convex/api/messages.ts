/**
 * REST API: /messages and /scheduled. Sending goes through the app's own send path
 * (sendToContact: validation, write, dispatch, audit), with the API key as the actor.
 */
import { paginationOptsValidator } from "convex/server";
import { v } from "convex/values";
import { formatPhone } from "../../lib/phone";
import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import { apiMutation, apiQuery, getOwned, getOwnedByString } from "../functions";
import { upcomingBroadcasts } from "../lib/broadcasts";
import { createContact, findContactByEmail, findContactByPhone, parseEmail, parsePhone } from "../lib/contacts";
import { listMessages, upcomingMessages } from "../lib/messageLists";
import { cancelMessage, sendToContact } from "../lib/send";
import { vChannel, vDirection, vMessageStatus, type Actor, type Channel } from "../schema";
import { idempotencyOf, onceForKey, storedResponse, vIdempotency } from "./idempotency";
import { broadcastJson, messageJson, pageOptions, readPage } from "./resources";
import { defineRoute, type ApiRoute } from "./route";
import * as s from "./schemas";
import { templateRefs, vTemplateArgs, variablesOf } from "./templateRefs";

export const ROUTE_SEND = "POST /messages";

/**
 * The contact a message is addressed to by phone and/or email: an existing contact with
 * the channel's own address first, then with the other one; else a new contact (named
 * `name`, or after the address), created under the app's usual rules.
 */
async function findOrCreateRecipient(
  ctx: Pick<MutationCtx, "db" | "scheduler">,
  userId: Id<"users">,
  actor: Actor,
  channel: Channel,
  to: { phone?: string; email?: string; name?: string },
): Promise<Doc<"contacts">> {
  const phone = to.phone === undefined ? undefined : parsePhone(to.phone);
  const email = to.email === undefined ? undefined : parseEmail(to.email);
  const byPhone = async () => (phone ? await findContactByPhone(ctx, userId, phone) : null);
  const byEmail = async () => (email ? await findContactByEmail(ctx, userId, email) : null);
  const existing =
    channel === "email" ? ((await byEmail()) ?? (await byPhone())) : ((await byPhone()) ?? (await byEmail()));
  if (existing) return existing;
  const name = to.name ?? (phone ? formatPhone(phone) : email!);
  const contactId = await createContact(ctx, userId, actor, { name, phone, email });
  return await getOwned({ db: ctx.db, userId }, "contacts", contactId);
}

/**
 * Send now (201) or schedule (202). Reads: the idempotency record, the contact (or its
 * address lookups), the channel's senders; then the message write path.
 */
export const send = apiMutation({
  args: {
    contactId: v.optional(v.string()),
    phone: v.optional(v.string()),
    email: v.optional(v.string()),
    name: v.optional(v.string()),
    channel: vChannel,
    content: v.optional(v.string()),
    subject: v.optional(v.string()),
    mediaUrls: v.optional(v.array(v.string())),
    scheduledAt: v.optional(v.number()),
    ...vTemplateArgs,
    transactional: v.optional(v.boolean()),
    cancelOnReply: v.optional(v.boolean()),
    idempotency: vIdempotency,
  },
  handler: async (ctx, { contactId, phone, email, name, idempotency, templateId, whatsappTemplateId, content, transactional, ...request }) =>
    await onceForKey(ctx, ctx.userId, idempotency, ROUTE_SEND, async () => {
      // The templates first: another account's id is NOT_FOUND before any contact is created.
      const templates = await templateRefs(ctx, { templateId, whatsappTemplateId });
      const contact =
        contactId !== undefined
          ? await getOwnedByString(ctx, "contacts", contactId)
          : await findOrCreateRecipient(ctx, ctx.userId, ctx.actor, request.channel, { phone, email, name });
      // Quiet hours hold API sends (nobody is there to confirm) unless they are transactional.
      const messageId = await sendToContact(ctx, ctx.actor, contact, {
        ...request,
        content: content ?? "",
        ...templates,
        quietHours: transactional ? "ignore" : "hold",
      });
      const message = await getOwned(ctx, "messages", messageId);
      return { status: message.status === "scheduled" ? 202 : 201, body: messageJson(message) };
    }),
});

export const list = apiQuery({
  args: {
    paginationOpts: paginationOptsValidator,
    contactId: v.optional(v.string()),
    channel: v.optional(vChannel),
    status: v.optional(vMessageStatus),
    direction: v.optional(vDirection),
  },
  handler: async (ctx, { paginationOpts, contactId, ...filters }) => {
    const contact = contactId === undefined ? undefined : await getOwnedByString(ctx, "contacts", contactId);
    return await readPage(
      paginationOpts,
      () => listMessages(ctx, ctx.userId, { ...filters, ...(contact ? { contactId: contact._id } : {}) }, paginationOpts),
      messageJson,
    );
  },
});

export const get = apiQuery({
  args: { messageId: v.string() },
  handler: async (ctx, { messageId }) => messageJson(await getOwnedByString(ctx, "messages", messageId)),
});

export const cancel = apiMutation({
  args: { messageId: v.string() },
  handler: async (ctx, { messageId }) => {
    const message = await getOwnedByString(ctx, "messages", messageId);
    return messageJson(await cancelMessage(ctx, ctx.userId, ctx.actor, message._id));
  },
});

/** What is scheduled, soonest first: messages, or broadcasts. */
export const scheduled = apiQuery({
  args: { kind: v.union(v.literal("messages"), v.literal("broadcasts")), paginationOpts: paginationOptsValidator },
  handler: async (ctx, { kind, paginationOpts }) =>
    kind === "messages"
      ? await readPage(paginationOpts, () => upcomingMessages(ctx, ctx.userId, paginationOpts), messageJson)
      : await readPage(paginationOpts, () => upcomingBroadcasts(ctx, ctx.userId, paginationOpts), broadcastJson),
});

const TAG = "Messages";

export const messageRoutes: ApiRoute[] = [
  defineRoute({
    method: "POST",
    path: "/messages",
    tag: TAG,
    summary: "Send or schedule a message",
    description:
      "Send an `Idempotency-Key` header to make retries safe: a retry with the same key returns the first " +
      "response (for 24 hours) and sends nothing again.",
    body: s.MessageCreate,
    idempotent: true,
    responses: {
      201: { description: "Sent now: the message, `queued` (it goes out within seconds).", schema: s.Message },
      202: { description: "Scheduled: the message, `scheduled`.", schema: s.Message },
    },
    errors: [404, 409, 422],
    handler: async (ctx, { body, idempotencyKey, bodyHash }) => {
      const { scheduledAt, variables, ...rest } = body;
      const result = await ctx.runMutation(internal.api.messages.send, {
        ...ctx.auth,
        ...rest,
        ...variablesOf(variables),
        ...(scheduledAt !== undefined ? { scheduledAt: Date.parse(scheduledAt) } : {}),
        idempotency: idempotencyOf(idempotencyKey, bodyHash),
      });
      return storedResponse(result);
    },
  }),
  defineRoute({
    method: "GET",
    path: "/messages",
    tag: TAG,
    summary: "List messages",
    description:
      "Newest first. Filters narrow each page, so a page may hold fewer than `limit` messages: " +
      "keep following `nextCursor` until it is null.",
    query: s.MessagesQuery,
    responses: { 200: { description: "A page of messages.", schema: s.MessageList } },
    errors: [404],
    handler: async (ctx, { query }) => {
      const { limit: _limit, cursor: _cursor, ...filters } = query;
      return {
        status: 200,
        body: await ctx.runQuery(internal.api.messages.list, {
          ...ctx.auth,
          ...filters,
          paginationOpts: pageOptions(query),
        }),
      };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/messages/{id}",
    tag: TAG,
    summary: "Get a message",
    description: "With its delivery status.",
    params: s.IdParams,
    responses: { 200: { description: "The message.", schema: s.Message } },
    errors: [404],
    handler: async (ctx, { params }) => ({
      status: 200,
      body: await ctx.runQuery(internal.api.messages.get, { ...ctx.auth, messageId: params.id }),
    }),
  }),
  defineRoute({
    method: "POST",
    path: "/messages/{id}/cancel",
    tag: TAG,
    summary: "Cancel a message that has not gone out",
    description: "A scheduled or queued message; one already being sent cannot be stopped (422).",
    params: s.IdParams,
    responses: { 200: { description: "The canceled message.", schema: s.Message } },
    errors: [404, 422],
    handler: async (ctx, { params }) => ({
      status: 200,
      body: await ctx.runMutation(internal.api.messages.cancel, { ...ctx.auth, messageId: params.id }),
    }),
  }),
  defineRoute({
    method: "GET",
    path: "/scheduled",
    tag: TAG,
    summary: "What is scheduled",
    description: "Scheduled messages (default) or broadcasts (`kind=broadcasts`), soonest first.",
    query: s.ScheduledQuery,
    responses: { 200: { description: "A page of messages or broadcasts.", schema: s.ScheduledList } },
    handler: async (ctx, { query }) => ({
      status: 200,
      body: await ctx.runQuery(internal.api.messages.scheduled, {
        ...ctx.auth,
        kind: query.kind ?? "messages",
        paginationOpts: pageOptions(query),
      }),
    }),
  }),
];
