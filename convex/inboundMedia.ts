/**
 * Inbound media (MMS, WhatsApp) kept in Convex file storage: Twilio's media URLs need the
 * account's credentials and the media can be deleted on Twilio's side, so each file is fetched
 * once, right after the message is stored (convex/lib/inbound.ts schedules this), and the
 * message then points at the copy. A file that cannot be fetched keeps its provider URL.
 */
import { v } from "convex/values";
import { MAX_UPLOAD_BYTES } from "../lib/attachments";
import { internal } from "./_generated/api";
import { internalAction } from "./_generated/server";
import { internalMutation, internalQuery } from "./functions";
import { env } from "./lib/env";
import { replaceMedia } from "./lib/messages";
import { vAttachment } from "./schema";

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
  "application/pdf": "pdf",
  "video/mp4": "mp4",
  "audio/mpeg": "mp3",
  "audio/ogg": "ogg",
};

/** The message's provider media still to copy. */
export const pending = internalQuery({
  args: { messageId: v.id("messages") },
  returns: v.union(v.null(), v.object({ urls: v.array(v.string()), types: v.array(v.string()) })),
  handler: async (ctx, { messageId }) => {
    const m = await ctx.db.get("messages", messageId);
    if (!m || m.direction !== "inbound" || !m.mediaUrls?.length) return null;
    return { urls: m.mediaUrls.slice(0, m.mediaUrls.length - (m.attachments?.length ?? 0)), types: m.mediaTypes ?? [] };
  },
});

/** Whether a media URL is Twilio's (so it gets the account's credentials, and only it); `base` is a test's fake Twilio. */
function isTwilioUrl(url: URL, base: string | undefined): boolean {
  if (base && url.origin === new URL(base).origin) return true;
  return url.protocol === "https:" && (url.hostname === "api.twilio.com" || url.hostname.endsWith(".twilio.com"));
}

export const copy = internalAction({
  args: { messageId: v.id("messages") },
  returns: v.number(),
  handler: async (ctx, { messageId }): Promise<number> => {
    const media: { urls: string[]; types: string[] } | null = await ctx.runQuery(internal.inboundMedia.pending, { messageId });
    if (!media) return 0;
    const twilio = env.channelConfig().twilio;
    const copies = [];
    for (const [index, raw] of media.urls.entries()) {
      try {
        const url = new URL(raw);
        const headers: Record<string, string> = {};
        if (twilio && isTwilioUrl(url, twilio.baseUrl)) headers.Authorization = `Basic ${btoa(`${twilio.accountSid}:${twilio.authToken}`)}`;
        // fetch drops the Authorization header when Twilio redirects to its storage host.
        const response = await fetch(url, { headers });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const blob = await response.blob();
        if (blob.size === 0 || blob.size > MAX_UPLOAD_BYTES) throw new Error(`${blob.size} bytes`);
        const contentType = (response.headers.get("content-type") ?? media.types[index] ?? "application/octet-stream").split(";")[0].trim().toLowerCase();
        const storageId = await ctx.storage.store(new Blob([blob], { type: contentType }));
        const sid = url.pathname.split("/").filter(Boolean).pop() ?? `file-${index + 1}`;
        const name = `${sid}${EXTENSIONS[contentType] ? `.${EXTENSIONS[contentType]}` : ""}`;
        copies.push({ index, storageId, name, contentType, size: blob.size });
      } catch (error) {
        // Never log the URL's credentials (there are none in it) or the body: the reason is enough.
        console.warn(`[media] inbound media ${index} of ${messageId} not copied: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (copies.length === 0) return 0;
    await ctx.runMutation(internal.inboundMedia.attach, { messageId, copies });
    return copies.length;
  },
});

/** Point the message at its stored copies (or delete them, if the message is gone). */
export const attach = internalMutation({
  args: { messageId: v.id("messages"), copies: v.array(v.object({ index: v.number(), ...vAttachment.fields })) },
  returns: v.null(),
  handler: async (ctx, { messageId, copies }) => {
    const message = await ctx.db.get("messages", messageId);
    if (!message) {
      for (const c of copies) await ctx.storage.delete(c.storageId);
      return null;
    }
    const withUrls = [];
    for (const { index, ...attachment } of copies) {
      const url = await ctx.storage.getUrl(attachment.storageId);
      if (!url) continue;
      withUrls.push({ index, url, attachment });
      await ctx.db.insert("uploads", { userId: message.userId, ...attachment, contactId: message.contactId, messageId });
    }
    await replaceMedia(ctx, message, withUrls);
    return null;
  },
});
