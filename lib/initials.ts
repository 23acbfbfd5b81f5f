/**
 * A name's initials for an avatar: the first letter of the first and last words, upper-cased
 * where the script has case. Letters are whole graphemes (an accent or a combining mark stays
 * with its letter). In scripts whose letters join (Arabic and its relatives), the two initials
 * are kept apart with a zero-width non-joiner, so "ليلى أحمد" shows "ل‌أ" rather than the
 * ligature "لأ" (which reads as a different word).
 */
const JOINING_SCRIPT = /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}]/u;
const ZWNJ = "\u200C";

const segmenter = typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

function firstGrapheme(word: string): string {
  if (segmenter) {
    for (const { segment } of segmenter.segment(word)) return segment;
    return "";
  }
  return Array.from(word)[0] ?? "";
}

export function initials(name: string): string {
  // Words are what is left after separators and punctuation ("Jean-Luc", "(Ann)").
  const words = name
    .trim()
    .split(/[\s\p{P}]+/u)
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length === 0) return "?";
  // A contact named after its phone number has no letters to show.
  if (!/\p{L}/u.test(name)) return "#";
  const picked = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0]];
  const letters = picked.map((w) => firstGrapheme(w.replace(/^[^\p{L}\p{N}]+/u, "")).toLocaleUpperCase());
  return letters.join(letters.some((l) => JOINING_SCRIPT.test(l)) ? ZWNJ : "") || "?";
}
