/**
 * Segments: saved filters over contacts. A segment's contacts meet all its conditions. Reads are
 * bounded: one index is walked a page at a time (the contacts with a tag, or of an import, when
 * a condition names one; else all contacts by name) and each contact on the page is checked
 * against every condition, from fields kept on the contact itself, so a page costs at most
 * two reads per contact. Counts and broadcast fan-out go through `segmentPage`.
 */
import type { PaginationOptions } from "convex/server";
import { FIELD_LIMITS, checkFieldValue, type FieldValue } from "../../lib/customFields";
import { cleanTag, tagKey } from "../../lib/tags";
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import { getOwned } from "../functions";
import type { Condition } from "../schema";
import { appError } from "./errors";

export const MAX_CONDITIONS = 10;
const DAY_MS = 86_400_000;

type Ctx = Pick<QueryCtx, "db">;
type FieldDefs = Map<string, Pick<Doc<"customFields">, "key" | "label" | "type" | "options">>;

/** Check a segment's conditions (and that an import it names is the user's); tags are cleaned. */
export async function cleanConditions(ctx: Ctx, userId: Id<"users">, conditions: Condition[], defs: FieldDefs): Promise<Condition[]> {
  if (conditions.length > MAX_CONDITIONS) throw appError("LIMIT_EXCEEDED", `A segment has at most ${MAX_CONDITIONS} conditions.`, { field: "conditions" });
  const out: Condition[] = [];
  for (const c of conditions) {
    switch (c.kind) {
      case "tag": {
        const tag = cleanTag(c.tag);
        if (!tag) throw appError("INVALID_ARGUMENT", "A tag condition needs a tag.", { field: "conditions" });
        out.push({ ...c, tag });
        break;
      }
      case "field": {
        const def = defs.get(c.key);
        if (!def) throw appError("INVALID_FIELD_VALUE", `There is no custom field "${c.key.slice(0, 64)}".`, { field: c.key });
        if (c.op === "isSet" || c.op === "isEmpty") {
          out.push({ kind: "field", key: c.key, op: c.op });
          break;
        }
        if (c.value === undefined) throw appError("INVALID_ARGUMENT", `${def.label}: give a value to compare with.`, { field: "conditions" });
        if ((c.op === "gt" || c.op === "lt") && def.type !== "number" && def.type !== "date") {
          throw appError("INVALID_ARGUMENT", `${def.label}: only numbers and dates compare as more or less.`, { field: "conditions" });
        }
        if (c.op === "contains") {
          if (def.type !== "text" || typeof c.value !== "string" || c.value.length > FIELD_LIMITS.textLength) {
            throw appError("INVALID_ARGUMENT", `${def.label}: "contains" is for text fields.`, { field: "conditions" });
          }
          out.push(c);
          break;
        }
        const checked = checkFieldValue(def, c.value);
        if (!checked.ok) throw appError("INVALID_FIELD_VALUE", checked.message, { field: c.key });
        out.push({ ...c, value: checked.value });
        break;
      }
      case "lastMessage":
        if (c.op !== "never" && (c.at === undefined) === (c.daysAgo === undefined)) {
          throw appError("INVALID_ARGUMENT", "Give a date or a number of days ago.", { field: "conditions" });
        }
        if (c.daysAgo !== undefined && !(c.daysAgo >= 0 && c.daysAgo <= 3660)) {
          throw appError("INVALID_ARGUMENT", "Days ago is between 0 and 3,660.", { field: "conditions" });
        }
        out.push(c);
        break;
      case "import":
        await getOwned({ db: ctx.db, userId }, "imports", c.importId);
        out.push(c);
        break;
      default:
        out.push(c);
    }
  }
  return out;
}

function compare(value: FieldValue | undefined, op: Extract<Condition, { kind: "field" }>["op"], wanted: FieldValue | undefined): boolean {
  switch (op) {
    case "isSet":
      return value !== undefined;
    case "isEmpty":
      return value === undefined;
    case "is":
      return typeof value === "string" && typeof wanted === "string" ? value.toLowerCase() === wanted.toLowerCase() : value === wanted;
    case "isNot":
      return !(typeof value === "string" && typeof wanted === "string" ? value.toLowerCase() === wanted.toLowerCase() : value === wanted);
    case "contains":
      return typeof value === "string" && typeof wanted === "string" && value.toLowerCase().includes(wanted.toLowerCase());
    case "gt":
      return value !== undefined && wanted !== undefined && typeof value === typeof wanted && value > wanted;
    case "lt":
      return value !== undefined && wanted !== undefined && typeof value === typeof wanted && value < wanted;
  }
}

/** Whether one contact meets every condition (`now` for "days ago"). */
export function matches(contact: Doc<"contacts">, conditions: readonly Condition[], now: number): boolean {
  return conditions.every((c) => {
    switch (c.kind) {
      case "tag": {
        const has = (contact.tags ?? []).some((t) => tagKey(t) === tagKey(c.tag));
        return has === c.has;
      }
      case "field":
        return compare(contact.fields?.[c.key], c.op, c.value);
      case "reachable": {
        const address = c.channel === "email" ? contact.email : contact.phone;
        return Boolean(address) && !contact.optedOut[c.channel];
      }
      case "optedOut":
        return contact.optedOut[c.channel] === c.optedOut;
      case "lastMessage": {
        const at = c.direction === "inbound" ? contact.lastReceivedAt : contact.lastSentAt;
        if (c.op === "never") return at === undefined;
        const bound = c.at ?? now - (c.daysAgo ?? 0) * DAY_MS;
        return at !== undefined && (c.op === "before" ? at < bound : at >= bound);
      }
      case "repliedToBroadcast":
        return (contact.repliedToBroadcastAt !== undefined) === c.replied;
      case "import":
        return contact.importId === c.importId;
    }
  });
}

export type SegmentPage = {
  contacts: Doc<"contacts">[];
  scanned: number;
  continueCursor: string;
  isDone: boolean;
  /** Convex's page-splitting hints, passed through so reactive pages stay bounded. */
  splitCursor?: string | null;
  pageStatus?: "SplitRecommended" | "SplitRequired" | null;
};

/**
 * One page of the segment: `numItems` contacts of the narrowest index are read and those that
 * match are returned (so a page can hold fewer, or none, while more pages follow).
 */
export async function segmentPage(
  ctx: Ctx,
  userId: Id<"users">,
  conditions: readonly Condition[],
  paginationOpts: PaginationOptions,
  now: number,
): Promise<SegmentPage> {
  const tag = conditions.find((c): c is Extract<Condition, { kind: "tag" }> => c.kind === "tag" && c.has);
  const fromImport = conditions.find((c): c is Extract<Condition, { kind: "import" }> => c.kind === "import");
  let candidates: Array<Doc<"contacts"> | null>;
  let page: Omit<SegmentPage, "contacts" | "scanned"> & { length: number };
  if (tag) {
    const result = await ctx.db
      .query("contactTags")
      .withIndex("by_user_and_tagKey_and_contactId", (q) => q.eq("userId", userId).eq("tagKey", tagKey(tag.tag)))
      .paginate(paginationOpts);
    candidates = await Promise.all(result.page.map((t) => ctx.db.get("contacts", t.contactId)));
    page = { continueCursor: result.continueCursor, isDone: result.isDone, splitCursor: result.splitCursor, pageStatus: result.pageStatus, length: result.page.length };
  } else if (fromImport) {
    const result = await ctx.db
      .query("contacts")
      .withIndex("by_importId", (q) => q.eq("importId", fromImport.importId))
      .paginate(paginationOpts);
    candidates = result.page.filter((c) => c.userId === userId);
    page = { continueCursor: result.continueCursor, isDone: result.isDone, splitCursor: result.splitCursor, pageStatus: result.pageStatus, length: result.page.length };
  } else {
    const result = await ctx.db
      .query("contacts")
      .withIndex("by_user_and_sortName", (q) => q.eq("userId", userId))
      .paginate(paginationOpts);
    candidates = result.page;
    page = { continueCursor: result.continueCursor, isDone: result.isDone, splitCursor: result.splitCursor, pageStatus: result.pageStatus, length: result.page.length };
  }
  return {
    contacts: candidates.filter((c): c is Doc<"contacts"> => c !== null && matches(c, conditions, now)),
    scanned: page.length,
    continueCursor: page.continueCursor,
    isDone: page.isDone,
    ...(page.splitCursor !== undefined ? { splitCursor: page.splitCursor } : {}),
    ...(page.pageStatus !== undefined ? { pageStatus: page.pageStatus } : {}),
  };
}
