/**
 * Search result text: a window of the message around the first word that matches the query,
 * cut into parts with the matching words marked (a word matches when it starts with a query
 * term, case-insensitively, as the search index does).
 */
export type TextPart = { text: string; match: boolean };

/** The words of a search box's text, as the search index splits them. */
export function queryTerms(input: string): string[] {
  return input.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 16);
}

export function highlightParts(text: string, terms: readonly string[], around = 60): TextPart[] {
  const flat = text.replace(/\s+/g, " ").trim();
  const lowered = terms.map((t) => t.toLowerCase()).filter(Boolean);
  const words = [...flat.matchAll(/[\p{L}\p{N}]+/gu)];
  const isMatch = (w: string) => lowered.some((t) => w.toLowerCase().startsWith(t));
  const first = words.find((m) => isMatch(m[0]));
  const center = first?.index ?? 0;
  const start = Math.max(0, center - around);
  const end = Math.min(flat.length, center + around * 2);
  const window = flat.slice(start, end);
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of window.matchAll(/[\p{L}\p{N}]+/gu)) {
    if (!isMatch(m[0])) continue;
    if (m.index > last) parts.push({ text: window.slice(last, m.index), match: false });
    parts.push({ text: m[0], match: true });
    last = m.index + m[0].length;
  }
  if (last < window.length) parts.push({ text: window.slice(last), match: false });
  if (start > 0) parts.unshift({ text: "…", match: false });
  if (end < flat.length) parts.push({ text: "…", match: false });
  return parts;
}
