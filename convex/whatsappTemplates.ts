/**
 * WhatsApp templates synced from Twilio's Content API (convex/whatsappTemplateSync.ts), per
 * account: listed with their approval status, and each placeholder mapped to a merge field so
 * ContentVariables are filled from the contact when one is sent.
 */
import { v } from "convex/values";
import { doc } from "convex-helpers/validators";
import { guessMapping, mergeTokens } from "../lib/templates";
import { getOwned, internalMutation, userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { appError } from "./lib/errors";
import { assertKnownVariables, loadMergeContext } from "./lib/personalize";
import schema from "./schema";

const vWhatsAppTemplate = doc(schema, "whatsappTemplates");
/** Kept per account (Twilio's Content sync takes at most this many). */
const MAX_TEMPLATES = 1000;

/** The account's WhatsApp templates by name; `approvedOnly` for the composer. */
export const list = userQuery({
  args: { approvedOnly: v.optional(v.boolean()) },
  returns: v.array(vWhatsAppTemplate),
  handler: async (ctx, { approvedOnly }) => {
    const all = await ctx.db
      .query("whatsappTemplates")
      .withIndex("by_user_and_name", (q) => q.eq("userId", ctx.userId))
      .take(MAX_TEMPLATES);
    return approvedOnly ? all.filter((t) => t.status === "approved") : all;
  },
});

/**
 * Which merge field fills each placeholder: an expression like "firstName" or "firstName|there"
 * (a fallback, as in `{{firstName|there}}`). An empty mapping blocks sending the template.
 */
export const setMapping = userMutation({
  args: { templateId: v.id("whatsappTemplates"), mapping: v.array(v.object({ key: v.string(), mapping: v.string() })) },
  returns: v.null(),
  handler: async (ctx, { templateId, mapping }) => {
    const t = await getOwned(ctx, "whatsappTemplates", templateId);
    const byKey = new Map(mapping.map((m) => [m.key, m.mapping.trim()]));
    for (const key of byKey.keys()) {
      if (!t.placeholders.some((p) => p.key === key)) throw appError("INVALID_ARGUMENT", `The template has no placeholder {{${key}}}.`, { field: key });
    }
    const mc = await loadMergeContext(ctx, ctx.userId);
    for (const [key, expression] of byKey) {
      if (expression === "") continue;
      const token = `{{${expression}}}`;
      if (mergeTokens(token).length !== 1 || mergeTokens(token)[0].raw !== token) {
        throw appError("INVALID_ARGUMENT", `{{${key}}}: "${expression.slice(0, 60)}" is not a merge field (e.g. firstName or firstName|there).`, { field: key });
      }
      assertKnownVariables(mc, token);
    }
    const placeholders = t.placeholders.map((p) => ({ ...p, mapping: byKey.get(p.key) ?? p.mapping }));
    await ctx.db.patch("whatsappTemplates", templateId, { placeholders });
    await recordAudit(ctx, {
      userId: ctx.userId,
      actor: ctx.actor,
      action: "whatsappTemplate.map",
      target: { table: "whatsappTemplates", id: templateId },
      details: { name: t.name, mapping: placeholders.map((p) => `${p.key}=${p.mapping}`).join(" ") },
    });
    return null;
  },
});

const vSynced = v.object({
  contentSid: v.string(),
  name: v.string(),
  language: v.string(),
  body: v.string(),
  samples: v.array(v.object({ key: v.string(), sample: v.string() })),
  status: v.string(),
  category: v.optional(v.string()),
  rejectionReason: v.optional(v.string()),
});

/**
 * Store what Twilio listed: new templates get a guessed mapping from Twilio's sample values,
 * known ones keep theirs (status and text refreshed), ones Twilio no longer lists are removed.
 */
export const store = internalMutation({
  args: { userId: v.id("users"), templates: v.array(vSynced), source: v.union(v.literal("twilio"), v.literal("simulator")) },
  returns: v.object({ added: v.number(), updated: v.number(), removed: v.number() }),
  handler: async (ctx, { userId, templates, source }) => {
    const now = Date.now();
    const existing = await ctx.db
      .query("whatsappTemplates")
      .withIndex("by_user_and_contentSid", (q) => q.eq("userId", userId))
      .take(MAX_TEMPLATES);
    const bySid = new Map(existing.map((t) => [t.contentSid, t]));
    const mc = await loadMergeContext(ctx, userId);
    let added = 0;
    let updated = 0;
    const seen = new Set<string>();
    for (const t of templates.slice(0, MAX_TEMPLATES)) {
      seen.add(t.contentSid);
      const old = bySid.get(t.contentSid);
      const placeholders = t.samples.map(({ key, sample }) => ({
        key,
        sample,
        mapping: old?.placeholders.find((p) => p.key === key)?.mapping ?? guessMapping(sample, mc.customKeys),
      }));
      const fields = {
        name: t.name,
        language: t.language,
        body: t.body,
        placeholders,
        status: t.status,
        category: t.category,
        rejectionReason: t.rejectionReason,
        syncedAt: now,
      };
      if (old) {
        await ctx.db.patch("whatsappTemplates", old._id, fields);
        updated++;
      } else {
        await ctx.db.insert("whatsappTemplates", { userId, contentSid: t.contentSid, ...fields });
        added++;
      }
    }
    let removed = 0;
    for (const old of existing) {
      if (!seen.has(old.contentSid)) {
        await ctx.db.delete("whatsappTemplates", old._id);
        removed++;
      }
    }
    await recordAudit(ctx, {
      userId,
      actor: { kind: "user", id: userId },
      action: "whatsappTemplate.sync",
      details: { source, added, updated, removed },
    });
    return { added, updated, removed };
  },
});
