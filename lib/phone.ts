import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

export const DEFAULT_COUNTRY: CountryCode = "US";

/**
 * Normalise a phone number typed by a person (national, international, spaced,
 * with punctuation, or prefixed `whatsapp:`) to E.164. Returns null when the
 * input is not a valid number for the given default region.
 */
export function toE164(input: string, defaultCountry: string = DEFAULT_COUNTRY): string | null {
  const raw = input.trim().replace(/^whatsapp:/i, "");
  if (raw === "" || raw.length > 40) return null;
  const parsed = parsePhoneNumberFromString(raw, {
    defaultCountry: defaultCountry.toUpperCase() as CountryCode,
    extract: false,
  });
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}

/** A human-friendly rendering of an E.164 number, e.g. "+1 415 555 0123". */
export function formatPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? parsed.formatInternational() : e164;
}

/**
 * Search tokens for a number, so a search for "4155550" or "14155550" finds it:
 * the full digits and the national digits.
 */
export function phoneSearchTokens(e164: string): string[] {
  const parsed = parsePhoneNumberFromString(e164);
  const digits = e164.replace(/\D/g, "");
  return parsed ? [digits, parsed.nationalNumber.toString()] : [digits];
}
