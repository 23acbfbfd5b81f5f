/**
 * Rendering messages for their recipients, in one place on the server. Every outbound text goes
 * through here before it is written: a single send (app and REST API), each message of a
 * broadcast's fan-out, and a scheduled message when it goes out (with the contact's values then).
 * The rules of merge fields themselves are in lib/templates.ts, shared with the UI's preview.
 */
import type { FieldDef } from "../../lib/customFields";
import {
  badFallback,
  describeVariables,
  placeholdersOf,
  renderContentTemplate,
  renderFor,
  unknownVariables,
  type MergeSource,
} from "../../lib/templates";
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { getOwned } from "../functions";
import type { Channel, SendVariables } from "../schema";
import { fieldDefs } from "./customFields";
import { appError } from "./errors";
import { CONTENT_LIMITS } from "./outbound";

type Ctx = Pick<QueryCtx, "db">;

/** What rendering needs besides the contact, read once per transaction. */
export type MergeContext = {
  customFields: FieldDef[];
  customKeys: Set<string>;
  user: { name?: string; email?: string };
};

export async function loadMergeContext(ctx: Ctx, userId: Id<"users">): Promise<MergeContext> {
  const defs = await fieldDefs(ctx, userId);
  const user = await ctx.db.get("users", userId);
  const customFields = defs.map((d) => ({ key: d.key, label: d.label, type: d.type, ...(d.options ? { options: d.options } : {}) }));
  return {
    customFields,
    customKeys: new Set(customFields.map((f) => f.key)),
    user: { ...(user?.name ? { name: user.name } : {}), ...(user?.email ? { email: user.email } : {}) },
  };
}

export function variablesRecord(variables: SendVariables | undefined): Record<string, string> {
  return Object.fromEntries((variables ?? []).map((v) => [v.name, v.value]));
}

export function sourceFor(
  mc: MergeContext,
  contact: Pick<Doc<"contacts">, "name" | "phone" | "email" | "fields">,
  sender: Pick<Doc<"senders">, "address" | "label"> | null,
  variables?: SendVariables,
): MergeSource {
  return {
    contact,
    customFields: mc.customFields,
    sender: {
      name: mc.user.name ?? sender?.label,
      email: mc.user.email,
      address: sender?.address,
    },
    variables: variablesRecord(variables),
  };
}

/** Refuse text with merge fields the account does not have, or an over-long fallback (saving a template, a send). */
export function assertKnownVariables(mc: MergeContext, ...texts: (string | undefined)[]): void {
  const unknown = unknownVariables(mc.customKeys, ...texts);
  if (unknown.length > 0) {
    throw appError(
      "TEMPLATE_VARIABLE_UNKNOWN",
      `${describeVariables(unknown)} ${unknown.length === 1 ? "is not a merge field" : "are not merge fields"} of this account. Use a contact field, a custom field, a sender field or var.<name>.`,
      { variable: unknown[0], field: "content" },
    );
  }
  const bad = badFallback(...texts);
  if (bad) throw appError("INVALID_ARGUMENT", `The fallback of {{${bad.name}}} is too long.`, { field: "content" });
}

export type RenderedMessage = {
  content: string;
  subject?: string;
  contentSid?: string;
  contentVariables?: string;
};

export type RenderOutcome =
  | { ok: true; message: RenderedMessage }
  | {
      ok: false;
      reason: "missingVariable" | "contentTooLong";
      message: string;
      variable?: string;
      /** The text as it rendered (empty where a value was missing), for previews. */
      partial: { content: string; subject?: string };
    };

/** What a message says before rendering: typed text, a template's text, or an approved WhatsApp template. */
export type MessageSource = {
  content: string;
  subject?: string;
  variables?: SendVariables;
  whatsappTemplate?: Doc<"whatsappTemplates">;
};

/** Render one message for one contact. Unknown variables must have been refused before (assertKnownVariables). */
export function renderMessage(
  mc: MergeContext,
  contact: Pick<Doc<"contacts">, "name" | "phone" | "email" | "fields">,
  sender: Pick<Doc<"senders">, "address" | "label"> | null,
  channel: Channel,
  source: MessageSource,
): RenderOutcome {
  const merge = sourceFor(mc, contact, sender, source.variables);
  const missing = (names: string[], partial: { content: string; subject?: string }): RenderOutcome => ({
    ok: false,
    reason: "missingVariable",
    variable: names[0],
    partial,
    message: `${describeVariables(names)} ${names.length === 1 ? "is" : "are"} empty for ${contact.name} and ${names.length === 1 ? "has" : "have"} no fallback.`,
  });
  if (source.whatsappTemplate) {
    const t = source.whatsappTemplate;
    const mapping = Object.fromEntries(t.placeholders.map((p) => [p.key, p.mapping]));
    const r = renderContentTemplate(t.body, mapping, merge);
    if (r.missing.length > 0) return missing(r.missing, { content: r.text });
    return {
      ok: true,
      message: {
        content: r.text,
        contentSid: t.contentSid,
        ...(placeholdersOf(t.body).length > 0 ? { contentVariables: JSON.stringify(r.variables) } : {}),
      },
    };
  }
  const r = renderFor(merge, { content: source.content, ...(source.subject !== undefined ? { subject: source.subject } : {}) });
  const partial = { content: r.content, ...(r.subject !== undefined ? { subject: r.subject } : {}) };
  if (r.missing.length > 0) return missing(r.missing, partial);
  const max = channel === "email" ? CONTENT_LIMITS.emailMax : CONTENT_LIMITS.textMax;
  if (r.content.length > max || (r.subject?.length ?? 0) > CONTENT_LIMITS.subjectMax) {
    return {
      ok: false,
      reason: "contentTooLong",
      partial,
      message: `With ${contact.name}'s values the ${r.content.length > max ? "message" : "subject"} is longer than ${channel === "email" && r.content.length > max ? "an email" : "the channel"} allows.`,
    };
  }
  return { ok: true, message: { content: r.content, ...(r.subject !== undefined ? { subject: r.subject } : {}) } };
}

/** Render for a single send: a problem is the sender's error to fix. */
export function renderOrThrow(
  mc: MergeContext,
  contact: Doc<"contacts">,
  sender: Doc<"senders"> | null,
  channel: Channel,
  source: MessageSource,
): RenderedMessage {
  const r = renderMessage(mc, contact, sender, channel, source);
  if (r.ok) return r.message;
  if (r.reason === "missingVariable") {
    throw appError("TEMPLATE_VARIABLE_MISSING", r.message, { variable: r.variable ?? null, field: "content" });
  }
  throw appError("CONTENT_INVALID", r.message, { field: "content" });
}

/** The templates a send names, owned by the user: looked up before any other check, so another account's id is only ever NOT_FOUND. */
export async function ownedTemplates(
  ctx: Ctx,
  userId: Id<"users">,
  ids: { templateId?: Id<"templates">; whatsappTemplateId?: Id<"whatsappTemplates"> },
): Promise<{ template: Doc<"templates"> | null; whatsappTemplate: Doc<"whatsappTemplates"> | null }> {
  return {
    template: ids.templateId ? await getOwned({ db: ctx.db, userId }, "templates", ids.templateId) : null,
    whatsappTemplate: ids.whatsappTemplateId ? await getOwned({ db: ctx.db, userId }, "whatsappTemplates", ids.whatsappTemplateId) : null,
  };
}

/**
 * What a send says: a saved template's text (checked against the channel), an approved WhatsApp
 * template, or the text given.
 */
export function sendSource(
  channel: Channel,
  given: { content: string; subject?: string; variables?: SendVariables },
  { template, whatsappTemplate }: Awaited<ReturnType<typeof ownedTemplates>>,
): MessageSource {
  const source: MessageSource = {
    content: given.content,
    ...(given.subject !== undefined ? { subject: given.subject } : {}),
    ...(given.variables?.length ? { variables: given.variables } : {}),
  };
  if (template) {
    if (template.channel !== undefined && template.channel !== channel) {
      throw appError("INVALID_ARGUMENT", `The template "${template.name}" is for ${template.channel}, not ${channel}.`, { field: "templateId" });
    }
    source.content = template.content;
    if (template.subject !== undefined) source.subject = template.subject;
  }
  if (whatsappTemplate) {
    if (channel !== "whatsapp") throw appError("INVALID_ARGUMENT", "WhatsApp templates are sent on WhatsApp.", { field: "channel" });
    if (whatsappTemplate.status !== "approved") {
      throw appError(
        "TEMPLATE_NOT_APPROVED",
        `The WhatsApp template "${whatsappTemplate.name}" is ${whatsappTemplate.status}: only approved templates can be sent.`,
      );
    }
    source.whatsappTemplate = whatsappTemplate;
    source.content = whatsappTemplate.body;
  }
  return source;
}

/** Whether a message text needs rendering at all (has merge fields, or is a WhatsApp template). */
export function needsRendering(source: MessageSource): boolean {
  return source.whatsappTemplate !== undefined || /\{\{/.test(source.content) || /\{\{/.test(source.subject ?? "");
}

/**
 * A scheduled message going out: render its text as written with the contact's values now.
 * The patch replaces what was rendered when it was scheduled and clears the text as written,
 * so a retry sends exactly what the first try did.
 */
export async function renderAtSend(
  ctx: Ctx,
  message: Doc<"messages">,
  contact: Doc<"contacts">,
  sender: Doc<"senders">,
): Promise<
  | { ok: true; patch: { content: string; subject?: string; contentSid?: string; contentVariables?: string; template: undefined } }
  | { ok: false; code: string; message: string }
> {
  const t = message.template!;
  const source: MessageSource = {
    content: t.content,
    ...(t.subject !== undefined ? { subject: t.subject } : {}),
    ...(t.variables ? { variables: t.variables } : {}),
  };
  if (t.whatsappTemplateId) {
    const wa = await ctx.db.get("whatsappTemplates", t.whatsappTemplateId);
    if (!wa || wa.status !== "approved") {
      return { ok: false, code: "TEMPLATE_NOT_APPROVED", message: "The WhatsApp template was removed or is no longer approved." };
    }
    source.whatsappTemplate = wa;
  }
  const mc = await loadMergeContext(ctx, message.userId);
  if (!source.whatsappTemplate) {
    // A custom field deleted since: its merge field is now unknown.
    const unknown = unknownVariables(mc.customKeys, source.content, source.subject);
    if (unknown.length > 0) {
      return { ok: false, code: "TEMPLATE_VARIABLE_UNKNOWN", message: `${describeVariables(unknown)} no longer exists.` };
    }
  }
  const r = renderMessage(mc, contact, sender, message.channel, source);
  if (!r.ok) return { ok: false, code: r.reason === "missingVariable" ? "TEMPLATE_VARIABLE_MISSING" : "CONTENT_INVALID", message: r.message };
  return { ok: true, patch: { subject: undefined, ...r.message, template: undefined } };
}
