/**
 * Files people attach in the composer, in Convex file storage: the browser asks for an upload
 * URL, POSTs the file there (getting a storage id), and registers it here, which checks its
 * type and size and records whose it is. Sending a message carries registered files
 * (convex/messages.ts); files nobody sent are cleaned up after a week.
 */
import { v } from "convex/values";
import { uploadProblem } from "../lib/attachments";
import { internal } from "./_generated/api";
import { getOwned, internalMutation, userMutation, userQuery } from "./functions";
import { attachmentOf, ownUpload, uploadOf } from "./lib/attachments";
import { findDraft } from "./lib/drafts";
import { appError } from "./lib/errors";
import { vAttachment } from "./schema";

const NAME_MAX = 120;
/** Unsent uploads older than this go, unless a draft still holds them. */
export const UNSENT_UPLOAD_TTL_MS = 7 * 24 * 60 * 60 * 1000;
const CLEANUP_BATCH = 100;

/** A one-time URL to POST one file to (Convex storage); it expires after a while. */
export const generateUploadUrl = userMutation({
  args: {},
  returns: v.string(),
  handler: async (ctx) => await ctx.storage.generateUploadUrl(),
});

/** "C:\\fakepath\\menu (1).pdf" → "menu (1).pdf", without control characters, at most 120 characters. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return (base || "file").slice(0, NAME_MAX);
}

/**
 * Record an uploaded file as the user's, in the conversation with `contactId`. A file that is
 * not an image or a PDF, or too big, is deleted and refused with the reason (returned rather
 * than thrown: a throw would undo the deletion). Registering twice is harmless.
 */
export const register = userMutation({
  args: { storageId: v.id("_storage"), name: v.string(), contactId: v.id("contacts") },
  returns: v.union(
    v.object({ attachment: vAttachment, url: v.union(v.string(), v.null()) }),
    v.object({ refused: v.string() }),
  ),
  handler: async (ctx, { storageId, name, contactId }) => {
    await getOwned(ctx, "contacts", contactId);
    const existing = await uploadOf(ctx, storageId);
    if (existing) {
      if (existing.userId !== ctx.userId) throw appError("NOT_FOUND", "That file does not exist.");
      return { attachment: attachmentOf(existing), url: await ctx.storage.getUrl(storageId) };
    }
    const stored = await ctx.db.system.get("_storage", storageId);
    if (!stored) throw appError("NOT_FOUND", "That file does not exist.");
    const facts = { name: cleanName(name), contentType: (stored.contentType ?? "").toLowerCase(), size: stored.size };
    const problem = uploadProblem(facts);
    if (problem) {
      await ctx.storage.delete(storageId);
      return { refused: problem };
    }
    await ctx.db.insert("uploads", { userId: ctx.userId, storageId, contactId, ...facts });
    return { attachment: { storageId, ...facts }, url: await ctx.storage.getUrl(storageId) };
  },
});

/** Where to show the user's files (composer previews of a restored draft). */
export const urls = userQuery({
  args: { storageIds: v.array(v.id("_storage")) },
  returns: v.array(v.object({ storageId: v.id("_storage"), url: v.union(v.string(), v.null()) })),
  handler: async (ctx, { storageIds }) => {
    if (storageIds.length > 20) throw appError("LIMIT_EXCEEDED");
    const out = [];
    for (const storageId of storageIds) {
      await ownUpload(ctx, ctx.userId, storageId);
      out.push({ storageId, url: await ctx.storage.getUrl(storageId) });
    }
    return out;
  },
});

/** Take a file out of the composer: deleted at once unless a message already carries it. */
export const discard = userMutation({
  args: { storageId: v.id("_storage") },
  returns: v.null(),
  handler: async (ctx, { storageId }) => {
    const upload = await ownUpload(ctx, ctx.userId, storageId);
    if (upload.messageId !== undefined) return null;
    await ctx.db.delete("uploads", upload._id);
    await ctx.storage.delete(storageId);
    return null;
  },
});

/** Daily (convex/crons.ts): delete unsent uploads past their week that no draft holds, a batch at a time. */
export const cleanUp = internalMutation({
  args: { cursor: v.optional(v.union(v.string(), v.null())) },
  returns: v.object({ deleted: v.number() }),
  handler: async (ctx, { cursor }) => {
    const cutoff = Date.now() - UNSENT_UPLOAD_TTL_MS;
    // Paged with a cursor: uploads kept for a draft stay behind it instead of filling every batch.
    const page = await ctx.db
      .query("uploads")
      .withIndex("by_messageId", (q) => q.eq("messageId", undefined).lt("_creationTime", cutoff))
      .paginate({ numItems: CLEANUP_BATCH, cursor: cursor ?? null });
    let deleted = 0;
    for (const upload of page.page) {
      const draft = upload.contactId ? await findDraft(ctx, upload.userId, upload.contactId) : null;
      if (draft?.attachments?.some((a) => a.storageId === upload.storageId)) continue;
      await ctx.db.delete("uploads", upload._id);
      if (await ctx.db.system.get("_storage", upload.storageId)) await ctx.storage.delete(upload.storageId);
      deleted++;
    }
    if (!page.isDone) await ctx.scheduler.runAfter(0, internal.attachments.cleanUp, { cursor: page.continueCursor });
    return { deleted };
  },
});
