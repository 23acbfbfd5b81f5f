/** What a CSV column can be mapped to, as the import dialog lists them (the backend checks the same names). */
export const STANDARD_TARGET_LABELS: Record<string, string> = {
  name: "Name",
  firstName: "First name",
  lastName: "Last name",
  mobile: "Mobile phone",
  phone: "Phone",
  email: "Email",
  tags: "Tags",
  consent: "Consent (opt-in)",
  timeZone: "Time zone",
};

export const DUPLICATE_POLICY_LABELS = {
  fillEmpty: "Update empty fields",
  overwrite: "Overwrite with the file's values",
  skip: "Skip them",
} as const;

/** The region of the browser's language ("en-GB" → "GB"), for the default country of numbers. */
export function browserRegion(fallback = "US"): string {
  if (typeof navigator === "undefined") return fallback;
  const match = /-([A-Z]{2})\b/.exec(navigator.language ?? "");
  return match?.[1] ?? fallback;
}
