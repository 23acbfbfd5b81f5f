/**
 * Message templates (Settings → Templates) and the composer's per-recipient preview and SMS cost.
 * The preview renders with the same server code as the send (convex/lib/personalize.ts), so what
 * it shows is what goes out.
 */
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v, type Infer } from "convex/values";
import { doc } from "convex-helpers/validators";
import { smsSegments } from "../lib/smsSegments";
import { unknownVariables } from "../lib/templates";
import type { Doc, Id } from "./_generated/dataModel";
import type { QueryCtx } from "./_generated/server";
import { getOwned, userMutation, userQuery } from "./functions";
import { recipientPage } from "./lib/audience";
import { appError } from "./lib/errors";
import { defaultSender, recipientProblem } from "./lib/outbound";
import { loadMergeContext, renderMessage, type MergeContext, type MessageSource } from "./lib/personalize";
import { createTemplate, listTemplates, removeTemplate, updateTemplate } from "./lib/templates";
import schema, { vChannel, vSendVariables, type Channel } from "./schema";

const vTemplate = doc(schema, "templates");

export const list = userQuery({
  args: { search: v.optional(v.string()), channel: v.optional(vChannel) },
  returns: v.array(vTemplate),
  handler: async (ctx, args) => await listTemplates(ctx, ctx.userId, { ...args, limit: 100 }),
});

export const get = userQuery({
  args: { templateId: v.id("templates") },
  returns: vTemplate,
  handler: async (ctx, { templateId }) => await getOwned(ctx, "templates", templateId),
});

const vInput = {
  name: v.string(),
  channel: v.union(vChannel, v.null()),
  content: v.string(),
  subject: v.optional(v.string()),
};

export const create = userMutation({
  args: vInput,
  returns: v.id("templates"),
  handler: async (ctx, args) => await createTemplate(ctx, ctx.userId, ctx.actor, args),
});

export const update = userMutation({
  args: {
    templateId: v.id("templates"),
    name: v.optional(v.string()),
    channel: v.optional(v.union(vChannel, v.null())),
    content: v.optional(v.string()),
    subject: v.optional(v.string()),
  },
  returns: v.null(),
  handler: async (ctx, { templateId, ...patch }) => {
    await updateTemplate(ctx, ctx.userId, ctx.actor, await getOwned(ctx, "templates", templateId), patch);
    return null;
  },
});

export const remove = userMutation({
  args: { templateId: v.id("templates") },
  returns: v.null(),
  handler: async (ctx, { templateId }) => {
    await removeTemplate(ctx, ctx.userId, ctx.actor, await getOwned(ctx, "templates", templateId));
    return null;
  },
});

// --- Preview and cost ---

/** What the composer is writing: typed text (with merge fields) or an approved WhatsApp template. */
const vDraft = {
  channel: vChannel,
  content: v.string(),
  subject: v.optional(v.string()),
  variables: v.optional(vSendVariables),
  whatsappTemplateId: v.optional(v.id("whatsappTemplates")),
};
type Draft = { channel: Channel; content: string; subject?: string; variables?: Infer<typeof vSendVariables>; whatsappTemplateId?: Id<"whatsappTemplates"> };

const vSegments = v.object({ encoding: v.string(), segments: v.number(), characters: v.number() });

const vPreview = v.object({
  contactId: v.id("contacts"),
  name: v.string(),
  /** The text as this contact gets it (what rendered, even when a variable is missing). */
  content: v.string(),
  subject: v.optional(v.string()),
  /** Why this contact would not get it: NO_ADDRESS, OPTED_OUT, WHATSAPP_WINDOW_CLOSED, TEMPLATE_VARIABLE_MISSING, CONTENT_INVALID. */
  problem: v.optional(v.object({ code: v.string(), message: v.string() })),
  /** SMS only: the rendered text's segments and encoding. */
  sms: v.optional(vSegments),
});
type Preview = Infer<typeof vPreview>;

type Prepared = { mc: MergeContext; source: MessageSource; sender: Doc<"senders"> | null; unknown: string[] };

async function prepare(ctx: QueryCtx & { userId: Id<"users"> }, draft: Draft): Promise<Prepared> {
  const mc = await loadMergeContext(ctx, ctx.userId);
  const source: MessageSource = {
    content: draft.content,
    ...(draft.subject !== undefined ? { subject: draft.subject } : {}),
    ...(draft.variables ? { variables: draft.variables } : {}),
  };
  if (draft.whatsappTemplateId) {
    const t = await getOwned(ctx, "whatsappTemplates", draft.whatsappTemplateId);
    source.whatsappTemplate = t;
    source.content = t.body;
  }
  const unknown = source.whatsappTemplate ? [] : unknownVariables(mc.customKeys, source.content, source.subject);
  return { mc, source, sender: await defaultSender(ctx, ctx.userId, draft.channel), unknown };
}

function previewOne(p: Prepared, contact: Doc<"contacts">, channel: Channel, now: number): Preview {
  const approvedTemplate = p.source.whatsappTemplate?.status === "approved";
  const base = { contactId: contact._id, name: contact.name };
  const r = renderMessage(p.mc, contact, p.sender, channel, p.source);
  // What rendered even when something is missing, so the gap shows in place.
  const text = r.ok ? r.message : r.partial;
  const recipient = recipientProblem(contact, channel, now, { approvedTemplate });
  const problem = recipient
    ? { code: recipient, message: recipientMessage(recipient, channel) }
    : !r.ok
      ? { code: r.reason === "missingVariable" ? "TEMPLATE_VARIABLE_MISSING" : "CONTENT_INVALID", message: r.message }
      : undefined;
  const s = channel === "sms" ? smsSegments(text.content) : null;
  return {
    ...base,
    content: text.content,
    ...(text.subject !== undefined ? { subject: text.subject } : {}),
    ...(problem ? { problem } : {}),
    ...(s ? { sms: { encoding: s.encoding, segments: s.segments, characters: s.characters } } : {}),
  };
}

function recipientMessage(code: string, channel: Channel): string {
  if (code === "NO_ADDRESS") return `No ${channel === "email" ? "email address" : "phone number"}.`;
  if (code === "OPTED_OUT") return `Opted out of ${channel === "sms" ? "SMS" : channel === "whatsapp" ? "WhatsApp" : "email"}.`;
  return "WhatsApp 24-hour window closed: send an approved template.";
}

function assertKnown(p: Prepared) {
  if (p.unknown.length > 0) {
    throw appError("TEMPLATE_VARIABLE_UNKNOWN", `{{${p.unknown[0]}}} is not a merge field of this account.`, { variable: p.unknown[0], field: "content" });
  }
}

/** The message as one contact would get it now. */
export const preview = userQuery({
  args: { ...vDraft, contactId: v.id("contacts") },
  returns: v.object({ unknown: v.array(v.string()), preview: vPreview }),
  handler: async (ctx, { contactId, ...draft }) => {
    const contact = await getOwned(ctx, "contacts", contactId);
    const p = await prepare(ctx, draft);
    return { unknown: p.unknown, preview: previewOne(p, contact, draft.channel, Date.now()) };
  },
});

const vAudience = { groupId: v.optional(v.id("groups")), segmentId: v.optional(v.id("segments")) };

async function audienceOf(ctx: QueryCtx & { userId: Id<"users"> }, a: { groupId?: Id<"groups">; segmentId?: Id<"segments"> }) {
  if (a.groupId) return { group: await getOwned(ctx, "groups", a.groupId) };
  if (a.segmentId) return { segment: await getOwned(ctx, "segments", a.segmentId) };
  throw appError("INVALID_ARGUMENT", "Give a group or a segment.", { field: "groupId" });
}

/** The first few recipients of a broadcast, each with the message as they would get it. */
export const previewAudience = userQuery({
  args: { ...vDraft, ...vAudience, limit: v.optional(v.number()) },
  returns: v.object({ unknown: v.array(v.string()), previews: v.array(vPreview) }),
  handler: async (ctx, { groupId, segmentId, limit, ...draft }) => {
    const audience = await audienceOf(ctx, { groupId, segmentId });
    const p = await prepare(ctx, draft);
    const n = Math.max(1, Math.min(limit ?? 3, 10));
    // A segment's page may match fewer than it reads: read a bounded window and keep the first n.
    const page = await recipientPage(ctx, ctx.userId, audience, { numItems: "segment" in audience ? 200 : n, cursor: null }, Date.now());
    const now = Date.now();
    return { unknown: p.unknown, previews: page.contacts.slice(0, n).map((c) => previewOne(p, c, draft.channel, now)) };
  },
});

/** Recipients read per page of the cost (each costs a membership and a contact read at most). */
export const COST_PAGE_MAX = 1000;

const vCostPage = v.object({
  scanned: v.number(),
  recipients: v.number(),
  skipped: v.object({
    noAddress: v.number(),
    optedOut: v.number(),
    whatsappWindowClosed: v.number(),
    missingVariable: v.number(),
    contentTooLong: v.number(),
  }),
  /** SMS: segments over the recipients who would get it. */
  segments: v.number(),
  minSegments: v.union(v.number(), v.null()),
  maxSegments: v.union(v.number(), v.null()),
  /** Recipients whose text went to UCS-2 (a character outside GSM-7). */
  ucs2: v.number(),
});

/**
 * A page of a broadcast's cost: each recipient's message rendered, counted as sent or skipped
 * (with the fan-out's reasons), and for SMS its segments. Load every page (lib/use-audience-cost.ts)
 * and add them up: the range and total over the whole audience, live.
 */
export const audienceCost = userQuery({
  args: { ...vDraft, ...vAudience, paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vCostPage),
  handler: async (ctx, { groupId, segmentId, paginationOpts, ...draft }) => {
    const audience = await audienceOf(ctx, { groupId, segmentId });
    const p = await prepare(ctx, draft);
    assertKnown(p);
    const now = Date.now();
    const opts = { ...paginationOpts, numItems: Math.min(paginationOpts.numItems, COST_PAGE_MAX) };
    const page = await recipientPage(ctx, ctx.userId, audience, opts, now);
    const approvedTemplate = p.source.whatsappTemplate?.status === "approved";
    const sum: Infer<typeof vCostPage> = {
      scanned: page.scanned,
      recipients: 0,
      skipped: { noAddress: 0, optedOut: 0, whatsappWindowClosed: 0, missingVariable: 0, contentTooLong: 0 },
      segments: 0,
      minSegments: null,
      maxSegments: null,
      ucs2: 0,
    };
    const key = { NO_ADDRESS: "noAddress", OPTED_OUT: "optedOut", WHATSAPP_WINDOW_CLOSED: "whatsappWindowClosed" } as const;
    for (const contact of page.contacts) {
      const problem = recipientProblem(contact, draft.channel, now, { approvedTemplate });
      if (problem) {
        sum.skipped[key[problem]]++;
        continue;
      }
      const r = renderMessage(p.mc, contact, p.sender, draft.channel, p.source);
      if (!r.ok) {
        sum.skipped[r.reason]++;
        continue;
      }
      sum.recipients++;
      if (draft.channel === "sms") {
        const s = smsSegments(r.message.content);
        sum.segments += s.segments;
        sum.minSegments = Math.min(sum.minSegments ?? s.segments, s.segments);
        sum.maxSegments = Math.max(sum.maxSegments ?? s.segments, s.segments);
        if (s.encoding === "UCS-2") sum.ucs2++;
      }
    }
    return { page: [sum], continueCursor: page.continueCursor, isDone: page.isDone };
  },
});
