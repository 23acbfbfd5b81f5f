/**
 * Inbound email bodies within Convex's limits. Resend's `email.received` webhook carries only
 * metadata; the text, HTML and attachment list are fetched from its Receiving API and can be any
 * size, while a document holds at most 1 MiB. So: the message's `content` keeps at most
 * MAX_INBOUND_TEXT characters (cut visibly, the whole text in file storage), HTML up to
 * MAX_INLINE_HTML_BYTES sits in the `emailBodies` document and larger HTML in file storage.
 */
import { v, type Infer } from "convex/values";
import type { Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { vProvider } from "../schema";

/** Characters of an inbound email's text kept on the message (the outbound limit too). */
export const MAX_INBOUND_TEXT = 50_000;
/** UTF-8 bytes of HTML kept in the document; more goes to file storage. */
export const MAX_INLINE_HTML_BYTES = 256 * 1024;
/** Attachments listed per email (their metadata only; the files stay with the provider). */
export const MAX_ATTACHMENTS = 50;
/** Characters of the References chain kept (mail clients need the last few ids). */
const MAX_REFERENCES = 2000;

export const vAttachment = v.object({
  filename: v.string(),
  contentType: v.string(),
  size: v.number(),
  contentId: v.optional(v.string()),
  inline: v.boolean(),
});
export type AttachmentMeta = Infer<typeof vAttachment>;

/** A received email as the webhook saw it: where it goes, from whom, about what. */
export const vReceived = {
  senderId: v.id("senders"),
  emailId: v.string(),
  from: v.object({ email: v.string(), name: v.optional(v.string()) }),
  subject: v.string(),
};

/** A received email whose body is to be fetched (convex/emailFetch.ts), and which try this is. */
export const vFetchJob = v.object({
  ...vReceived,
  provider: vProvider,
  emailMessageId: v.optional(v.string()),
  attachments: v.array(vAttachment),
  attempt: v.number(),
});
export type FetchJob = Infer<typeof vFetchJob>;

/** `text` cut to `max` characters (never inside a surrogate pair), with a note saying so. */
export function truncateVisibly(text: string, max = MAX_INBOUND_TEXT): { content: string; truncated: boolean } {
  if (text.length <= max) return { content: text, truncated: false };
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  const kb = Math.round(new TextEncoder().encode(text).length / 1024);
  return {
    content: `${text.slice(0, end)}\n\n[This email is longer than ${max.toLocaleString("en-US")} characters (${kb} KB); the rest is in its full text.]`,
    truncated: true,
  };
}

/** Plain text from HTML when an email has no text part: tags dropped, entities and breaks kept readable. */
export function textFromHtml(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h[1-6])\s*>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/gi, " ")
    .replace(/&lt;/gi, "<")
    .replace(/&gt;/gi, ">")
    .replace(/&quot;/gi, '"')
    .replace(/&#39;|&apos;/gi, "'")
    .replace(/&amp;/gi, "&")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** The References header of a reply: the email's own chain, then its Message-ID, bounded from the front. */
export function referencesOf(references: string | undefined, messageId: string | undefined): string | undefined {
  const chain = [...(references ?? "").split(/\s+/), messageId ?? ""].filter((id) => /^<[^<>\s]{1,250}>$/.test(id));
  while (chain.length > 1 && chain.join(" ").length > MAX_REFERENCES) chain.shift();
  return chain.length > 0 ? chain.join(" ") : undefined;
}

/** What an email to this contact should reply to: the newest inbound email's ids. */
export async function replyHeaders(
  ctx: Pick<QueryCtx, "db">,
  contactId: Id<"contacts">,
): Promise<{ inReplyTo: string; references: string } | null> {
  const latest = await ctx.db
    .query("emailBodies")
    .withIndex("by_contact", (q) => q.eq("contactId", contactId))
    .order("desc")
    .first();
  if (!latest?.emailMessageId) return null;
  return { inReplyTo: latest.emailMessageId, references: latest.references ?? latest.emailMessageId };
}

/** Delete up to `limit` of a removed contact's email bodies and their stored files; returns how many. */
export async function deleteContactEmailBodies(
  ctx: Pick<MutationCtx, "db" | "storage">,
  contactId: Id<"contacts">,
  limit: number,
): Promise<number> {
  const bodies = await ctx.db
    .query("emailBodies")
    .withIndex("by_contact", (q) => q.eq("contactId", contactId))
    .take(limit);
  for (const body of bodies) {
    if (body.htmlStorageId) await ctx.storage.delete(body.htmlStorageId);
    if (body.textStorageId) await ctx.storage.delete(body.textStorageId);
    await ctx.db.delete("emailBodies", body._id);
  }
  return bodies.length;
}
