/**
 * Rules for outbound messages, checked when a message is written and again when it
 * is dispatched: content limits, the contact's address and opt-out, WhatsApp's
 * 24-hour window, and which sender identity sends it.
 */
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx } from "../_generated/server";
import type { Actor, Channel } from "../schema";
import { appError } from "./errors";
import { SendPolicy, throwRefusal, type QuietHoursMode } from "./sendPolicy";

// The rules themselves live in lib/, shared with the composer that explains them.
import { addressFor, CONTENT_LIMITS, MAX_SCHEDULE_AHEAD_MS, recipientProblem, type RecipientProblem } from "../../lib/outboundRules";

export { addressFor, CONTENT_LIMITS, MAX_SCHEDULE_AHEAD_MS, recipientProblem, type RecipientProblem };
export { WHATSAPP_WINDOW_MS } from "../../lib/outboundRules";

export type OutboundContent = {
  content: string;
  subject?: string;
  mediaUrls?: string[];
  /** Files from storage come with it (checked by convex/lib/attachments.ts): a text-less SMS may carry them. */
  hasAttachments?: boolean;
};

/** Validate what a message says; returns it trimmed where trimming is safe. */
export function cleanOutbound(channel: Channel, input: OutboundContent): OutboundContent {
  const max = channel === "email" ? CONTENT_LIMITS.emailMax : CONTENT_LIMITS.textMax;
  const mediaUrls = input.mediaUrls?.map((u) => u.trim()).filter((u) => u !== "");
  if (mediaUrls && mediaUrls.length > CONTENT_LIMITS.mediaMax) {
    throw appError("MEDIA_URL_INVALID", `At most ${CONTENT_LIMITS.mediaMax} media URLs per message.`);
  }
  for (const url of mediaUrls ?? []) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (!parsed || parsed.protocol !== "https:" || url.length > CONTENT_LIMITS.urlMax) {
      throw appError("MEDIA_URL_INVALID", `Media URLs must be https links: "${url.slice(0, 80)}" is not.`);
    }
  }
  const hasText = input.content.trim().length > 0;
  if (!hasText && !(channel !== "email" && (mediaUrls?.length || input.hasAttachments))) {
    throw appError("CONTENT_INVALID", "The message is empty.", { field: "content" });
  }
  if (input.content.length > max) {
    throw appError("CONTENT_INVALID", `${channel === "email" ? "Emails" : "Messages"} are at most ${max} characters.`, {
      field: "content",
    });
  }
  let subject: string | undefined;
  if (channel === "email") {
    subject = input.subject?.trim() ?? "";
    if (subject === "") throw appError("SUBJECT_REQUIRED");
    if (subject.length > CONTENT_LIMITS.subjectMax) {
      throw appError("CONTENT_INVALID", `Subjects are at most ${CONTENT_LIMITS.subjectMax} characters.`, {
        field: "subject",
      });
    }
  }
  return {
    content: input.content,
    ...(subject ? { subject } : {}),
    ...(mediaUrls?.length ? { mediaUrls } : {}),
  };
}

// Who may receive what is the send policy's (./sendPolicy.ts); these stay importable from here.
export { defaultSender } from "./senders";
export { RECIPIENT_MESSAGES } from "./sendPolicy";

export function checkScheduledAt(scheduledAt: number, now: number): void {
  if (!Number.isFinite(scheduledAt) || scheduledAt <= now) throw appError("SCHEDULE_IN_PAST");
  if (scheduledAt > now + MAX_SCHEDULE_AHEAD_MS) {
    throw appError("INVALID_ARGUMENT", "Messages can be scheduled at most a year ahead.", { field: "scheduledAt" });
  }
}

export type OutboundRequest = OutboundContent & {
  channel: Channel;
  scheduledAt?: number;
  /** An approved WhatsApp template: allowed outside the 24-hour window. */
  approvedTemplate?: boolean;
  /** Quiet hours: `ask` (a send now from the composer), `hold` (the default for scheduled sends), `ignore` (confirmed, transactional). */
  quietHours?: QuietHoursMode;
};

/**
 * A stored message as a request to check again (retry, reschedule): its attachments' storage
 * URLs (the last entries of mediaUrls) are files, not typed links to check as such.
 */
export function requestOf(message: Doc<"messages">): OutboundRequest {
  const files = message.attachments?.length ?? 0;
  const links = (message.mediaUrls ?? []).slice(0, (message.mediaUrls?.length ?? 0) - files);
  return {
    channel: message.channel,
    content: message.content,
    ...(message.subject ? { subject: message.subject } : {}),
    ...(links.length ? { mediaUrls: links } : {}),
    hasAttachments: files > 0,
  };
}

/**
 * Validate an outbound message for `contact` before it is written: its content, its time, and the
 * send policy at the time it would go out (checked again when it is dispatched). A send that quiet
 * hours hold comes back with `heldUntil`, the next allowed time.
 */
export async function validateOutbound(
  ctx: Pick<MutationCtx, "db">,
  userId: Id<"users">,
  contact: Doc<"contacts">,
  request: OutboundRequest,
  now: number,
) {
  const content = cleanOutbound(request.channel, request);
  if (request.scheduledAt !== undefined) checkScheduledAt(request.scheduledAt, now);
  const decision = await new SendPolicy(ctx, userId).check({
    contact,
    channel: request.channel,
    // WhatsApp's window must be open when it goes out (it only closes, so then it is open now too).
    at: request.scheduledAt ?? now,
    quietHours: request.quietHours ?? (request.scheduledAt !== undefined ? "hold" : "ask"),
    ...(request.approvedTemplate ? { approvedTemplate: true } : {}),
  });
  if (decision.decision === "refuse") throwRefusal(decision);
  return {
    content,
    to: decision.to,
    sender: decision.sender,
    ...(decision.decision === "hold" ? { heldUntil: decision.until } : {}),
  };
}

export type OutboundSource = Actor;
