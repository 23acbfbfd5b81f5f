/**
 * Search across all conversations' message text (the `search_content` index on messages),
 * filtered by channel and direction in the index and by date on the results. Reads are bounded:
 * at most SCAN_LIMIT messages (more with a date range, which is applied after the index) and one
 * contact per result. Results come in relevance order, newest first among equals.
 */
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { normalizeMessageQuery } from "./lib/search";
import type { Doc, Id } from "./_generated/dataModel";
import { userQuery } from "./functions";
import schema, { vChannel, vDirection } from "./schema";

const vMessage = doc(schema, "messages");
export const RESULT_LIMIT = 30;
/** Messages taken from the index without a date range; with one, SCAN_WITH_DATES (the rest are outside it). */
export const SCAN_LIMIT = RESULT_LIMIT;
export const SCAN_WITH_DATES = 200;

export const messages = userQuery({
  args: {
    query: v.string(),
    channel: v.optional(vChannel),
    direction: v.optional(vDirection),
    /** Only messages at or after this time (ms). */
    from: v.optional(v.number()),
    /** Only messages before this time (ms). */
    to: v.optional(v.number()),
  },
  returns: v.object({
    results: v.array(v.object({ message: vMessage, contactName: v.string() })),
    /** More matched than were looked at: narrow the search. */
    truncated: v.boolean(),
  }),
  handler: async (ctx, { query, channel, direction, from, to }) => {
    const terms = normalizeMessageQuery(query);
    if (terms === "") return { results: [], truncated: false };
    const dated = from !== undefined || to !== undefined;
    const scan = dated ? SCAN_WITH_DATES : SCAN_LIMIT;
    const found = await ctx.db
      .query("messages")
      .withSearchIndex("search_content", (q) => {
        const base = q.search("content", terms).eq("userId", ctx.userId);
        const byChannel = channel ? base.eq("channel", channel) : base;
        return direction ? byChannel.eq("direction", direction) : byChannel;
      })
      .take(scan);
    const inRange = found.filter((m) => (from === undefined || m.at >= from) && (to === undefined || m.at < to));
    const page = inRange.slice(0, RESULT_LIMIT);
    const names = new Map<Id<"contacts">, string>();
    const results: Array<{ message: Doc<"messages">; contactName: string }> = [];
    for (const message of page) {
      if (!names.has(message.contactId)) {
        const contact = await ctx.db.get("contacts", message.contactId);
        names.set(message.contactId, contact?.name ?? "");
      }
      const contactName = names.get(message.contactId)!;
      // A message of a contact being deleted: skip it.
      if (contactName) results.push({ message, contactName });
    }
    return { results, truncated: found.length === scan && inRange.length < RESULT_LIMIT };
  },
});
