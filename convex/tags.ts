/** Tags: the account's tag list and tagging contacts in bulk (the contacts table's selection). */
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { TAG_LIMITS } from "../lib/tags";
import { getOwned, userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { appError } from "./lib/errors";
import { applyTags } from "./lib/tags";
import schema from "./schema";

const vTag = doc(schema, "tags");
/** Tags listed at most (the filter menu, suggestions). */
export const TAG_LIST_LIMIT = 500;

/** The account's tags with how many contacts have each, by name. */
export const list = userQuery({
  args: {},
  returns: v.array(vTag),
  handler: async (ctx) =>
    await ctx.db
      .query("tags")
      .withIndex("by_user_and_key", (q) => q.eq("userId", ctx.userId))
      .take(TAG_LIST_LIMIT),
});

/** Add and/or remove tags on up to TAG_LIMITS.perCall contacts. */
export const apply = userMutation({
  args: { contactIds: v.array(v.id("contacts")), add: v.array(v.string()), remove: v.array(v.string()) },
  returns: v.object({ changed: v.number() }),
  handler: async (ctx, { contactIds, add, remove }) => {
    if (contactIds.length > TAG_LIMITS.perCall) {
      throw appError("LIMIT_EXCEEDED", `At most ${TAG_LIMITS.perCall} contacts per call.`);
    }
    const contacts = [];
    for (const id of new Set(contactIds)) contacts.push(await getOwned(ctx, "contacts", id));
    const result = await applyTags(ctx, ctx.userId, contacts, add, remove);
    if (result.changed > 0) {
      await recordAudit(ctx, {
        userId: ctx.userId,
        actor: ctx.actor,
        action: "contact.tag",
        details: { changed: result.changed, add: add.join(",").slice(0, 200), remove: remove.join(",").slice(0, 200) },
      });
    }
    return result;
  },
});
