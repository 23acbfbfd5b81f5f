/**
 * Search words for contacts, and what a person typed turned into a query the same way. Convex's
 * search index splits text on spaces and punctuation, lower-cases it, and matches the last word
 * of a query as a prefix; so:
 * - names are kept with and without accents ("Álvarez" is also "alvarez"), split at hyphens
 *   and apostrophes ("Jean-Luc" is "jean" and "luc");
 * - an email is its parts and its domain ("ann", "example", "com");
 * - a phone number is every tail of its digits of 3 or more ("0123", "50123", …, the whole
 *   number), so the last digits, or any run of digits as typed, are the start of one word.
 */

/** Letters that do not decompose into a base letter and an accent. */
const FOLD: Record<string, string> = { ø: "o", æ: "ae", œ: "oe", ß: "ss", ł: "l", đ: "d", ð: "d", þ: "th", ı: "i" };

/** Lower-cased, accents removed: "Álvarez" → "alvarez", "Søren" → "soren". */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/[øæœßłđðþı]/g, (c) => FOLD[c] ?? c);
}

/** Words of a text: runs of letters and digits (what Convex's tokenizer keeps). */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** Every tail of a phone number's digits with at least 3 digits. */
export function digitTails(digits: string): string[] {
  const tails: string[] = [];
  for (let i = 0; i <= digits.length - 3; i++) tails.push(digits.slice(i));
  return tails;
}

/**
 * Words for a contact's search index entry: name, email and its domain, phone digit tails, tags
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
  for (const w of [...wordsOf(c.name), ...wordsOf(foldText(c.name))]) words.add(w);
  for (const text of [...(c.tags ?? []), ...Object.values(c.fields ?? {}).filter((f) => typeof f === "string")]) {
    for (const w of [...wordsOf(text as string), ...wordsOf(foldText(text as string))]) words.add(w.slice(0, 32));
  }
  if (c.email) {
    for (const w of wordsOf(c.email)) words.add(w);
    const domain = c.email.split("@")[1];
    if (domain) words.add(domain);
  }
  if (c.phone) for (const t of digitTails(c.phone.replace(/\D/g, ""))) words.add(t);
  // Convex indexes words of at most 32 characters.
  return [...words].filter((w) => w.length <= 32).join(" ");
}

/**
 * Turn what a person typed into a contact search query: a phone-like input becomes its digits
 * (so "+1 (415) 555" finds "+14155550123"), anything else its words without accents.
 */
export function normalizeSearchQuery(input: string): string {
  const trimmed = input.trim().slice(0, 200);
  if (/^[+\d\s().-]+$/.test(trimmed) && /\d{3,}/.test(trimmed.replace(/\D/g, ""))) {
    return trimmed.replace(/\D/g, "");
  }
  return wordsOf(foldText(trimmed)).join(" ");
}

/**
 * Whether every word of a normalized query starts a word of the search text. Convex's search
 * returns documents matching any word (best first); the app keeps those matching all of them.
 */
export function matchesAllTerms(searchText: string, query: string): boolean {
  const words = searchText.split(" ");
  return query.split(" ").every((term) => term === "" || words.some((w) => w.startsWith(term)));
}

/** A message text query: its words, lower-cased (message text is indexed as written). */
export function normalizeMessageQuery(input: string): string {
  return wordsOf(input.trim().slice(0, 200)).slice(0, 16).join(" ");
}
