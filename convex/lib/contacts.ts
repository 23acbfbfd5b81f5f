/** Contact rules shared by the app's mutations, the webhooks and the REST API. */
import { normalizeEmail } from "./email";
import { toE164 } from "../../lib/phone";
import { contactSearchText } from "./search";
import { internal } from "../_generated/api";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import { getOwned } from "../functions";
import type { Actor, Channel } from "../schema";
import { recordAudit } from "./audit";
import { cleanFieldInput, defsByKey, fieldDefs, mergeFieldValues, type FieldInput } from "./customFields";
import { env } from "./env";
import { appError } from "./errors";
import { deleteMessageFiles } from "./attachments";
import { deleteDraft } from "./drafts";
import { timeZoneOfPhone } from "../../lib/contactTimeZone";
import { isTimeZone } from "../../lib/recurrence";
import { deleteMessage, MessageWrites } from "./messages";
import { deleteMute } from "./notifications";
import { adjustContactCount } from "./stats";
import { cleanTags, TagWrites } from "./tags";

export const CONTACT_LIMITS = {
  nameLength: 200,
  socialHandles: 20,
  metadataKeys: 50,
  valueLength: 1000,
  notesPerContact: 1000,
  groupsPerUser: 1000,
} as const;

export type ContactInput = {
  name?: string;
  phone?: string | null;
  email?: string | null;
  socialHandles?: Record<string, string>;
  metadata?: Record<string, string | number | boolean | null>;
  /** Replaces the contact's tags. */
  tags?: string[];
  /** Custom field values by key, checked against the account's fields; null removes one. */
  fields?: FieldInput;
  /** IANA zone; null clears it (it is inferred from the phone number again where it can be). */
  timeZone?: string | null;
};

export function cleanName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, " ");
  if (trimmed.length === 0 || trimmed.length > CONTACT_LIMITS.nameLength) {
    throw appError("INVALID_ARGUMENT", `Name must be 1–${CONTACT_LIMITS.nameLength} characters.`, {
      field: "name",
    });
  }
  return trimmed;
}

export function parsePhone(input: string): string {
  const phone = toE164(input, env.defaultCountry());
  if (phone === null) throw appError("INVALID_PHONE", `"${input.slice(0, 40)}" is not a valid phone number.`);
  return phone;
}

export function parseEmail(input: string): string {
  const email = normalizeEmail(input);
  if (email === null) throw appError("INVALID_EMAIL", `"${input.slice(0, 80)}" is not a valid email address.`);
  return email;
}

function checkRecord(field: string, record: Record<string, unknown> | undefined, maxKeys: number) {
  if (!record) return;
  const entries = Object.entries(record);
  if (entries.length > maxKeys) {
    throw appError("LIMIT_EXCEEDED", `${field} may have at most ${maxKeys} entries.`, { field });
  }
  for (const [key, value] of entries) {
    if (key.length > 64 || (typeof value === "string" && value.length > CONTACT_LIMITS.valueLength)) {
      throw appError("INVALID_ARGUMENT", `${field}.${key.slice(0, 64)} is too long.`, { field });
    }
  }
}

/** Validate and normalise the address fields; undefined means "not given", null means "clear". */
export function normalizeContactInput(input: ContactInput) {
  checkRecord("socialHandles", input.socialHandles, CONTACT_LIMITS.socialHandles);
  checkRecord("metadata", input.metadata, CONTACT_LIMITS.metadataKeys);
  return {
    name: input.name === undefined ? undefined : cleanName(input.name),
    phone: input.phone === undefined ? undefined : input.phone === null || input.phone.trim() === "" ? null : parsePhone(input.phone),
    email: input.email === undefined ? undefined : input.email === null || input.email.trim() === "" ? null : parseEmail(input.email),
    socialHandles: input.socialHandles,
    metadata: input.metadata,
    timeZone: input.timeZone === undefined ? undefined : input.timeZone === null || input.timeZone.trim() === "" ? null : parseTimeZone(input.timeZone),
  };
}

export function parseTimeZone(input: string): string {
  const zone = input.trim();
  if (!isTimeZone(zone)) throw appError("INVALID_ARGUMENT", `"${zone.slice(0, 64)}" is not a time zone.`, { field: "timeZone" });
  return zone;
}

export async function findContactByPhone(ctx: Pick<QueryCtx, "db">, userId: Id<"users">, phone: string) {
  return await ctx.db
    .query("contacts")
    .withIndex("by_user_and_phone", (q) => q.eq("userId", userId).eq("phone", phone))
    .first();
}

export async function findContactByEmail(ctx: Pick<QueryCtx, "db">, userId: Id<"users">, email: string) {
  return await ctx.db
    .query("contacts")
    .withIndex("by_user_and_email", (q) => q.eq("userId", userId).eq("email", email))
    .first();
}

/** Phone and email are unique per user; the error names the contact that has them. */
export async function assertNoDuplicate(
  ctx: Pick<QueryCtx, "db">,
  userId: Id<"users">,
  fields: { phone?: string | null; email?: string | null },
  exceptId?: Id<"contacts">,
): Promise<void> {
  const checks: Array<["phone" | "email", Doc<"contacts"> | null]> = [];
  if (fields.phone) checks.push(["phone", await findContactByPhone(ctx, userId, fields.phone)]);
  if (fields.email) checks.push(["email", await findContactByEmail(ctx, userId, fields.email)]);
  for (const [field, existing] of checks) {
    if (existing && existing._id !== exceptId) {
      throw appError(
        "DUPLICATE_CONTACT",
        `${existing.name} already has this ${field === "phone" ? "phone number" : "email address"}.`,
        { field, contactId: existing._id, contactName: existing.name },
      );
    }
  }
}

/** A new contact document with every derived field set. */
export function newContact(
  userId: Id<"users">,
  fields: {
    name: string;
    phone?: string;
    email?: string;
    socialHandles?: Record<string, string>;
    metadata?: Record<string, string | number | boolean | null>;
    tags?: string[];
    fields?: Record<string, string | number | boolean>;
    consent?: Doc<"contacts">["consent"];
    importId?: Id<"imports">;
    timeZone?: string;
  },
) {
  // A number whose region keeps one time gives the contact's zone (editable later).
  const timeZone = fields.timeZone ?? timeZoneOfPhone(fields.phone) ?? undefined;
  return {
    userId,
    ...fields,
    ...(timeZone ? { timeZone } : {}),
    sortName: fields.name.toLowerCase(),
    searchText: contactSearchText(fields),
    optedOut: { sms: false, whatsapp: false, email: false },
    unreadCount: 0,
    hasUnread: false,
  };
}

/**
 * Opt a contact out of a channel (or back in), and record who did it and why: the one place an
 * opt-out changes (a person in the app, a STOP/START text, a carrier's 21610, an email complaint).
 * Returns whether anything changed.
 */
export async function setOptOut(
  ctx: Pick<MutationCtx, "db">,
  contact: Doc<"contacts">,
  channel: Channel,
  optedOut: boolean,
  by: { actor: Actor; details?: Record<string, string | number | boolean | null> },
): Promise<boolean> {
  if (contact.optedOut[channel] === optedOut) return false;
  await ctx.db.patch("contacts", contact._id, { optedOut: { ...contact.optedOut, [channel]: optedOut } });
  await recordAudit(ctx, {
    userId: contact.userId,
    actor: by.actor,
    action: optedOut ? "contact.optOut" : "contact.optIn",
    target: { table: "contacts", id: contact._id },
    details: { channel, ...by.details },
  });
  return true;
}

/** Derived fields after a change of name, phone, email, tags or custom fields. */
export function derivedContactFields(c: Parameters<typeof contactSearchText>[0]) {
  return { sortName: c.name.toLowerCase(), searchText: contactSearchText(c) };
}

/** Check tags and custom field input (the account's definitions are read only when fields are given). */
async function cleanTagsAndFields(ctx: Pick<QueryCtx, "db">, userId: Id<"users">, input: ContactInput) {
  return {
    tags: input.tags === undefined ? undefined : cleanTags(input.tags),
    fields: input.fields === undefined ? undefined : cleanFieldInput(defsByKey(await fieldDefs(ctx, userId)), input.fields),
  };
}

/**
 * Insert a validated contact for `userId` (used by the app, the REST API and inbound
 * webhooks). Throws ADDRESS_REQUIRED, INVALID_*, or DUPLICATE_CONTACT.
 */
export async function insertContact(
  ctx: Pick<MutationCtx, "db" | "scheduler">,
  userId: Id<"users">,
  input: ContactInput & { name: string },
): Promise<Id<"contacts">> {
  const clean = normalizeContactInput(input);
  const phone = clean.phone ?? undefined;
  const email = clean.email ?? undefined;
  if (!phone && !email) throw appError("ADDRESS_REQUIRED");
  const { tags, fields } = await cleanTagsAndFields(ctx, userId, input);
  await assertNoDuplicate(ctx, userId, { phone, email });
  await adjustContactCount(ctx, userId, 1);
  const values = fields ? mergeFieldValues(undefined, fields) : undefined;
  const contactId = await ctx.db.insert(
    "contacts",
    newContact(userId, {
      name: clean.name!,
      ...(phone ? { phone } : {}),
      ...(email ? { email } : {}),
      ...(clean.socialHandles ? { socialHandles: clean.socialHandles } : {}),
      ...(clean.metadata ? { metadata: clean.metadata } : {}),
      ...(tags?.length ? { tags } : {}),
      ...(values ? { fields: values } : {}),
      ...(clean.timeZone ? { timeZone: clean.timeZone } : {}),
    }),
  );
  if (tags?.length) {
    const writes = new TagWrites(ctx, userId);
    await writes.change(contactId, [], tags, true);
    await writes.flush();
  }
  return contactId;
}

/** Per-transaction batch for removing what hangs off a contact or group. */
export const PURGE_BATCH = 500;

/** Delete up to `limit` memberships of a contact, keeping group counts exact. Returns how many. */
export async function deleteContactMemberships(
  ctx: Pick<MutationCtx, "db">,
  contactId: Id<"contacts">,
  limit: number,
): Promise<number> {
  const memberships = await ctx.db
    .query("groupMemberships")
    .withIndex("by_contact_and_group", (q) => q.eq("contactId", contactId))
    .take(limit);
  for (const m of memberships) {
    const group = await ctx.db.get("groups", m.groupId);
    if (group) await ctx.db.patch("groups", group._id, { memberCount: Math.max(0, group.memberCount - 1) });
    await ctx.db.delete("groupMemberships", m._id);
  }
  return memberships.length;
}

/** Delete up to `limit` messages of a removed contact (keeping aggregates exact), with their files. Returns how many. */
export async function deleteContactMessages(
  ctx: Pick<MutationCtx, "db" | "scheduler" | "storage">,
  userId: Id<"users">,
  contactId: Id<"contacts">,
  limit: number,
): Promise<number> {
  const messages = await ctx.db
    .query("messages")
    .withIndex("by_contact_and_at", (q) => q.eq("contactId", contactId))
    .take(limit);
  const writes = new MessageWrites(ctx, userId);
  for (const m of messages) {
    await deleteMessageFiles(ctx, m);
    await deleteMessage(ctx, writes, m);
  }
  await writes.flush();
  return messages.length;
}

/** Delete up to `limit` notes of a contact. Returns how many. */
export async function deleteContactNotes(
  ctx: Pick<MutationCtx, "db">,
  contactId: Id<"contacts">,
  limit: number,
): Promise<number> {
  const notes = await ctx.db
    .query("notes")
    .withIndex("by_contact", (q) => q.eq("contactId", contactId))
    .take(limit);
  for (const note of notes) await ctx.db.delete("notes", note._id);
  return notes.length;
}

/**
 * Delete a contact without an audit entry of its own (an import's undo records one for all):
 * its tags and up to `limit` memberships and notes now, the rest and its messages in scheduled
 * batches. The caller adjusts the contact count and flushes `tags`.
 */
export async function deleteContactRecords(
  ctx: Pick<MutationCtx, "db" | "scheduler">,
  userId: Id<"users">,
  contact: Doc<"contacts">,
  tags: TagWrites,
  limit: number,
): Promise<void> {
  const memberships = await deleteContactMemberships(ctx, contact._id, limit);
  const notes = await deleteContactNotes(ctx, contact._id, limit);
  if (contact.tags?.length) await tags.change(contact._id, contact.tags, []);
  await ctx.db.delete("contacts", contact._id);
  const hasMessages = await ctx.db
    .query("messages")
    .withIndex("by_contact_and_at", (q) => q.eq("contactId", contact._id))
    .first();
  if (hasMessages || memberships === limit || notes === limit) {
    await ctx.scheduler.runAfter(0, internal.contacts.purgeRemoved, { contactId: contact._id, userId });
  }
}

/** Create a contact and record who did it (the app's and the REST API's create). */
export async function createContact(
  ctx: Pick<MutationCtx, "db" | "scheduler">,
  userId: Id<"users">,
  actor: Actor,
  input: ContactInput & { name: string },
): Promise<Id<"contacts">> {
  const contactId = await insertContact(ctx, userId, input);
  await recordAudit(ctx, { userId, actor, action: "contact.create", target: { table: "contacts", id: contactId } });
  return contactId;
}

/** Change a contact's name, addresses, handles or metadata; null clears an address. */
export async function updateContact(
  ctx: Pick<MutationCtx, "db">,
  userId: Id<"users">,
  actor: Actor,
  contactId: Id<"contacts">,
  input: ContactInput,
): Promise<void> {
  const contact = await getOwned({ db: ctx.db, userId }, "contacts", contactId);
  const clean = normalizeContactInput(input);
  const { tags, fields } = await cleanTagsAndFields(ctx, userId, input);
  const next = {
    name: clean.name ?? contact.name,
    phone: clean.phone === undefined ? contact.phone : (clean.phone ?? undefined),
    email: clean.email === undefined ? contact.email : (clean.email ?? undefined),
    tags: tags === undefined ? contact.tags : tags.length ? tags : undefined,
    fields: fields === undefined ? contact.fields : mergeFieldValues(contact.fields, fields),
  };
  if (!next.phone && !next.email) throw appError("ADDRESS_REQUIRED");
  await assertNoDuplicate(ctx, userId, next, contactId);
  // A zone given wins; cleared, or a new number for a contact without one, is inferred from the number.
  const inferred = timeZoneOfPhone(next.phone) ?? undefined;
  const timeZone =
    clean.timeZone !== undefined
      ? (clean.timeZone ?? inferred)
      : clean.phone !== undefined && !contact.timeZone
        ? inferred
        : contact.timeZone;
  await ctx.db.patch("contacts", contactId, {
    ...next,
    timeZone,
    ...derivedContactFields(next),
    ...(clean.socialHandles ? { socialHandles: clean.socialHandles } : {}),
    ...(clean.metadata ? { metadata: clean.metadata } : {}),
  });
  if (tags !== undefined) {
    const writes = new TagWrites(ctx, userId);
    await writes.change(contactId, contact.tags ?? [], tags);
    await writes.flush();
  }
  await recordAudit(ctx, {
    userId,
    actor,
    action: "contact.update",
    target: { table: "contacts", id: contactId },
    details: { fields: Object.keys(input).join(",") },
  });
}

/**
 * Remove a contact. Memberships and notes go in this transaction; messages (which can be
 * many, and whose pending ones then never send) and anything past the limits go in
 * scheduled batches.
 */
export async function removeContact(
  ctx: Pick<MutationCtx, "db" | "scheduler">,
  userId: Id<"users">,
  actor: Actor,
  contactId: Id<"contacts">,
): Promise<{ memberships: number; notes: number }> {
  const contact = await getOwned({ db: ctx.db, userId }, "contacts", contactId);
  const memberships = await deleteContactMemberships(ctx, contactId, CONTACT_LIMITS.groupsPerUser);
  if (contact.tags?.length) {
    const tagWrites = new TagWrites(ctx, userId);
    await tagWrites.change(contactId, contact.tags, []);
    await tagWrites.flush();
  }
  const notes = await deleteContactNotes(ctx, contactId, CONTACT_LIMITS.notesPerContact);
  await deleteDraft(ctx, userId, contactId);
  await ctx.db.delete("contacts", contactId);
  await deleteMute(ctx, userId, contactId);
  await adjustContactCount(ctx, userId, -1);
  const hasMessages = await ctx.db
    .query("messages")
    .withIndex("by_contact_and_at", (q) => q.eq("contactId", contactId))
    .first();
  if (hasMessages || memberships === CONTACT_LIMITS.groupsPerUser || notes === CONTACT_LIMITS.notesPerContact) {
    await ctx.scheduler.runAfter(0, internal.contacts.purgeRemoved, { contactId, userId });
  }
  await recordAudit(ctx, {
    userId,
    actor,
    action: "contact.remove",
    target: { table: "contacts", id: contactId },
    details: { name: contact.name, memberships, notes },
  });
  return { memberships, notes };
}
