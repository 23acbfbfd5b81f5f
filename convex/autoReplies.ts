/** Automatic replies as the signed-in user manages them (after hours, keywords); the engine is convex/lib/autoReplies.ts. */
import { v } from "convex/values";
import { getOwned, internalMutation, userMutation, userQuery } from "./functions";
import { recordAudit } from "./lib/audit";
import { respondTo } from "./lib/autoReplies";
import { appError } from "./lib/errors";
import { cleanOutbound } from "./lib/outbound";
import { vChannel } from "./schema";

const MAX_RULES = 50;
const vKind = v.union(v.literal("afterHours"), v.literal("keyword"));
const vMatch = v.union(v.literal("exact"), v.literal("contains"));
const vRule = v.object({
  id: v.id("autoReplies"),
  kind: vKind,
  keyword: v.union(v.string(), v.null()),
  match: v.union(vMatch, v.null()),
  channels: v.array(vChannel),
  content: v.string(),
  subject: v.union(v.string(), v.null()),
  cooldownMinutes: v.number(),
  enabled: v.boolean(),
});
const vFields = {
  kind: vKind,
  keyword: v.optional(v.string()),
  match: v.optional(vMatch),
  channels: v.array(vChannel),
  content: v.string(),
  subject: v.optional(v.string()),
  cooldownMinutes: v.number(),
  enabled: v.boolean(),
};

type Fields = { kind: "afterHours" | "keyword"; keyword?: string; match?: "exact" | "contains"; channels: Array<"sms" | "whatsapp" | "email">; content: string; subject?: string; cooldownMinutes: number; enabled: boolean };

function clean(f: Fields) {
  const keyword = f.keyword?.trim();
  if (f.kind === "keyword" && (!keyword || keyword.length > 50)) throw appError("INVALID_ARGUMENT", "A keyword rule needs a keyword of 1–50 characters.", { field: "keyword" });
  if (f.channels.length === 0) throw appError("INVALID_ARGUMENT", "Choose at least one channel.", { field: "channels" });
  if (!Number.isInteger(f.cooldownMinutes) || f.cooldownMinutes < 1 || f.cooldownMinutes > 43_200) {
    throw appError("INVALID_ARGUMENT", "The cooldown is 1 minute to 30 days.", { field: "cooldownMinutes" });
  }
  // The text must suit every channel it answers on (an email needs no subject here: "Re: …" is used).
  for (const channel of new Set(f.channels)) cleanOutbound(channel, { content: f.content, subject: f.subject ?? "Re" });
  return {
    kind: f.kind,
    ...(f.kind === "keyword" ? { keyword, match: f.match ?? "exact" } : {}),
    channels: [...new Set(f.channels)],
    content: f.content,
    ...(f.subject?.trim() ? { subject: f.subject.trim() } : {}),
    cooldownMinutes: f.cooldownMinutes,
    enabled: f.enabled,
  };
}

export const list = userQuery({
  args: {},
  returns: v.array(vRule),
  handler: async (ctx) =>
    (await ctx.db.query("autoReplies").withIndex("by_user", (q) => q.eq("userId", ctx.userId)).take(MAX_RULES)).map((r) => ({
      id: r._id,
      kind: r.kind,
      keyword: r.keyword ?? null,
      match: r.match ?? null,
      channels: r.channels,
      content: r.content,
      subject: r.subject ?? null,
      cooldownMinutes: r.cooldownMinutes,
      enabled: r.enabled,
    })),
});

export const create = userMutation({
  args: vFields,
  returns: v.id("autoReplies"),
  handler: async (ctx, fields) => {
    const existing = await ctx.db.query("autoReplies").withIndex("by_user", (q) => q.eq("userId", ctx.userId)).take(MAX_RULES);
    if (existing.length >= MAX_RULES) throw appError("LIMIT_EXCEEDED", `At most ${MAX_RULES} automatic replies.`);
    const id = await ctx.db.insert("autoReplies", { userId: ctx.userId, ...clean(fields) });
    await recordAudit(ctx, { userId: ctx.userId, actor: ctx.actor, action: "autoReply.create", target: { table: "autoReplies", id } });
    return id;
  },
});

export const update = userMutation({
  args: { ruleId: v.id("autoReplies"), ...vFields },
  returns: v.null(),
  handler: async (ctx, { ruleId, ...fields }) => {
    await getOwned(ctx, "autoReplies", ruleId);
    await ctx.db.replace("autoReplies", ruleId, { userId: ctx.userId, ...clean(fields) });
    await recordAudit(ctx, { userId: ctx.userId, actor: ctx.actor, action: "autoReply.update", target: { table: "autoReplies", id: ruleId } });
    return null;
  },
});

export const remove = userMutation({
  args: { ruleId: v.id("autoReplies") },
  returns: v.null(),
  handler: async (ctx, { ruleId }) => {
    await getOwned(ctx, "autoReplies", ruleId);
    await ctx.db.delete("autoReplies", ruleId);
    await recordAudit(ctx, { userId: ctx.userId, actor: ctx.actor, action: "autoReply.remove", target: { table: "autoReplies", id: ruleId } });
    return null;
  },
});

/** Scheduled by every stored inbound message (convex/lib/inbound.ts). */
export const respond = internalMutation({
  args: { messageId: v.id("messages") },
  returns: v.null(),
  handler: async (ctx, { messageId }) => {
    const m = await ctx.db.get("messages", messageId);
    if (m) await respondTo(ctx, m);
    return null;
  },
});
