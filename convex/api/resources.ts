/**
 * Documents as the REST API shows them: plain JSON with ISO times and nulls for what is
 * absent, no internal fields (owner, search text, counters of the engine). Typed by the
 * response schemas in ./schemas.ts.
 */
import type { PaginationOptions, PaginationResult } from "convex/server";
import type { Doc } from "../_generated/dataModel";
import { appError } from "../lib/errors";
import { DEFAULT_PAGE_SIZE, type BroadcastJson, type ContactJson, type CustomFieldJson, type GroupJson, type MessageJson, type Page, type TemplateJson, type WhatsAppTemplateJson } from "./schemas";

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | undefined) => (ms === undefined ? null : iso(ms));

export function contactJson(c: Doc<"contacts">): ContactJson {
  return {
    id: c._id,
    name: c.name,
    phone: c.phone ?? null,
    email: c.email ?? null,
    socialHandles: c.socialHandles ?? {},
    metadata: c.metadata ?? {},
    optedOut: c.optedOut,
    tags: c.tags ?? [],
    fields: c.fields ?? {},
    consent: c.consent ? { optedIn: c.consent.optedIn, at: iso(c.consent.at), source: c.consent.source } : null,
    timeZone: c.timeZone ?? null,
    lastMessageAt: isoOrNull(c.lastMessageAt),
    unreadCount: c.unreadCount,
    createdAt: iso(c._creationTime),
  };
}

export function customFieldJson(f: Doc<"customFields">): CustomFieldJson {
  return {
    id: f._id,
    key: f.key,
    label: f.label,
    type: f.type,
    options: f.options ?? [],
    showInTable: f.showInTable ?? false,
  };
}

export function groupJson(g: Doc<"groups">): GroupJson {
  return {
    id: g._id,
    name: g.name,
    description: g.description ?? null,
    memberCount: g.memberCount,
    createdAt: iso(g._creationTime),
  };
}

export function messageJson(m: Doc<"messages">): MessageJson {
  const pending = m.status === "scheduled" || m.status === "queued";
  return {
    id: m._id,
    contactId: m.contactId,
    broadcastId: m.broadcastId ?? null,
    channel: m.channel,
    direction: m.direction,
    status: m.status,
    content: m.content,
    subject: m.subject ?? null,
    mediaUrls: m.mediaUrls ?? [],
    from: m.from ?? null,
    to: m.to ?? null,
    scheduledAt: pending ? isoOrNull(m.scheduledAt) : null,
    heldFrom: isoOrNull(m.heldFrom),
    automatic: m.automatic !== undefined,
    sentAt: isoOrNull(m.sentAt),
    deliveredAt: isoOrNull(m.deliveredAt),
    readAt: isoOrNull(m.readAt),
    failedAt: isoOrNull(m.failedAt),
    error: m.lastError ? { code: m.lastError.code, message: m.lastError.message } : null,
    createdAt: iso(m._creationTime),
  };
}

export function broadcastJson(b: Doc<"broadcasts">): BroadcastJson {
  return {
    id: b._id,
    groupId: b.groupId ?? null,
    segmentId: b.segmentId ?? null,
    groupName: b.groupName,
    channel: b.channel,
    status: b.status,
    content: b.content,
    subject: b.subject ?? null,
    mediaUrls: b.mediaUrls ?? [],
    scheduledAt: isoOrNull(b.scheduledAt),
    startedAt: isoOrNull(b.startedAt),
    completedAt: isoOrNull(b.completedAt),
    counts: b.counts,
    skipped: {
      ...b.skipped,
      missingVariable: b.skipped.missingVariable ?? 0,
      contentTooLong: b.skipped.contentTooLong ?? 0,
      frequencyCap: b.skipped.frequencyCap ?? 0,
    },
    skippedSamples: b.skippedSamples ?? [],
    templateId: b.templateId ?? null,
    whatsappTemplateId: b.whatsappTemplateId ?? null,
    createdAt: iso(b._creationTime),
  };
}

export function templateJson(t: Doc<"templates">): TemplateJson {
  return {
    id: t._id,
    name: t.name,
    channel: t.channel ?? null,
    content: t.content,
    subject: t.subject ?? null,
    variables: t.variables,
    updatedAt: iso(t.updatedAt),
    createdAt: iso(t._creationTime),
  };
}

export function whatsappTemplateJson(t: Doc<"whatsappTemplates">): WhatsAppTemplateJson {
  return {
    id: t._id,
    contentSid: t.contentSid,
    name: t.name,
    language: t.language,
    body: t.body,
    status: t.status,
    category: t.category ?? null,
    rejectionReason: t.rejectionReason ?? null,
    placeholders: t.placeholders,
    syncedAt: iso(t.syncedAt),
  };
}

/** Convex pagination options from the API's `limit` and `cursor`. */
export function pageOptions(query: { limit?: number; cursor?: string }): PaginationOptions {
  return { numItems: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor ?? null };
}

/**
 * Run a paginated read. A cursor that is not one this list gave out (garbage, or another
 * list's) makes Convex throw; that is the client's mistake, so it is a 400, not a 500.
 */
export async function readPage<T, J>(
  opts: PaginationOptions,
  read: () => Promise<PaginationResult<T>>,
  toJson: (doc: T) => J,
): Promise<Page<J>> {
  let result: PaginationResult<T>;
  try {
    result = await read();
  } catch (error) {
    const coded = typeof error === "object" && error !== null && "data" in error;
    if (opts.cursor === null || coded) throw error;
    throw appError("INVALID_ARGUMENT", "The cursor is not one this list gave out.", { field: "cursor" });
  }
  return { data: result.page.map(toJson), nextCursor: result.isDone ? null : result.continueCursor };
}
