import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from "libphonenumber-js";

export const DEFAULT_COUNTRY: CountryCode = "US";

/**
 * Normalise a phone number typed by a person (national, international, spaced,
 * with punctuation, or prefixed `whatsapp:`) to E.164. Returns null when the
 * input is not a valid number for the given default region.
 *
 * Every write path (the app, the REST API, imports, inbound webhooks) goes through this,
 * so the same person's number written two ways becomes the same contact. Beyond what
 * libphonenumber does, it applies the country quirks that otherwise split one person in two:
 * Mexico's retired mobile prefixes (+52 1 …, 044/045), Brazil's ninth mobile digit
 * (+55 11 8765-4321 → +55 11 98765-4321), and an international number written without
 * its `+` (4915112345678 with a US default region → +49 151 12345678).
 */
export function toE164(input: string, defaultCountry: string = DEFAULT_COUNTRY): string | null {
  const raw = input.trim().replace(/^whatsapp:/i, "");
  if (raw === "" || raw.length > 40) return null;
  const region = defaultCountry.toUpperCase() as CountryCode;
  const parsed = parse(raw, region) ?? parseMexicanLegacy(raw, region) ?? parseWithoutPlus(raw);
  return parsed ? applyQuirks(parsed) : null;
}

function parse(raw: string, region: CountryCode): PhoneNumber | null {
  const parsed = parsePhoneNumberFromString(raw, { defaultCountry: region, extract: false });
  return parsed && parsed.isValid() ? parsed : null;
}

/** Mexico dropped the mobile "1" after +52 and the national 044/045 prefixes in 2019-2020. */
function parseMexicanLegacy(raw: string, region: CountryCode): PhoneNumber | null {
  const digits = raw.replace(/[^\d+]/g, "");
  const international = /^(?:\+|00)521(\d{10})$/.exec(digits);
  if (international) return parse(`+52${international[1]}`, region);
  if (region === "MX") {
    const national = /^(?:04[45]|1)(\d{10})$/.exec(digits);
    if (national) return parse(`+52${national[1]}`, region);
  }
  return null;
}

/** 11–15 digits that are not a national number of the default region: try them as international. */
function parseWithoutPlus(raw: string): PhoneNumber | null {
  if (!/^[\d\s().-]+$/.test(raw)) return null;
  const digits = raw.replace(/\D/g, "");
  if (digits.length < 11 || digits.length > 15 || digits.startsWith("0")) return null;
  return parse(`+${digits}`, DEFAULT_COUNTRY) ?? parseMexicanLegacy(`+${digits}`, DEFAULT_COUNTRY);
}

/** Brazilian mobiles gained a ninth digit (a leading 9); numbers written the old way still circulate. */
function applyQuirks(parsed: PhoneNumber): string | null {
  if (parsed.countryCallingCode === "55") {
    const national = parsed.nationalNumber.toString();
    // Area code (2 digits) + an 8-digit subscriber number starting 6–9 is an old-style mobile.
    if (national.length === 10 && /^[6-9]$/.test(national[2])) {
      const upgraded = parse(`+55${national.slice(0, 2)}9${national.slice(2)}`, "BR");
      if (upgraded) return upgraded.number;
    }
  }
  return parsed.number;
}

/** Why a value is not a phone number, when there is a more useful answer than "not valid". */
export function phoneProblem(input: string): string | null {
  if (/^\s*\d(?:[.,]\d+)?E\+\d+\s*$/i.test(input)) {
    return "Looks like a number a spreadsheet turned into scientific notation (e.g. 4.15555E+11); format the column as text and export again.";
  }
  return null;
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
