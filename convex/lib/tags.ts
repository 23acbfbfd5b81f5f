/**
 * Tags on contacts: the contact's own `tags` list (what it shows), one `contactTags` document per
 * contact and tag (contacts by tag, for filters and segments) and a count per tag (the tag list).
 * TagWrites collects a transaction's changes and writes the counts once, like MessageWrites.
 */
import { contactSearchText } from "./search";
import { TAG_LIMITS, tagKey, uniqueTags } from "../../lib/tags";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { appError } from "./errors";

type Ctx = Pick<MutationCtx, "db">;

/** Clean a contact's tag list; refused past TAG_LIMITS.perContact. */
export function cleanTags(tags: readonly string[]): string[] {
  const clean = uniqueTags(tags);
  if (clean.length > TAG_LIMITS.perContact) {
    throw appError("LIMIT_EXCEEDED", `A contact has at most ${TAG_LIMITS.perContact} tags.`, { field: "tags" });
  }
  return clean;
}

export async function contactTagDoc(ctx: Pick<QueryCtx, "db">, userId: Id<"users">, key: string, contactId: Id<"contacts">) {
  return await ctx.db
    .query("contactTags")
    .withIndex("by_user_and_tagKey_and_contactId", (q) => q.eq("userId", userId).eq("tagKey", key).eq("contactId", contactId))
    .unique();
}

export class TagWrites {
  /** key → [display name, count delta] */
  private readonly deltas = new Map<string, { name: string; by: number }>();

  constructor(
    private readonly ctx: Ctx,
    readonly userId: Id<"users">,
  ) {}

  private count(name: string, by: number) {
    const key = tagKey(name);
    const d = this.deltas.get(key) ?? { name, by: 0 };
    d.by += by;
    this.deltas.set(key, d);
  }

  /**
   * Move a contact from tags `before` to tags `after` (both as stored on it). `fresh`: the
   * contact was just created, so it has no contactTags documents to look up.
   */
  async change(contactId: Id<"contacts">, before: readonly string[], after: readonly string[], fresh = false): Promise<void> {
    const beforeKeys = new Set(before.map(tagKey));
    const afterKeys = new Set(after.map(tagKey));
    for (const tag of after) {
      const key = tagKey(tag);
      if (beforeKeys.has(key)) continue;
      if (!fresh && (await contactTagDoc(this.ctx, this.userId, key, contactId))) continue;
      await this.ctx.db.insert("contactTags", { userId: this.userId, tagKey: key, contactId });
      this.count(tag, 1);
    }
    for (const tag of before) {
      const key = tagKey(tag);
      if (afterKeys.has(key)) continue;
      const doc = await contactTagDoc(this.ctx, this.userId, key, contactId);
      if (!doc) continue;
      await this.ctx.db.delete("contactTags", doc._id);
      this.count(tag, -1);
    }
  }

  /** Write the per-tag counts; a tag no contact has any more disappears from the list. */
  async flush(): Promise<void> {
    for (const [key, { name, by }] of this.deltas) {
      if (by === 0) continue;
      const tag = await this.ctx.db
        .query("tags")
        .withIndex("by_user_and_key", (q) => q.eq("userId", this.userId).eq("key", key))
        .unique();
      const count = Math.max(0, (tag?.count ?? 0) + by);
      if (tag && count === 0) await this.ctx.db.delete("tags", tag._id);
      else if (tag) await this.ctx.db.patch("tags", tag._id, { count });
      else if (count > 0) await this.ctx.db.insert("tags", { userId: this.userId, name, key, count });
    }
    this.deltas.clear();
  }
}

/** `tags` with `add` added and `remove` removed (without case), keeping the existing spellings. */
export function editTags(tags: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  const removeKeys = new Set(remove.map(tagKey));
  return cleanTags([...tags.filter((t) => !removeKeys.has(tagKey(t))), ...add.filter((t) => !removeKeys.has(tagKey(t)))]);
}

/** Tag or untag many contacts at once (the contacts table's bulk action, the REST API). */
export async function applyTags(
  ctx: Ctx,
  userId: Id<"users">,
  contacts: Doc<"contacts">[],
  add: readonly string[],
  remove: readonly string[],
): Promise<{ changed: number }> {
  const writes = new TagWrites(ctx, userId);
  let changed = 0;
  for (const contact of contacts) {
    const before = contact.tags ?? [];
    const after = editTags(before, add, remove);
    if (after.length === before.length && after.every((t, i) => t === before[i])) continue;
    await writes.change(contact._id, before, after);
    await ctx.db.patch("contacts", contact._id, {
      tags: after.length ? after : undefined,
      searchText: contactSearchText({ ...contact, tags: after }),
    });
    changed++;
  }
  await writes.flush();
  return { changed };
}
