import { phoneSearchTokens } from "../../lib/phone";

/**
 * Words for a contact's search index entry: name, email (whole and in parts), phone digits, tags
 * and the text of custom field values (so "vip" or "gold" finds the contacts tagged or marked so).
 */
export function contactSearchText(c: {
  name: string;
  email?: string;
  phone?: string;
  tags?: readonly string[];
  fields?: Record<string, string | number | boolean>;
}): string {
  const words = new Set<string>();
  for (const w of c.name.toLowerCase().split(/\s+/)) if (w) words.add(w);
  for (const text of [...(c.tags ?? []), ...Object.values(c.fields ?? {}).filter((f) => typeof f === "string")]) {
    for (const w of (text as string).toLowerCase().split(/\s+/)) if (w) words.add(w.slice(0, 32));
  }
  if (c.email) {
    words.add(c.email);
    for (const part of c.email.split(/[^a-z0-9]+/)) if (part) words.add(part);
  }
  if (c.phone) for (const t of phoneSearchTokens(c.phone)) words.add(t);
  return [...words].join(" ");
}

/**
 * Turn what a person typed into a search query: a phone-like input becomes its digits
 * (so "+1 (415) 555" finds "+14155550123"), anything else is lower-cased words.
 */
export function normalizeSearchQuery(input: string): string {
  const trimmed = input.trim().slice(0, 200);
  if (/^[+\d\s().-]+$/.test(trimmed) && /\d{3,}/.test(trimmed.replace(/\D/g, ""))) {
    return trimmed.replace(/\D/g, "");
  }
  return trimmed.toLowerCase();
}
