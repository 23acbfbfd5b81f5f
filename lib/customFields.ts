/**
 * Custom contact fields, shared by the UI and the backend: the five types, their limits, and
 * how a value is checked (typed input from the app or the API) or read from text (a CSV cell,
 * a text box). The backend applies these on every write; the UI uses them to show errors early.
 */
export const FIELD_TYPES = ["text", "number", "date", "boolean", "select"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export type FieldValue = string | number | boolean;
export type FieldDef = { key: string; label: string; type: FieldType; options?: string[] };

export const FIELD_TYPE_LABELS: Record<FieldType, string> = {
  text: "Text",
  number: "Number",
  date: "Date",
  boolean: "Yes/no",
  select: "One of a list",
};

export const FIELD_LIMITS = {
  perAccount: 50,
  labelLength: 60,
  keyLength: 40,
  options: 100,
  optionLength: 100,
  textLength: 1000,
} as const;

export type FieldCheck = { ok: true; value: FieldValue } | { ok: false; message: string };

/** A stable key for a label: "Customer tier" → "customer_tier" (ASCII, starts with a letter). */
export function fieldKeyFromLabel(label: string): string {
  const slug = label
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, FIELD_LIMITS.keyLength);
  if (slug === "") return "field";
  return /^[a-z]/.test(slug) ? slug : `f_${slug}`.slice(0, FIELD_LIMITS.keyLength);
}

/** A date as stored: "YYYY-MM-DD", a real calendar day. */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Check a typed value (from the app's form or the REST API) against its field's type. */
export function checkFieldValue(def: FieldDef, value: unknown): FieldCheck {
  const bad = (message: string): FieldCheck => ({ ok: false, message: `${def.label}: ${message}` });
  switch (def.type) {
    case "text":
      if (typeof value !== "string") return bad("expected text.");
      if (value.length > FIELD_LIMITS.textLength) return bad(`at most ${FIELD_LIMITS.textLength} characters.`);
      return { ok: true, value: value.trim() };
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return bad("expected a number.");
      return { ok: true, value };
    case "date":
      if (typeof value !== "string" || !isIsoDate(value)) return bad("expected a date as YYYY-MM-DD.");
      return { ok: true, value };
    case "boolean":
      if (typeof value !== "boolean") return bad("expected yes or no (true or false).");
      return { ok: true, value };
    case "select": {
      const option = typeof value === "string" ? matchOption(def, value) : null;
      if (option === null) return bad(`expected one of ${(def.options ?? []).slice(0, 10).join(", ")}.`);
      return { ok: true, value: option };
    }
  }
}

function matchOption(def: FieldDef, value: string): string | null {
  const wanted = value.trim().toLowerCase();
  return (def.options ?? []).find((o) => o.toLowerCase() === wanted) ?? null;
}

const TRUE_WORDS = new Set(["yes", "y", "true", "t", "1", "x", "on", "ja", "oui", "si", "sí", "sim", "✓", "✔"]);
const FALSE_WORDS = new Set(["no", "n", "false", "f", "0", "off", "nein", "non", "não", "nao"]);

/** "yes", "TRUE", "1", "ja", "oui", "sí" → true; "no", "0", "nein", "non" → false; else null. */
export function parseYesNo(text: string): boolean | null {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return null;
}

/** "1,234.5", "1.234,5", "1 234,5", "12%" … → a number; null if it is not one. */
export function parseNumber(text: string): number | null {
  let s = text.trim().replace(/[\s\u00a0']/g, "").replace(/^[$€£¥]|[$€£¥%]$/g, "");
  if (!/^[+-]?[\d.,]+$/.test(s) || !/\d/.test(s)) return null;
  const lastComma = s.lastIndexOf(",");
  const lastDot = s.lastIndexOf(".");
  if (lastComma >= 0 && lastDot >= 0) {
    // Both: the later one is the decimal separator.
    s = lastComma > lastDot ? s.replace(/\./g, "").replace(",", ".") : s.replace(/,/g, "");
  } else if (lastComma >= 0) {
    s = /^[+-]?\d{1,3}(,\d{3})+$/.test(s) ? s.replace(/,/g, "") : s.replace(",", ".");
  } else if (/^[+-]?\d{1,3}(\.\d{3}){2,}$/.test(s)) {
    s = s.replace(/\./g, ""); // 1.234.567
  }
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/**
 * A date written the ways spreadsheets write them → "YYYY-MM-DD". Day-first (31/12/2024) unless
 * `monthFirst` (the US's 12/31/2024); a value that is only valid the other way round is read so.
 */
export function parseDate(text: string, monthFirst: boolean): string | null {
  const s = text.trim();
  const iso = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/.exec(s);
  const pad = (n: number) => String(n).padStart(2, "0");
  const make = (y: number, m: number, d: number) => {
    const value = `${y}-${pad(m)}-${pad(d)}`;
    return isIsoDate(value) ? value : null;
  };
  if (iso) return make(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const dmy = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$/.exec(s);
  if (!dmy) return null;
  let year = Number(dmy[3]);
  if (dmy[3].length === 2) year += year < 70 ? 2000 : 1900;
  const a = Number(dmy[1]);
  const b = Number(dmy[2]);
  return monthFirst ? (make(year, a, b) ?? make(year, b, a)) : (make(year, b, a) ?? make(year, a, b));
}

/**
 * Read a field's value from text (a CSV cell, a text box). Empty text is null ("no value").
 * `monthFirst` decides ambiguous dates such as 03/04/2024.
 */
export function parseFieldText(def: FieldDef, text: string, monthFirst = false): FieldCheck | { ok: true; value: null } {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: true, value: null };
  const bad = (message: string): FieldCheck => ({ ok: false, message: `${def.label}: ${message}` });
  switch (def.type) {
    case "text":
      return checkFieldValue(def, trimmed);
    case "number": {
      const n = parseNumber(trimmed);
      return n === null ? bad(`"${trimmed.slice(0, 40)}" is not a number.`) : { ok: true, value: n };
    }
    case "date": {
      const d = parseDate(trimmed, monthFirst);
      return d === null ? bad(`"${trimmed.slice(0, 40)}" is not a date.`) : { ok: true, value: d };
    }
    case "boolean": {
      const b = parseYesNo(trimmed);
      return b === null ? bad(`"${trimmed.slice(0, 40)}" is not yes or no.`) : { ok: true, value: b };
    }
    case "select":
      return checkFieldValue(def, trimmed);
  }
}

/** A value as people read it: dates as written, yes/no for booleans. */
export function formatFieldValue(def: Pick<FieldDef, "type">, value: FieldValue): string {
  if (def.type === "boolean") return value ? "Yes" : "No";
  if (def.type === "number" && typeof value === "number") return value.toLocaleString("en-US", { maximumFractionDigits: 10 });
  return String(value);
}
