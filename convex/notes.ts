import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { extractMentions } from "../lib/mentions";
import type { Doc, Id } from "./_generated/dataModel";
import { getOwned, userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { CONTACT_LIMITS } from "./lib/contacts";
import { appError } from "./lib/errors";
import schema from "./schema";

const vNote = doc(schema, "notes");
export const NOTE_MAX_LENGTH = 5000;

function cleanContent(content: string): string {
  const trimmed = content.trim();
  if (trimmed.length === 0 || trimmed.length > NOTE_MAX_LENGTH) {
    throw appError("INVALID_ARGUMENT", `Notes must be 1–${NOTE_MAX_LENGTH} characters.`, { field: "content" });
  }
  return trimmed;
}

/** Private notes are visible to their author only. */
function canSee(note: Doc<"notes">, viewer: Id<"users">): boolean {
  return !note.isPrivate || note.authorId === viewer;
}

/** A note the viewer may change: owned, visible, and written by them. */
async function getEditableNote(ctx: Parameters<typeof getOwned>[0], noteId: Id<"notes">) {
  const note = await getOwned(ctx, "notes", noteId);
  if (!canSee(note, ctx.userId) || note.authorId !== ctx.userId) throw appError("NOT_FOUND");
  return note;
}

/** A contact's notes, newest first. */
export const listForContact = userQuery({
  args: { contactId: v.id("contacts"), paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vNote),
  handler: async (ctx, { contactId, paginationOpts }) => {
    await getOwned(ctx, "contacts", contactId);
    const result = await ctx.db
      .query("notes")
      .withIndex("by_contact", (q) => q.eq("contactId", contactId))
      .order("desc")
      .paginate(paginationOpts);
    return { ...result, page: result.page.filter((n) => canSee(n, ctx.userId)) };
  },
});

export const create = userMutation({
  args: { contactId: v.id("contacts"), content: v.string(), isPrivate: v.optional(v.boolean()) },
  returns: v.id("notes"),
  handler: async (ctx, args) => {
    await getOwned(ctx, "contacts", args.contactId);
    const content = cleanContent(args.content);
    const existing = await ctx.db
      .query("notes")
      .withIndex("by_contact", (q) => q.eq("contactId", args.contactId))
      .take(CONTACT_LIMITS.notesPerContact);
    if (existing.length >= CONTACT_LIMITS.notesPerContact) {
      throw appError("LIMIT_EXCEEDED", `A contact can have at most ${CONTACT_LIMITS.notesPerContact} notes.`);
    }
    const noteId = await ctx.db.insert("notes", {
      userId: ctx.userId,
      authorId: ctx.userId,
      contactId: args.contactId,
      content,
      isPrivate: args.isPrivate ?? false,
      mentions: extractMentions(content),
    });
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "note.create",
      target: { table: "notes", id: noteId },
    });
    return noteId;
  },
});

export const update = userMutation({
  args: { noteId: v.id("notes"), content: v.optional(v.string()), isPrivate: v.optional(v.boolean()) },
  returns: v.null(),
  handler: async (ctx, args) => {
    await getEditableNote(ctx, args.noteId);
    const content = args.content === undefined ? undefined : cleanContent(args.content);
    await ctx.db.patch("notes", args.noteId, {
      ...(content === undefined ? {} : { content, mentions: extractMentions(content) }),
      ...(args.isPrivate === undefined ? {} : { isPrivate: args.isPrivate }),
      updatedAt: Date.now(),
    });
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "note.update",
      target: { table: "notes", id: args.noteId },
    });
    return null;
  },
});

export const remove = userMutation({
  args: { noteId: v.id("notes") },
  returns: v.null(),
  handler: async (ctx, { noteId }) => {
    await getEditableNote(ctx, noteId);
    await ctx.db.delete("notes", noteId);
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "note.remove",
      target: { table: "notes", id: noteId },
    });
    return null;
  },
});
