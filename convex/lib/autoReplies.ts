/**
 * Automatic replies to an inbound message: a keyword rule (the exact word, or text it contains,
 * per channel) or, outside business hours, the after-hours rule. Never to short codes, sender IDs
 * or automated senders (no-reply addresses, out-of-office answers), never to STOP/HELP/START,
 * never to anyone the send policy refuses (opted out, no WhatsApp window), at most once per
 * contact and rule per cooldown, and never in answer to what looks like an answer to one of ours
 * (a message arriving right after our automatic one): two autoresponders cannot loop. Every
 * automatic message is marked as such (`automatic`).
 */
import { isWithin } from "../../lib/weeklyHours";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";
import type { Channel } from "../schema";
import { createOutbound } from "./send";
import { keywordOf } from "./optOut";
import { SendPolicy } from "./sendPolicy";

/** An inbound message this soon after our automatic one to the contact is taken for a machine's answer. */
export const LOOP_WINDOW_MS = 2 * 60_000;

const AUTOMATED_ADDRESS = /^(no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?|auto-?reply|notifications?)([+.@-]|$)/i;
const AUTOMATED_TEXT = /^\s*(auto(matic)?[ -]?(reply|response)|out of (the )?office|autosvar|abwesenheitsnotiz|r[ée]ponse automatique)\b/i;

/** Why nobody should answer this message automatically, or null. */
export function automatedSender(m: Pick<Doc<"messages">, "channel" | "from" | "content" | "subject">, contact: Doc<"contacts">): string | null {
  if (contact.shortSender) return "short code or sender ID";
  if (m.channel === "email" && m.from && AUTOMATED_ADDRESS.test(m.from)) return "automated address";
  if (AUTOMATED_TEXT.test(m.subject ?? "") || AUTOMATED_TEXT.test(m.content)) return "automatic reply";
  if (m.channel !== "email" && keywordOf(m.content) !== null) return "keyword (STOP, START, HELP)";
  return null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function keywordMatches(rule: Pick<Doc<"autoReplies">, "keyword" | "match">, text: string): boolean {
  const keyword = rule.keyword?.trim().toLowerCase();
  if (!keyword) return false;
  const body = text.toLowerCase();
  if (rule.match === "contains") return body.includes(keyword);
  // The exact word: bounded by anything that is not a letter or digit.
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(keyword)}($|[^\\p{L}\\p{N}])`, "u").test(body);
}

async function lastAutomaticAt(ctx: Pick<MutationCtx, "db">, contactId: Id<"contacts">): Promise<number> {
  const rows = await ctx.db
    .query("autoReplyCooldowns")
    .withIndex("by_contact_and_rule", (q) => q.eq("contactId", contactId))
    .take(50);
  return Math.max(0, ...rows.map((r) => r.lastAt));
}

export type AutoReplyOutcome = { replied: Id<"messages"> } | { skipped: string };

/** The user's enabled rules for a channel (at most 50 rules exist per user). */
export async function enabledRules(ctx: Pick<QueryCtx, "db">, userId: Id<"users">, channel: Channel): Promise<Array<Doc<"autoReplies">>> {
  const rules = await ctx.db
    .query("autoReplies")
    .withIndex("by_user", (q) => q.eq("userId", userId))
    .take(50);
  return rules.filter((r) => r.enabled && r.channels.includes(channel));
}

/** Decide and send the automatic reply to inbound message `m`, if any. */
export async function respondTo(ctx: MutationCtx, m: Doc<"messages">): Promise<AutoReplyOutcome> {
  if (m.direction !== "inbound") return { skipped: "not inbound" };
  const contact = await ctx.db.get("contacts", m.contactId);
  if (!contact) return { skipped: "contact removed" };
  const automated = automatedSender(m, contact);
  if (automated) return { skipped: automated };

  const rules = await enabledRules(ctx, m.userId, m.channel);
  if (rules.length === 0) return { skipped: "no rule" };
  const policy = new SendPolicy(ctx, m.userId);
  const settings = await policy.schedulingSettings();
  const keyword = rules.find((r) => r.kind === "keyword" && keywordMatches(r, `${m.subject ?? ""} ${m.content}`));
  const afterHours =
    settings.businessHours.periods.length > 0 && !isWithin(settings.businessHours, m.at, settings.timeZone)
      ? rules.find((r) => r.kind === "afterHours")
      : undefined;
  const rule = keyword ?? afterHours;
  if (!rule) return { skipped: "no rule matches" };

  const now = Date.now();
  if (m.at - (await lastAutomaticAt(ctx, contact._id)) < LOOP_WINDOW_MS) return { skipped: "answer to an automatic reply" };
  const cooldown = await ctx.db
    .query("autoReplyCooldowns")
    .withIndex("by_contact_and_rule", (q) => q.eq("contactId", contact._id).eq("ruleId", rule._id))
    .unique();
  if (cooldown && now - cooldown.lastAt < rule.cooldownMinutes * 60_000) return { skipped: "cooldown" };

  // An answer to someone who just wrote: quiet hours do not hold it; every other rule applies.
  const d = await policy.check({ contact, channel: m.channel, at: now, quietHours: "ignore" });
  if (d.decision !== "send") return { skipped: d.decision === "refuse" ? d.code : "held" };
  const subject = m.channel === "email" ? (rule.subject ?? (m.subject ? `Re: ${m.subject.replace(/^re:\s*/i, "")}` : "Re: your message")) : undefined;
  const id = await createOutbound(ctx, {
    userId: m.userId,
    contactId: contact._id,
    channel: m.channel,
    content: rule.content,
    ...(subject ? { subject } : {}),
    to: d.to,
    sender: d.sender,
    automatic: { kind: rule.kind, ruleId: rule._id },
    ignoreQuietHours: true,
    source: { kind: "system", id: `auto-reply:${rule._id}` },
  });
  if (cooldown) await ctx.db.patch("autoReplyCooldowns", cooldown._id, { lastAt: now });
  else await ctx.db.insert("autoReplyCooldowns", { userId: m.userId, contactId: contact._id, ruleId: rule._id, lastAt: now });
  return { replied: id };
}
