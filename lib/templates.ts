/**
 * Merge fields, shared by the backend (which renders every outbound message once, at send time)
 * and the UI (which lists the fields and words the problems). A merge field is `{{name}}` or
 * `{{name|fallback}}`: the fallback is used when the value is empty; an empty value without a
 * fallback is a "missing" variable, which blocks a single send and skips a broadcast recipient.
 *
 * Names: the contact's own fields (BUILT_IN_FIELDS), the account's custom fields by key, the
 * sender's details, and `var.<name>` for values given with the send (the REST API's
 * `variables`). Anything else is refused when a template is saved or a message is sent.
 * Text between `{{` and `}}` that is not a name (Twilio's `{{1}}`, say) is left as written.
 */
import type { FieldDef, FieldValue } from "./customFields";

export const BUILT_IN_FIELDS = [
  { name: "firstName", label: "First name" },
  { name: "lastName", label: "Last name" },
  { name: "name", label: "Full name" },
  { name: "phone", label: "Phone" },
  { name: "email", label: "Email" },
  { name: "senderName", label: "Your name" },
  { name: "senderEmail", label: "Your email" },
  { name: "senderAddress", label: "Sending number or address" },
] as const;
export type BuiltInField = (typeof BUILT_IN_FIELDS)[number]["name"];
const BUILT_IN_NAMES = new Set<string>(BUILT_IN_FIELDS.map((f) => f.name));

/** Prefix of variables supplied with the send rather than read from the contact. */
export const SEND_VARIABLE_PREFIX = "var.";

export const TEMPLATE_LIMITS = {
  nameLength: 100,
  perAccount: 500,
  fallbackLength: 200,
  /** Variables given with one send (REST API). */
  variables: 50,
  variableLength: 1000,
} as const;

export type MergeToken = {
  /** As written, e.g. "{{ firstName | there }}". */
  raw: string;
  name: string;
  /** Undefined without a `|`; "" for `{{name|}}` (an explicit empty fallback). */
  fallback?: string;
  index: number;
};

// A name starts with a letter: `{{1}}` (Twilio's placeholders) and `{{ }}` stay literal text.
const TOKEN = /\{\{\s*([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?)\s*(?:\|([^{}]*))?\}\}/g;

export function mergeTokens(text: string): MergeToken[] {
  const out: MergeToken[] = [];
  for (const m of text.matchAll(TOKEN)) {
    out.push({
      raw: m[0],
      name: m[1],
      ...(m[2] !== undefined ? { fallback: m[2].trim() } : {}),
      index: m.index ?? 0,
    });
  }
  return out;
}

/** The distinct names a text uses, in order of appearance. */
export function variablesOf(...texts: (string | undefined)[]): string[] {
  const names: string[] = [];
  for (const text of texts) for (const t of mergeTokens(text ?? "")) if (!names.includes(t.name)) names.push(t.name);
  return names;
}

/** Whether `name` is a variable this account can use, given its custom field keys. */
export function isKnownVariable(name: string, customKeys: ReadonlySet<string>): boolean {
  if (BUILT_IN_NAMES.has(name)) return true;
  if (name.startsWith(SEND_VARIABLE_PREFIX)) return /^var\.[A-Za-z0-9_]+$/.test(name);
  return customKeys.has(name);
}

/** The names the texts use that the account does not know, in order. */
export function unknownVariables(customKeys: ReadonlySet<string>, ...texts: (string | undefined)[]): string[] {
  return variablesOf(...texts).filter((n) => !isKnownVariable(n, customKeys));
}

/** Fallbacks must be short and may not contain braces (they end at `}}`). */
export function badFallback(...texts: (string | undefined)[]): MergeToken | null {
  for (const text of texts) {
    for (const t of mergeTokens(text ?? "")) {
      if (t.fallback !== undefined && t.fallback.length > TEMPLATE_LIMITS.fallbackLength) return t;
    }
  }
  return null;
}

export type Rendered = {
  text: string;
  /** Variables that were empty and had no fallback (distinct, in order). */
  missing: string[];
  /** Variables the text used that are not known (distinct, in order). */
  unknown: string[];
};

export type MergeValues = Record<string, string | undefined>;

/**
 * Replace every merge field with its value, else its fallback. `known` decides which names are
 * variables at all (values for unknown names are never read).
 */
export function render(text: string, values: MergeValues, known: (name: string) => boolean): Rendered {
  const missing: string[] = [];
  const unknown: string[] = [];
  const out = text.replace(TOKEN, (raw: string, name: string, fallback: string | undefined) => {
    if (!known(name)) {
      if (!unknown.includes(name)) unknown.push(name);
      return raw;
    }
    const value = values[name]?.trim();
    if (value) return value;
    if (fallback !== undefined) return fallback.trim();
    if (!missing.includes(name)) missing.push(name);
    return "";
  });
  return { text: out, missing, unknown };
}

/** What a contact's and a sender's details say, as merge values. */
export type MergeSource = {
  contact: { name: string; phone?: string; email?: string; fields?: Record<string, FieldValue> };
  customFields: readonly FieldDef[];
  sender?: { name?: string; email?: string; address?: string };
  /** Values given with the send: `var.<name>` (or any other name, which they override). */
  variables?: Record<string, string>;
};

/**
 * A contact's first and last name. A contact created from an address ("+1 415…", "a@b.co") has
 * no name of its own: both are empty then, so the fallback is used rather than a number.
 */
export function splitName(name: string): { first: string; last: string } {
  const trimmed = name.trim();
  if (trimmed === "" || !/\p{L}/u.test(trimmed) || trimmed.includes("@")) return { first: "", last: "" };
  const [first, ...rest] = trimmed.split(/\s+/);
  return { first, last: rest.join(" ") };
}

function formatField(def: FieldDef | undefined, value: FieldValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") return String(value);
  if (def?.type === "date") {
    const d = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(d.getTime())) {
      return d.toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
    }
  }
  return value;
}

export function mergeValues({ contact, customFields, sender, variables }: MergeSource): MergeValues {
  const { first, last } = splitName(contact.name);
  const named = splitName(contact.name).first !== "";
  const values: MergeValues = {
    firstName: first,
    lastName: last,
    name: named ? contact.name.trim() : "",
    phone: contact.phone,
    email: contact.email,
    senderName: sender?.name,
    senderEmail: sender?.email,
    senderAddress: sender?.address,
  };
  for (const def of customFields) {
    if (!BUILT_IN_NAMES.has(def.key)) values[def.key] = formatField(def, contact.fields?.[def.key]);
  }
  for (const [k, v] of Object.entries(variables ?? {})) values[k] = v;
  return values;
}

/** Render a message (and an email's subject) for one recipient. */
export function renderFor(
  source: MergeSource,
  message: { content: string; subject?: string },
): { content: string; subject?: string; missing: string[]; unknown: string[] } {
  const keys = new Set(source.customFields.map((f) => f.key));
  const values = mergeValues(source);
  const known = (n: string) => isKnownVariable(n, keys);
  const body = render(message.content, values, known);
  const subject = message.subject === undefined ? undefined : render(message.subject, values, known);
  return {
    content: body.text,
    ...(subject ? { subject: subject.text } : {}),
    missing: [...new Set([...(subject?.missing ?? []), ...body.missing])],
    unknown: [...new Set([...(subject?.unknown ?? []), ...body.unknown])],
  };
}

/** "{{firstName}}" for a name: what the UI inserts. */
export function tokenFor(name: string, fallback?: string): string {
  return fallback ? `{{${name}|${fallback}}}` : `{{${name}}}`;
}

/** Words for a list of variable names: "{{firstName}} and {{company}}". */
export function describeVariables(names: readonly string[]): string {
  const tokens = names.map((n) => `{{${n}}}`);
  if (tokens.length <= 1) return tokens.join("");
  return `${tokens.slice(0, -1).join(", ")} and ${tokens[tokens.length - 1]}`;
}

// --- WhatsApp (Twilio Content API) templates: placeholders {{1}}, {{2}}, … ---

const PLACEHOLDER = /\{\{\s*([0-9]+)\s*\}\}/g;

/** The numbered placeholders a Content template's body uses, in order. */
export function placeholdersOf(body: string): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(PLACEHOLDER)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}

/**
 * Content variables for one recipient: each placeholder's mapping is a merge expression such
 * as "firstName|there" (rendered like `{{firstName|there}}`). Returns the variables, the body as
 * the recipient reads it, and the variables that were empty without a fallback.
 */
export function renderContentTemplate(
  body: string,
  mapping: Record<string, string>,
  source: MergeSource,
): { variables: Record<string, string>; text: string; missing: string[]; unknown: string[] } {
  const placeholders = placeholdersOf(body);
  const variables: Record<string, string> = {};
  const missing: string[] = [];
  const unknown: string[] = [];
  for (const p of placeholders) {
    const expression = mapping[p]?.trim() ?? "";
    if (expression === "") {
      // Named by its number: describeVariables shows it as {{2}}.
      if (!missing.includes(p)) missing.push(p);
      continue;
    }
    const r = renderFor(source, { content: `{{${expression}}}` });
    for (const n of r.missing) if (!missing.includes(n)) missing.push(n);
    for (const n of r.unknown) if (!unknown.includes(n)) unknown.push(n);
    variables[p] = r.content;
  }
  const text = body.replace(PLACEHOLDER, (raw, p: string) => variables[p] ?? raw);
  return { variables, text, missing, unknown };
}

/** A first guess at a placeholder's merge field from Twilio's sample value ("first_name" → firstName). */
export function guessMapping(sample: string, customKeys: ReadonlySet<string>): string {
  const squashed = sample.toLowerCase().replace(/[^a-z0-9]/g, "");
  for (const f of BUILT_IN_FIELDS) if (f.name.toLowerCase() === squashed) return f.name;
  for (const k of customKeys) if (k.replace(/_/g, "") === squashed) return k;
  return "";
}
