/**
 * The rules for an import's rows, pure so the preview, the run and the tests share them:
 * a record's cells → normalised contact data (or why the row is invalid), duplicates inside
 * the file (merged into the first row with that phone or email, per the duplicate policy), and
 * what a row does to the contacts that exist (create, update which fields, skip, or conflict).
 */
import { parseFieldText, parseYesNo, type FieldDef, type FieldValue } from "../../lib/customFields";
import { normalizeEmail } from "./email";
import { formatPhone, phoneProblem, toE164 } from "../../lib/phone";
import { isTimeZone } from "../../lib/recurrence";
import { splitTags, TAG_LIMITS, tagKey, uniqueTags } from "../../lib/tags";
import type { DuplicatePolicy, ImportRowData, OptOut } from "../schema";
import { CONTACT_LIMITS } from "./contacts";
import type { Target } from "./importCsv";

export type RowData = ImportRowData;
export type NormalizedRow = { row: number; data: RowData; problem?: string };

/** Countries that write dates month first (03/04/2024 is March 4th). */
const MONTH_FIRST = new Set(["US", "CA", "PH", "FM", "PW", "MH"]);

export type RowContext = {
  country: string;
  fields: Map<string, FieldDef>;
  /** The import's own tag, added to every row. */
  tag?: string;
};

const clip = (s: string, n = 40) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** One record → contact data, or the first problem that makes the row invalid. */
export function normalizeRow(cells: string[], mapping: readonly Target[], ctx: RowContext, row: number): NormalizedRow {
  const data: RowData = {};
  const cell = (target: Target) => {
    const i = mapping.indexOf(target);
    return i < 0 ? "" : (cells[i] ?? "").trim();
  };
  const invalid = (problem: string): NormalizedRow => ({ row, data, problem });

  // Phone: the mobile column first, the other if the mobile one is empty or not a number.
  const phoneCells = [cell("mobile"), cell("phone")].filter((c) => c !== "");
  let badPhone: string | null = null;
  for (const text of phoneCells) {
    const phone = toE164(text, ctx.country);
    if (phone) {
      data.phone = phone;
      break;
    }
    badPhone ??= text;
  }
  if (!data.phone && badPhone !== null) {
    return invalid(phoneProblem(badPhone) ?? `"${clip(badPhone)}" is not a valid phone number (default country ${ctx.country}).`);
  }

  const emailText = cell("email");
  if (emailText) {
    const email = normalizeEmail(emailText);
    if (!email) return invalid(`"${clip(emailText, 60)}" is not a valid email address.`);
    data.email = email;
  }
  if (!data.phone && !data.email) return invalid("No phone number or email address.");

  const full = cell("name") || [cell("firstName"), cell("lastName")].filter(Boolean).join(" ");
  const name = full.replace(/\s+/g, " ").trim();
  if (name.length > CONTACT_LIMITS.nameLength) return invalid(`The name is longer than ${CONTACT_LIMITS.nameLength} characters.`);
  if (name) data.name = name;

  const tags = uniqueTags([...splitTags(cell("tags")), ...(ctx.tag ? [ctx.tag] : [])]);
  if (tags.length > TAG_LIMITS.perContact) return invalid(`More than ${TAG_LIMITS.perContact} tags.`);
  if (tags.length) data.tags = tags;

  const consentText = cell("consent");
  if (consentText) {
    const consent = parseYesNo(consentText);
    if (consent === null) return invalid(`Consent "${clip(consentText)}" is not yes or no.`);
    data.consent = consent;
  }

  const zoneText = cell("timeZone");
  if (zoneText) {
    const zone = canonicalZone(zoneText);
    if (!zone) return invalid(`"${clip(zoneText)}" is not a time zone (an IANA name such as Europe/Paris or America/New_York).`);
    data.timeZone = zone;
  }

  const monthFirst = MONTH_FIRST.has(ctx.country.toUpperCase());
  const fields: Record<string, FieldValue> = {};
  mapping.forEach((target, i) => {
    if (!target.startsWith("field:")) return;
    const def = ctx.fields.get(target.slice(6));
    if (!def) return;
    const parsed = parseFieldText(def, cells[i] ?? "", monthFirst);
    if (!parsed.ok) throw new RowProblem(parsed.message);
    if (parsed.value !== null) fields[def.key] = parsed.value;
  });
  if (Object.keys(fields).length) data.fields = fields;
  return { row, data };
}

class RowProblem extends Error {}

/** An IANA zone as the platform spells it ("europe/paris" → "Europe/Paris"), or null. */
function canonicalZone(text: string): string | null {
  if (!isTimeZone(text)) return null;
  return new Intl.DateTimeFormat("en-US", { timeZone: text }).resolvedOptions().timeZone;
}

/** normalizeRow, with a field's problem as the row's (rather than thrown). */
export function readRow(cells: string[], mapping: readonly Target[], ctx: RowContext, row: number): NormalizedRow {
  try {
    return normalizeRow(cells, mapping, ctx, row);
  } catch (error) {
    if (error instanceof RowProblem) return { row, data: {}, problem: error.message };
    throw error;
  }
}

// ---------------------------------------------------------------------------------------
// Duplicates inside the file

export type InFileOutcome = { row: number; status: "pending" | "invalid" | "skipped"; data: RowData; reason?: string };

/** `into` with `from`'s values: filling only what `into` lacks, or letting `from` win (tags are combined). */
export function mergeRowData(into: RowData, from: RowData, policy: DuplicatePolicy): RowData {
  const pick = <T>(a: T | undefined, b: T | undefined) => (policy === "overwrite" ? (b ?? a) : (a ?? b));
  const tags = uniqueTags([...(into.tags ?? []), ...(from.tags ?? [])]).slice(0, TAG_LIMITS.perContact);
  const fields = policy === "overwrite" ? { ...into.fields, ...from.fields } : { ...from.fields, ...into.fields };
  const merged: RowData = {
    name: pick(into.name, from.name),
    phone: pick(into.phone, from.phone),
    email: pick(into.email, from.email),
    consent: pick(into.consent, from.consent),
    timeZone: pick(into.timeZone, from.timeZone),
    ...(tags.length ? { tags } : {}),
    ...(Object.keys(fields).length ? { fields } : {}),
  };
  for (const key of ["name", "phone", "email", "consent", "timeZone"] as const) if (merged[key] === undefined) delete merged[key];
  return merged;
}

/**
 * Rows with the phone number or email address of an earlier row are the same person: with
 * "skip" they are skipped; otherwise merged into that earlier row (and skipped themselves,
 * saying which row they went into). A row matching two different earlier rows is skipped.
 */
export function dedupeInFile(rows: NormalizedRow[], policy: DuplicatePolicy): InFileOutcome[] {
  const out: InFileOutcome[] = [];
  const byPhone = new Map<string, number>();
  const byEmail = new Map<string, number>();
  const remember = (i: number) => {
    const d = out[i].data;
    if (d.phone && !byPhone.has(d.phone)) byPhone.set(d.phone, i);
    if (d.email && !byEmail.has(d.email)) byEmail.set(d.email, i);
  };
  for (const r of rows) {
    if (r.problem !== undefined) {
      out.push({ row: r.row, status: "invalid", data: r.data, reason: r.problem });
      continue;
    }
    const p = r.data.phone ? byPhone.get(r.data.phone) : undefined;
    const e = r.data.email ? byEmail.get(r.data.email) : undefined;
    if (p !== undefined && e !== undefined && p !== e) {
      out.push({
        row: r.row,
        status: "skipped",
        data: r.data,
        reason: `Same phone number as row ${out[p].row} and same email address as row ${out[e].row}.`,
      });
      continue;
    }
    const first = p ?? e;
    if (first === undefined) {
      out.push({ row: r.row, status: "pending", data: r.data });
      remember(out.length - 1);
      continue;
    }
    const what = p !== undefined ? "phone number" : "email address";
    if (policy === "skip") {
      out.push({ row: r.row, status: "skipped", data: r.data, reason: `Same ${what} as row ${out[first].row}.` });
      continue;
    }
    out[first] = { ...out[first], data: mergeRowData(out[first].data, r.data, policy) };
    remember(first);
    out.push({ row: r.row, status: "skipped", data: r.data, reason: `Same ${what} as row ${out[first].row}: merged into it.` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Rows against the contacts that exist

export type ExistingContact = {
  _id: string;
  name: string;
  phone?: string;
  email?: string;
  tags?: string[];
  fields?: Record<string, FieldValue>;
  consent?: { optedIn: boolean; at: number; source: string };
  optedOut: OptOut;
  timeZone?: string;
};

export type ContactPatch = Partial<Pick<ExistingContact, "name" | "phone" | "email" | "tags" | "fields" | "consent" | "optedOut" | "timeZone">>;

export type RowPlan =
  | { kind: "create" }
  | { kind: "update"; contact: ExistingContact; patch: ContactPatch }
  | { kind: "unchanged"; contact: ExistingContact }
  | { kind: "skip"; contact: ExistingContact; reason: string }
  | { kind: "conflict"; reason: string };

const ALL_OUT: OptOut = { sms: true, whatsapp: true, email: true };

/** A name the app gave a contact from its address (inbound messages): empty for "fill empty fields". */
function placeholderName(c: ExistingContact): boolean {
  return c.name === c.email || c.name === c.phone || (c.phone !== undefined && c.name === formatPhone(c.phone));
}

/**
 * What the row's data changes on an existing contact. "fillEmpty" sets only what the contact
 * lacks; "overwrite" sets everything the row has. Tags are added (overwrite: replaced when the
 * row has some). Consent is recorded with its source; a "no" opts the contact out of every
 * channel, a "yes" never undoes an opt-out (a STOP the contact sent wins).
 */
export function contactChanges(c: ExistingContact, d: RowData, policy: Exclude<DuplicatePolicy, "skip">, source: string, now: number): ContactPatch {
  const patch: ContactPatch = {};
  const fill = policy === "fillEmpty";
  if (d.name && d.name !== c.name && (!fill || placeholderName(c))) patch.name = d.name;
  if (d.phone && d.phone !== c.phone && (!fill || !c.phone)) patch.phone = d.phone;
  if (d.email && d.email !== c.email && (!fill || !c.email)) patch.email = d.email;
  if (d.timeZone && d.timeZone !== c.timeZone && (!fill || !c.timeZone)) patch.timeZone = d.timeZone;
  if (d.tags?.length) {
    const next = fill || !d.tags.length ? uniqueTags([...(c.tags ?? []), ...d.tags]) : d.tags;
    const same = next.length === (c.tags ?? []).length && next.every((t) => (c.tags ?? []).some((x) => tagKey(x) === tagKey(t)));
    if (!same) patch.tags = next.slice(0, TAG_LIMITS.perContact);
  }
  if (d.fields) {
    const next = { ...c.fields };
    let changed = false;
    for (const [key, value] of Object.entries(d.fields)) {
      if (next[key] === value || (fill && next[key] !== undefined)) continue;
      next[key] = value;
      changed = true;
    }
    if (changed) patch.fields = next;
  }
  if (d.consent !== undefined && c.consent?.optedIn !== d.consent) {
    patch.consent = { optedIn: d.consent, at: now, source };
    if (!d.consent && !(c.optedOut.sms && c.optedOut.whatsapp && c.optedOut.email)) patch.optedOut = ALL_OUT;
  }
  return patch;
}

/** What a row does, given the contacts with its phone number and its email address (if any). */
export function planRow(
  d: RowData,
  byPhone: ExistingContact | null,
  byEmail: ExistingContact | null,
  policy: DuplicatePolicy,
  source: string,
  now: number,
): RowPlan {
  if (byPhone && byEmail && byPhone._id !== byEmail._id) {
    return { kind: "conflict", reason: `The phone number belongs to ${byPhone.name} and the email address to ${byEmail.name}.` };
  }
  const contact = byPhone ?? byEmail;
  if (!contact) return { kind: "create" };
  if (policy === "skip") return { kind: "skip", contact, reason: `Already a contact: ${contact.name}.` };
  const patch = contactChanges(contact, d, policy, source, now);
  return Object.keys(patch).length ? { kind: "update", contact, patch } : { kind: "unchanged", contact };
}

/** New contacts have no opt-outs unless the consent column said no. */
export function newContactConsent(d: RowData, source: string, now: number) {
  if (d.consent === undefined) return {};
  return { consent: { optedIn: d.consent, at: now, source }, ...(d.consent ? {} : { optedOut: ALL_OUT }) };
}
