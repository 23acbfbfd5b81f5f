/** Contact tags, shared by the UI and the backend: how a tag is written and compared. */
export const TAG_LIMITS = { length: 50, perContact: 50, perCall: 500 } as const;

/** A tag as stored: trimmed, inner whitespace collapsed, at most TAG_LIMITS.length characters; null if empty. */
export function cleanTag(input: string): string | null {
  const tag = input.trim().replace(/\s+/g, " ").slice(0, TAG_LIMITS.length).trim();
  return tag === "" ? null : tag;
}

/** Tags compare without case: "VIP" and "vip" are one tag. */
export function tagKey(tag: string): string {
  return tag.toLowerCase();
}

/** Clean a list of tags and drop repeats (the first spelling wins). */
export function uniqueTags(tags: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const raw of tags) {
    const tag = cleanTag(raw);
    if (tag !== null && !seen.has(tagKey(tag))) seen.set(tagKey(tag), tag);
  }
  return [...seen.values()];
}

/** A CSV cell of tags: "vip, newsletter; 2024|spring" → ["vip", "newsletter", "2024", "spring"]. */
export function splitTags(cell: string): string[] {
  return uniqueTags(cell.split(/[,;|]/));
}
