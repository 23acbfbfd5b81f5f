/**
 * A contact's time zone from their phone number: the number's region (libphonenumber-js), and that
 * region's IANA zones (countries-and-timezones). Inferred only where every zone of the region keeps
 * the same time (France; Germany, whose Büsingen follows Zurich's identical rules); regions with
 * several clocks (the US, Russia, Brazil, …) give null, and the contact's zone is left to be set.
 */
import { getCountry, getTimezone } from "countries-and-timezones";
import { parsePhoneNumberFromString } from "libphonenumber-js";

export function regionOfPhone(e164: string): string | null {
  return parsePhoneNumberFromString(e164)?.country ?? null;
}

/** The one time zone of a region (ISO 3166 alpha-2), or null when it has none or several. */
export function singleZoneOfRegion(region: string): string | null {
  const zones = getCountry(region.toUpperCase())?.timezones ?? [];
  if (zones.length === 0) return null;
  const rules = new Set(
    zones.map((name) => {
      const tz = getTimezone(name);
      return tz ? `${tz.utcOffset}/${tz.dstOffset}` : name;
    }),
  );
  return rules.size === 1 ? zones[0] : null;
}

/** The zone a phone number implies, or null when its region has several. */
export function timeZoneOfPhone(e164: string | undefined): string | null {
  if (!e164) return null;
  const region = regionOfPhone(e164);
  return region ? singleZoneOfRegion(region) : null;
}
