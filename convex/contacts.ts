import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { deleteContactEmailBodies } from "./lib/emailBodies";
import { contactSearchText, matchesAllTerms, normalizeSearchQuery } from "./lib/search";
import { getOwned, internalMutation, userMutation, userQuery } from "./functions";
import { internal } from "./_generated/api";

import {
  createContact,
  deleteContactMemberships,
  deleteContactMessages,
  deleteContactNotes,
  PURGE_BATCH,
  removeContact,
  setOptOut as setContactOptOut,
  updateContact,
} from "./lib/contacts";
import schema, { vChannel, vFieldValuesInput, vMetadata, vSocialHandles } from "./schema";

const vContact = doc(schema, "contacts");
const SEARCH_LIMIT = 50;
/** Candidates read from the search index for up to SEARCH_LIMIT contacts matching every word. */
const SEARCH_SCAN = 100;

export const create = userMutation({
  args: {
    name: v.string(),
    phone: v.optional(v.string()),
    email: v.optional(v.string()),
    socialHandles: v.optional(vSocialHandles),
    metadata: v.optional(vMetadata),
    tags: v.optional(v.array(v.string())),
    fields: v.optional(vFieldValuesInput),
    /** IANA zone; inferred from the phone number when not given (where its region has one). */
    timeZone: v.optional(v.string()),
  },
  returns: v.id("contacts"),
  handler: async (ctx, args) => await createContact(ctx, ctx.userId, ctx.actor, args),
});

export const update = userMutation({
  args: {
    contactId: v.id("contacts"),
    name: v.optional(v.string()),
    /** null clears the phone number. */
    phone: v.optional(v.union(v.string(), v.null())),
    email: v.optional(v.union(v.string(), v.null())),
    socialHandles: v.optional(vSocialHandles),
    metadata: v.optional(vMetadata),
    /** Replaces the contact's tags. */
    tags: v.optional(v.array(v.string())),
    /** Custom field values by key; null removes one. Fields not given stay as they are. */
    fields: v.optional(vFieldValuesInput),
    /** null clears it (inferred from the phone number again where possible). */
    timeZone: v.optional(v.union(v.string(), v.null())),
  },
  returns: v.null(),
  handler: async (ctx, { contactId, ...input }) => {
    await updateContact(ctx, ctx.userId, ctx.actor, contactId, input);
    return null;
  },
});

/** Mark a contact opted out of (or back into) a channel, e.g. after a request by phone. */
export const setOptOut = userMutation({
  args: { contactId: v.id("contacts"), channel: vChannel, optedOut: v.boolean() },
  returns: v.null(),
  handler: async (ctx, { contactId, channel, optedOut }) => {
    const contact = await getOwned(ctx, "contacts", contactId);
    await setContactOptOut(ctx, contact, channel, optedOut, { actor: ctx.actor });
    return null;
  },
});

export const remove = userMutation({
  args: { contactId: v.id("contacts") },
  returns: v.object({ memberships: v.number(), notes: v.number() }),
  handler: async (ctx, { contactId }) => await removeContact(ctx, ctx.userId, ctx.actor, contactId),
});

/** Finish removing what belonged to a deleted contact, a batch per transaction. */
export const purgeRemoved = internalMutation({
  args: { contactId: v.id("contacts"), userId: v.id("users") },
  returns: v.null(),
  handler: async (ctx, { contactId, userId }) => {
    const memberships = await deleteContactMemberships(ctx, contactId, PURGE_BATCH);
    const notes = await deleteContactNotes(ctx, contactId, PURGE_BATCH);
    const messages = await deleteContactMessages(ctx, userId, contactId, PURGE_BATCH);
    const emailBodies = await deleteContactEmailBodies(ctx, contactId, PURGE_BATCH);
    if (memberships === PURGE_BATCH || notes === PURGE_BATCH || messages === PURGE_BATCH || emailBodies === PURGE_BATCH) {
      await ctx.scheduler.runAfter(0, internal.contacts.purgeRemoved, { contactId, userId });
    }
    return null;
  },
});

export const get = userQuery({
  args: { contactId: v.id("contacts") },
  returns: vContact,
  handler: async (ctx, { contactId }) => await getOwned(ctx, "contacts", contactId),
});

/** All contacts, sorted by name, a page at a time. */
export const list = userQuery({
  args: { paginationOpts: paginationOptsValidator },
  returns: paginationResultValidator(vContact),
  handler: async (ctx, { paginationOpts }) =>
    await ctx.db
      .query("contacts")
      .withIndex("by_user_and_sortName", (q) => q.eq("userId", ctx.userId))
      .paginate(paginationOpts),
});

/**
 * Recompute every contact's search words (lib/search.ts), a page per transaction. Run once after
 * deploying a change to how contacts are indexed: `npx convex run contacts:reindexSearch`.
 */
export const reindexSearch = internalMutation({
  args: { cursor: v.optional(v.union(v.string(), v.null())) },
  returns: v.object({ updated: v.number(), done: v.boolean() }),
  handler: async (ctx, { cursor }) => {
    const page = await ctx.db.query("contacts").paginate({ numItems: 200, cursor: cursor ?? null });
    let updated = 0;
    for (const contact of page.page) {
      const searchText = contactSearchText(contact);
      if (searchText !== contact.searchText) {
        await ctx.db.patch("contacts", contact._id, { searchText });
        updated++;
      }
    }
    if (!page.isDone) await ctx.scheduler.runAfter(0, internal.contacts.reindexSearch, { cursor: page.continueCursor });
    return { updated, done: page.isDone };
  },
});

/** Contacts whose name, phone or email match, best matches first. */
export const search = userQuery({
  args: { query: v.string(), limit: v.optional(v.number()) },
  returns: v.array(vContact),
  handler: async (ctx, args) => {
    const query = normalizeSearchQuery(args.query);
    if (query === "") return [];
    const limit = Math.max(1, Math.min(args.limit ?? 20, SEARCH_LIMIT));
    // The index matches any word, best first; keep contacts matching every word typed.
    const found = await ctx.db
      .query("contacts")
      .withSearchIndex("search_text", (q) => q.search("searchText", query).eq("userId", ctx.userId))
      .take(SEARCH_SCAN);
    return found.filter((c) => matchesAllTerms(c.searchText, query)).slice(0, limit);
  },
});
