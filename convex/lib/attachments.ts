/** Files attached to outbound messages: ownership, the channel's limits, and the URLs providers fetch. */
import { attachmentProblem, type Channel } from "../../lib/attachments";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import type { Attachment } from "../schema";
import { appError } from "./errors";

export async function uploadOf(ctx: Pick<QueryCtx, "db">, storageId: Id<"_storage">): Promise<Doc<"uploads"> | null> {
  return await ctx.db
    .query("uploads")
    .withIndex("by_storageId", (q) => q.eq("storageId", storageId))
    .unique();
}

/** The user's upload of this file; someone else's and a missing one are both NOT_FOUND. */
export async function ownUpload(ctx: Pick<QueryCtx, "db">, userId: Id<"users">, storageId: Id<"_storage">): Promise<Doc<"uploads">> {
  const upload = await uploadOf(ctx, storageId);
  if (!upload || upload.userId !== userId) throw appError("NOT_FOUND", "That file does not exist.");
  return upload;
}

/** A message's file names lined up with its mediaUrls (typed links come first, without a name). */
export function mediaNamesOf(message: Pick<Doc<"messages">, "mediaUrls" | "attachments">): string[] {
  const files = (message.attachments ?? []).map((a) => a.name);
  return [...Array.from({ length: (message.mediaUrls?.length ?? 0) - files.length }, () => ""), ...files];
}

export function attachmentOf(upload: Doc<"uploads">): Attachment {
  return { storageId: upload.storageId, name: upload.name, contentType: upload.contentType, size: upload.size };
}

/**
 * The files of an outbound message, checked against the channel's limits: the attachments to
 * keep on the message, and their storage URLs with types for the provider (Twilio fetches
 * `MediaUrl`s, Resend attachment `path`s). A storage URL works as long as the file exists.
 */
export async function resolveAttachments(
  ctx: Pick<QueryCtx, "db" | "storage">,
  userId: Id<"users">,
  channel: Channel,
  storageIds: readonly Id<"_storage">[],
): Promise<{ attachments: Attachment[]; mediaUrls: string[]; mediaTypes: string[] }> {
  const attachments: Attachment[] = [];
  for (const id of new Set(storageIds)) attachments.push(attachmentOf(await ownUpload(ctx, userId, id)));
  const problem = attachmentProblem(channel, attachments);
  if (problem) throw appError("ATTACHMENT_INVALID", problem, { field: "attachments" });
  const mediaUrls: string[] = [];
  for (const a of attachments) {
    const url = await ctx.storage.getUrl(a.storageId);
    if (!url) throw appError("NOT_FOUND", `“${a.name}” is no longer stored.`);
    mediaUrls.push(url);
  }
  return { attachments, mediaUrls, mediaTypes: attachments.map((a) => a.contentType) };
}

/** Mark the uploads a new message carries, so the clean-up keeps them. */
export async function markUploadsSent(ctx: Pick<MutationCtx, "db">, attachments: readonly Attachment[], messageId: Id<"messages">) {
  for (const a of attachments) {
    const upload = await uploadOf(ctx, a.storageId);
    if (upload && upload.messageId === undefined) await ctx.db.patch("uploads", upload._id, { messageId });
  }
}

/** Delete a message's files (the message is being deleted). */
export async function deleteMessageFiles(ctx: Pick<MutationCtx, "db" | "storage">, message: Pick<Doc<"messages">, "attachments">) {
  for (const a of message.attachments ?? []) {
    const upload = await uploadOf(ctx, a.storageId);
    if (upload) await ctx.db.delete("uploads", upload._id);
    if (await ctx.db.system.get("_storage", a.storageId)) await ctx.storage.delete(a.storageId);
  }
}
