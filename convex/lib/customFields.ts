/**
 * Custom field rules on the backend: the account's definitions, and the one check every write
 * of field values goes through (the app's contact form, the REST API, imports).
 */
import {
  checkFieldValue,
  FIELD_LIMITS,
  FIELD_TYPES,
  fieldKeyFromLabel,
  type FieldDef,
  type FieldType,
  type FieldValue,
} from "../../lib/customFields";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import type { Actor } from "../schema";
import { recordAudit } from "./audit";
import { appError } from "./errors";

type Ctx = Pick<QueryCtx, "db">;
export type FieldInput = Record<string, FieldValue | null>;

/** The account's fields (not those being deleted), in creation order. */
export async function fieldDefs(ctx: Ctx, userId: Id<"users">): Promise<Doc<"customFields">[]> {
  const all = await ctx.db
    .query("customFields")
    .withIndex("by_user_and_key", (q) => q.eq("userId", userId))
    .take(FIELD_LIMITS.perAccount * 2);
  return all.filter((f) => !f.deleting).sort((a, b) => a._creationTime - b._creationTime);
}

export function defsByKey(defs: readonly FieldDef[]): Map<string, FieldDef> {
  return new Map(defs.map((d) => [d.key, d]));
}

/**
 * Check field values against their definitions; null means "remove the value". Unknown keys and
 * values of the wrong type are refused with INVALID_FIELD_VALUE naming the field.
 */
export function cleanFieldInput(defs: Map<string, FieldDef>, input: FieldInput): FieldInput {
  const out: FieldInput = {};
  for (const [key, value] of Object.entries(input)) {
    const def = defs.get(key);
    if (!def) throw appError("INVALID_FIELD_VALUE", `There is no custom field "${key.slice(0, 64)}".`, { field: key });
    if (value === null || (typeof value === "string" && value.trim() === "")) {
      out[key] = null;
      continue;
    }
    const checked = checkFieldValue(def, value);
    if (!checked.ok) throw appError("INVALID_FIELD_VALUE", checked.message, { field: key });
    out[key] = checked.value;
  }
  return out;
}

/** Apply cleaned input to a contact's values (null removes); undefined when none are left. */
export function mergeFieldValues(
  current: Record<string, FieldValue> | undefined,
  input: FieldInput,
): Record<string, FieldValue> | undefined {
  const next: Record<string, FieldValue> = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(input)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return Object.keys(next).length > 0 ? next : undefined;
}

function cleanLabel(label: string): string {
  const trimmed = label.trim().replace(/\s+/g, " ");
  if (trimmed.length === 0 || trimmed.length > FIELD_LIMITS.labelLength) {
    throw appError("INVALID_ARGUMENT", `Field names must be 1–${FIELD_LIMITS.labelLength} characters.`, { field: "label" });
  }
  return trimmed;
}

function cleanOptions(type: FieldType, options: string[] | undefined): string[] | undefined {
  if (type !== "select") {
    if (options !== undefined && options.length > 0) {
      throw appError("INVALID_ARGUMENT", "Only one-of-a-list fields have options.", { field: "options" });
    }
    return undefined;
  }
  const seen = new Map<string, string>();
  for (const raw of options ?? []) {
    const option = raw.trim().replace(/\s+/g, " ");
    if (option.length > FIELD_LIMITS.optionLength) {
      throw appError("INVALID_ARGUMENT", `Options are at most ${FIELD_LIMITS.optionLength} characters.`, { field: "options" });
    }
    if (option && !seen.has(option.toLowerCase())) seen.set(option.toLowerCase(), option);
  }
  if (seen.size === 0) throw appError("INVALID_ARGUMENT", "A one-of-a-list field needs at least one option.", { field: "options" });
  if (seen.size > FIELD_LIMITS.options) {
    throw appError("LIMIT_EXCEEDED", `A list has at most ${FIELD_LIMITS.options} options.`, { field: "options" });
  }
  return [...seen.values()];
}

export async function createField(
  ctx: Pick<MutationCtx, "db">,
  userId: Id<"users">,
  actor: Actor,
  args: { label: string; type: FieldType; options?: string[]; showInTable?: boolean },
): Promise<Id<"customFields">> {
  if (!FIELD_TYPES.includes(args.type)) throw appError("INVALID_ARGUMENT", "Unknown field type.", { field: "type" });
  const label = cleanLabel(args.label);
  const options = cleanOptions(args.type, args.options);
  const all = await ctx.db
    .query("customFields")
    .withIndex("by_user_and_key", (q) => q.eq("userId", userId))
    .take(FIELD_LIMITS.perAccount * 2);
  const live = all.filter((f) => !f.deleting);
  if (live.length >= FIELD_LIMITS.perAccount) {
    throw appError("LIMIT_EXCEEDED", `An account has at most ${FIELD_LIMITS.perAccount} custom fields.`);
  }
  const sameLabel = live.find((f) => f.label.toLowerCase() === label.toLowerCase());
  if (sameLabel) throw appError("DUPLICATE_NAME", `There is already a field called "${sameLabel.label}".`, { field: "label" });
  // Keys of fields still being deleted stay taken, so their old values never join a new field.
  const taken = new Set(all.map((f) => f.key));
  const base = fieldKeyFromLabel(label);
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base.slice(0, 36)}_${n}`;
  const fieldId = await ctx.db.insert("customFields", {
    userId,
    key,
    label,
    type: args.type,
    ...(options ? { options } : {}),
    ...(args.showInTable ? { showInTable: true } : {}),
  });
  await recordAudit(ctx, { userId, actor, action: "customField.create", target: { table: "customFields", id: fieldId }, details: { key, type: args.type } });
  return fieldId;
}

export async function updateField(
  ctx: Pick<MutationCtx, "db">,
  userId: Id<"users">,
  actor: Actor,
  field: Doc<"customFields">,
  args: { label?: string; options?: string[]; showInTable?: boolean },
): Promise<void> {
  if (field.deleting) throw appError("NOT_FOUND");
  const patch: Partial<Doc<"customFields">> = {};
  if (args.label !== undefined) {
    const label = cleanLabel(args.label);
    const others = (await fieldDefs(ctx, userId)).filter((f) => f._id !== field._id);
    if (others.some((f) => f.label.toLowerCase() === label.toLowerCase())) {
      throw appError("DUPLICATE_NAME", `There is already a field called "${label}".`, { field: "label" });
    }
    patch.label = label;
  }
  if (args.options !== undefined) patch.options = cleanOptions(field.type, args.options);
  if (args.showInTable !== undefined) patch.showInTable = args.showInTable;
  await ctx.db.patch("customFields", field._id, patch);
  await recordAudit(ctx, { userId, actor, action: "customField.update", target: { table: "customFields", id: field._id } });
}

/** Contacts looked at per transaction when removing a deleted field's values. */
export const FIELD_PURGE_BATCH = 200;

/**
 * Remove the field's value from a page of contacts. Returns the cursor to continue from, or
 * null when every contact has been seen.
 */
export async function purgeFieldValues(
  ctx: Pick<MutationCtx, "db">,
  field: Doc<"customFields">,
  cursor: string | null,
): Promise<string | null> {
  const page = await ctx.db
    .query("contacts")
    .withIndex("by_user_and_sortName", (q) => q.eq("userId", field.userId))
    .paginate({ numItems: FIELD_PURGE_BATCH, cursor });
  for (const contact of page.page) {
    if (contact.fields && field.key in contact.fields) {
      await ctx.db.patch("contacts", contact._id, { fields: mergeFieldValues(contact.fields, { [field.key]: null }) });
    }
  }
  return page.isDone ? null : page.continueCursor;
}
