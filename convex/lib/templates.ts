/**
 * Saved message templates: the rules of a template's name, channel and text (merge fields must
 * exist when it is saved), and the writes, shared by the app and the REST API. Every change is
 * in the audit log.
 */
import { TEMPLATE_LIMITS, variablesOf } from "../../lib/templates";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import type { Actor, Channel } from "../schema";
import { recordAudit } from "./audit";
import { appError } from "./errors";
import { CONTENT_LIMITS } from "./outbound";
import { assertKnownVariables, loadMergeContext } from "./personalize";

type Ctx = Pick<MutationCtx, "db">;

export type TemplateInput = {
  name: string;
  /** null: any channel. */
  channel: Channel | null;
  content: string;
  subject?: string;
};

function sortName(name: string): string {
  return name.toLowerCase();
}

async function clean(ctx: Ctx, userId: Id<"users">, input: TemplateInput) {
  const name = input.name.trim().replace(/\s+/g, " ");
  if (name === "" || name.length > TEMPLATE_LIMITS.nameLength) {
    throw appError("INVALID_ARGUMENT", `Template names must be 1–${TEMPLATE_LIMITS.nameLength} characters.`, { field: "name" });
  }
  if (input.content.trim() === "") throw appError("CONTENT_INVALID", "The template is empty.", { field: "content" });
  const max = input.channel === "sms" || input.channel === "whatsapp" ? CONTENT_LIMITS.textMax : CONTENT_LIMITS.emailMax;
  if (input.content.length > max) {
    throw appError("CONTENT_INVALID", `This template is at most ${max} characters.`, { field: "content" });
  }
  const canHaveSubject = input.channel === null || input.channel === "email";
  const subject = canHaveSubject ? input.subject?.trim() || undefined : undefined;
  if (input.subject?.trim() && !canHaveSubject) {
    throw appError("INVALID_ARGUMENT", "Only email templates have a subject.", { field: "subject" });
  }
  if (input.channel === "email" && !subject) throw appError("SUBJECT_REQUIRED");
  if (subject && subject.length > CONTENT_LIMITS.subjectMax) {
    throw appError("CONTENT_INVALID", `Subjects are at most ${CONTENT_LIMITS.subjectMax} characters.`, { field: "subject" });
  }
  // Unknown merge fields are refused now, not discovered when a campaign goes out.
  assertKnownVariables(await loadMergeContext(ctx, userId), input.content, subject);
  return {
    name,
    sortName: sortName(name),
    channel: input.channel ?? undefined,
    content: input.content,
    subject,
    variables: variablesOf(subject, input.content),
    searchText: `${name} ${input.content}`.slice(0, 4000),
    updatedAt: Date.now(),
  };
}

async function assertNameFree(ctx: Ctx, userId: Id<"users">, name: string, except?: Id<"templates">) {
  const same = await ctx.db
    .query("templates")
    .withIndex("by_user_and_sortName", (q) => q.eq("userId", userId).eq("sortName", sortName(name)))
    .first();
  if (same && same._id !== except) throw appError("DUPLICATE_NAME", `A template named "${same.name}" already exists.`, { field: "name" });
}

export async function createTemplate(ctx: Ctx, userId: Id<"users">, actor: Actor, input: TemplateInput): Promise<Id<"templates">> {
  const fields = await clean(ctx, userId, input);
  await assertNameFree(ctx, userId, fields.name);
  const existing = await ctx.db
    .query("templates")
    .withIndex("by_user_and_sortName", (q) => q.eq("userId", userId))
    .take(TEMPLATE_LIMITS.perAccount);
  if (existing.length >= TEMPLATE_LIMITS.perAccount) {
    throw appError("LIMIT_EXCEEDED", `An account has at most ${TEMPLATE_LIMITS.perAccount} templates.`);
  }
  const id = await ctx.db.insert("templates", { userId, ...fields });
  await recordAudit(ctx, {
    userId,
    actor,
    action: "template.create",
    target: { table: "templates", id },
    details: { name: fields.name, channel: fields.channel ?? "any" },
  });
  return id;
}

export async function updateTemplate(
  ctx: Ctx,
  userId: Id<"users">,
  actor: Actor,
  template: Doc<"templates">,
  patch: Partial<TemplateInput>,
): Promise<void> {
  const fields = await clean(ctx, userId, {
    name: patch.name ?? template.name,
    channel: patch.channel === undefined ? (template.channel ?? null) : patch.channel,
    content: patch.content ?? template.content,
    subject: patch.subject ?? template.subject,
  });
  if (fields.sortName !== template.sortName) await assertNameFree(ctx, userId, fields.name, template._id);
  await ctx.db.replace("templates", template._id, { userId, ...fields });
  const changed = (["name", "channel", "content", "subject"] as const).filter((k) => fields[k] !== template[k]);
  await recordAudit(ctx, {
    userId,
    actor,
    action: "template.update",
    target: { table: "templates", id: template._id },
    details: { name: fields.name, changed: changed.join(",") },
  });
}

export async function removeTemplate(ctx: Ctx, userId: Id<"users">, actor: Actor, template: Doc<"templates">): Promise<void> {
  await ctx.db.delete("templates", template._id);
  await recordAudit(ctx, {
    userId,
    actor,
    action: "template.remove",
    target: { table: "templates", id: template._id },
    details: { name: template.name },
  });
}

/** The account's templates by name, or those matching a search, usable on `channel` when given. */
export async function listTemplates(
  ctx: Pick<QueryCtx, "db">,
  userId: Id<"users">,
  opts: { search?: string; channel?: Channel; limit: number },
): Promise<Doc<"templates">[]> {
  const search = opts.search?.trim();
  const found = search
    ? await ctx.db
        .query("templates")
        .withSearchIndex("search_text", (q) => q.search("searchText", search).eq("userId", userId))
        .take(opts.limit * 2)
    : await ctx.db
        .query("templates")
        .withIndex("by_user_and_sortName", (q) => q.eq("userId", userId))
        .take(TEMPLATE_LIMITS.perAccount);
  return found.filter((t) => !opts.channel || t.channel === undefined || t.channel === opts.channel).slice(0, opts.limit);
}
