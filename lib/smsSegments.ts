/**
 * How many SMS segments a text takes, and in which encoding (3GPP TS 23.038).
 *
 * A text made only of GSM-7 characters is sent in 7-bit septets: 160 in a single message,
 * 153 per segment once it is split (the rest carries the concatenation header). Characters of
 * the extension table (`^ { } [ ] ~ | \ €` and form feed) take two septets, an escape and the
 * character, and the pair is never split across segments. Any other character switches the
 * whole text to UCS-2: 70 UTF-16 code units alone, 67 per segment, and a surrogate pair (an
 * emoji, say) is never split either.
 */

export type SmsEncoding = "GSM-7" | "UCS-2";

export type SmsSegments = {
  encoding: SmsEncoding;
  /** The text's length in UTF-16 code units: what the 1600-character message limit counts. */
  characters: number;
  /** The encoded length: septets for GSM-7 (extension characters count 2), code units for UCS-2. */
  units: number;
  /** Segments the text is sent as (0 for an empty text). */
  segments: number;
  /** Units per segment at this length: 160/70 for a single message, 153/67 once split. */
  perSegment: number;
  /** Units still free in the last segment before another one starts. */
  remaining: number;
  /** The distinct characters that forced UCS-2, in order of appearance (empty for GSM-7). */
  nonGsm: string[];
};

/** The GSM 03.38 default alphabet (without the escape code 0x1B). */
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/** The extension table: sent as escape + character, two septets each. */
const GSM_EXTENSION = "\f^{}\\[~]|€";

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export const SMS_LIMITS = {
  "GSM-7": { single: 160, multi: 153 },
  "UCS-2": { single: 70, multi: 67 },
} as const;

/** Septets a character takes in GSM-7, or null when it has no GSM-7 form. */
function gsmUnits(char: string): 1 | 2 | null {
  if (BASIC.has(char)) return 1;
  if (EXTENSION.has(char)) return 2;
  return null;
}

export function isGsm7(text: string): boolean {
  for (const char of text) if (gsmUnits(char) === null) return false;
  return true;
}

export function smsSegments(text: string): SmsSegments {
  const nonGsm: string[] = [];
  const gsm: number[] = [];
  for (const char of text) {
    const units = gsmUnits(char);
    if (units === null) {
      if (!nonGsm.includes(char)) nonGsm.push(char);
    } else {
      gsm.push(units);
    }
  }
  const encoding: SmsEncoding = nonGsm.length === 0 ? "GSM-7" : "UCS-2";
  // Iterating a string yields code points: a surrogate pair arrives whole, as 2 code units.
  const units = encoding === "GSM-7" ? gsm : Array.from(text, (char) => char.length);
  const total = units.reduce((sum, u) => sum + u, 0);
  const { single, multi } = SMS_LIMITS[encoding];
  const base = { encoding, characters: text.length, units: total, nonGsm };

  if (total <= single) {
    return { ...base, segments: total === 0 ? 0 : 1, perSegment: single, remaining: single - total };
  }
  // Fill segments in order; a unit pair that does not fit in what is left starts the next one.
  let segments = 1;
  let used = 0;
  for (const u of units) {
    if (used + u > multi) {
      segments += 1;
      used = 0;
    }
    used += u;
  }
  return { ...base, segments, perSegment: multi, remaining: multi - used };
}
