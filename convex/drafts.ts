/**
 * Drafts: what a person has typed to a contact and not sent — text, subject, media link,
 * attachments, channel and the "send later" time — saved as they type (debounced by the
 * composer), so it survives switching conversations, leaving the page and a reload, and
 * shows in the user's other tabs. Sending the message deletes it (convex/messages.ts).
 */
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { CONTENT_LIMITS } from "../lib/outboundRules";
import { getOwned, userMutation, userQuery } from "./functions";
import { ownUpload } from "./lib/attachments";
import { deleteDraft, findDraft, markDraft } from "./lib/drafts";
import { appError } from "./lib/errors";
import schema, { draftFields } from "./schema";

const vDraft = doc(schema, "drafts");
const SCHEDULE_MAX = 32;
const CLIENT_ID_MAX = 64;

export const get = userQuery({
  args: { contactId: v.id("contacts") },
  returns: v.union(vDraft, v.null()),
  handler: async (ctx, { contactId }) => {
    await getOwned(ctx, "contacts", contactId);
    return await findDraft(ctx, ctx.userId, contactId);
  },
});

/** Save the draft to a contact; an empty one (nothing typed, attached or scheduled) is deleted. */
export const save = userMutation({
  args: draftFields,
  returns: v.null(),
  handler: async (ctx, { contactId, clientId, ...fields }) => {
    await getOwned(ctx, "contacts", contactId);
    // Room for a little more than a message may hold: the composer says what is too long.
    if (
      fields.content.length > CONTENT_LIMITS.emailMax + 1000 ||
      (fields.subject?.length ?? 0) > CONTENT_LIMITS.subjectMax + 1000 ||
      (fields.mediaUrl?.length ?? 0) > CONTENT_LIMITS.urlMax ||
      (fields.attachments?.length ?? 0) > CONTENT_LIMITS.mediaMax ||
      (fields.schedule?.length ?? 0) > SCHEDULE_MAX ||
      clientId.length > CLIENT_ID_MAX
    ) {
      throw appError("INVALID_ARGUMENT", "The draft is too long to keep.");
    }
    const empty =
      fields.content.trim() === "" &&
      !fields.subject?.trim() &&
      !fields.mediaUrl?.trim() &&
      !fields.attachments?.length &&
      fields.schedule === undefined;
    // Only the user's own uploads (convex/attachments.ts) can sit in their draft.
    for (const a of fields.attachments ?? []) await ownUpload(ctx, ctx.userId, a.storageId);
    const existing = await findDraft(ctx, ctx.userId, contactId);
    if (empty) {
      if (existing) await deleteDraft(ctx, ctx.userId, contactId);
      return null;
    }
    const draft = {
      ...fields,
      subject: fields.subject || undefined,
      mediaUrl: fields.mediaUrl || undefined,
      attachments: fields.attachments?.length ? fields.attachments : undefined,
      updatedAt: Date.now(),
      clientId,
    };
    if (existing) await ctx.db.patch("drafts", existing._id, draft);
    else await ctx.db.insert("drafts", { userId: ctx.userId, contactId, ...draft });
    await markDraft(ctx, contactId, true);
    return null;
  },
});

export const remove = userMutation({
  args: { contactId: v.id("contacts") },
  returns: v.null(),
  handler: async (ctx, { contactId }) => {
    await getOwned(ctx, "contacts", contactId);
    await deleteDraft(ctx, ctx.userId, contactId);
    return null;
  },
});
