/**
 * The composer's draft: checked before sending with the backend's own limits, so mistakes show
 * on their field at once, and the backend's refusals mapped back onto the same fields.
 */
import { appErrorOf, errorDetail } from "./app-error";
import { attachmentProblem, type FileFacts } from "./attachments";
import type { ChannelState } from "./channelAvailability";
import { formatDateTime, type DateFormatOptions } from "./format";
import { CONTENT_LIMITS, isHttpsUrl, MAX_SCHEDULE_AHEAD_MS, type Channel } from "./outboundRules";

export type Draft = {
  channel: Channel;
  content: string;
  subject: string;
  /** One https link, or empty. */
  mediaUrl: string;
  /** When to send (ms), or null for now. */
  scheduledAt: number | null;
  /** Files uploaded to storage (convex/attachments.ts). */
  attachments?: ReadonlyArray<FileFacts & { storageId: string }>;
};

export type DraftField = "content" | "subject" | "mediaUrl" | "scheduledAt" | "attachments";
/** Errors by field; `form` is for the whole message (e.g. the channel cannot be used). */
export type DraftErrors = Partial<Record<DraftField | "form", string>>;

export function hasErrors(errors: DraftErrors): boolean {
  return Object.values(errors).some(Boolean);
}

export function validateDraft(draft: Draft, state: ChannelState, now: number, dates: DateFormatOptions = {}): DraftErrors {
  const errors: DraftErrors = {};
  if (!state.available) errors.form = state.reason;

  const email = draft.channel === "email";
  const media = draft.mediaUrl.trim();
  const files = draft.attachments ?? [];
  const max = email ? CONTENT_LIMITS.emailMax : CONTENT_LIMITS.textMax;
  if (draft.content.trim() === "" && (email || (media === "" && files.length === 0))) {
    errors.content = email ? "Write the email." : "Write a message, attach a file or add a media link.";
  } else if (draft.content.length > max) {
    errors.content = `${email ? "Emails" : "Messages"} are at most ${max.toLocaleString("en-US")} characters; this one has ${draft.content.length.toLocaleString("en-US")}.`;
  }

  if (email) {
    const subject = draft.subject.trim();
    if (subject === "") errors.subject = "Emails need a subject.";
    else if (subject.length > CONTENT_LIMITS.subjectMax) errors.subject = `Subjects are at most ${CONTENT_LIMITS.subjectMax} characters.`;
  }

  if (media !== "" && (!isHttpsUrl(media) || media.length > CONTENT_LIMITS.urlMax)) {
    errors.mediaUrl = "Media must be an https:// link.";
  }

  const fileProblem = attachmentProblem(draft.channel, files);
  if (fileProblem) errors.attachments = fileProblem;

  if (draft.scheduledAt !== null) {
    if (!Number.isFinite(draft.scheduledAt) || draft.scheduledAt <= now) {
      errors.scheduledAt = "Pick a time in the future.";
    } else if (draft.scheduledAt > now + MAX_SCHEDULE_AHEAD_MS) {
      errors.scheduledAt = "Messages can be scheduled at most a year ahead.";
    } else if (state.available && state.windowEndsAt !== undefined && draft.scheduledAt >= state.windowEndsAt) {
      errors.scheduledAt = `The WhatsApp window closes ${formatDateTime(state.windowEndsAt, dates)}: pick an earlier time.`;
    }
  }
  return errors;
}

/** The send mutation's arguments for a valid draft. */
export function sendArgsOf(draft: Draft) {
  const media = draft.mediaUrl.trim();
  return {
    channel: draft.channel,
    content: draft.content,
    ...(draft.channel === "email" ? { subject: draft.subject.trim() } : {}),
    ...(media ? { mediaUrls: [media] } : {}),
    ...(draft.attachments?.length ? { attachments: draft.attachments.map((a) => a.storageId) } : {}),
    ...(draft.scheduledAt !== null ? { scheduledAt: draft.scheduledAt } : {}),
  };
}

/** Put a refusal from the backend on its field; null for errors the composer does not own (toast them). */
export function draftErrorsFromServer(error: unknown): DraftErrors | null {
  const data = appErrorOf(error);
  if (!data) return null;
  switch (data.code) {
    case "CONTENT_INVALID":
      return errorDetail(data, "field") === "subject" ? { subject: data.message } : { content: data.message };
    case "SUBJECT_REQUIRED":
      return { subject: data.message };
    case "MEDIA_URL_INVALID":
      return { mediaUrl: data.message };
    case "ATTACHMENT_INVALID":
      return { attachments: data.message };
    case "SCHEDULE_IN_PAST":
      return { scheduledAt: data.message };
    case "INVALID_ARGUMENT":
      return errorDetail(data, "field") === "scheduledAt" ? { scheduledAt: data.message } : { form: data.message };
    case "NO_ADDRESS":
    case "OPTED_OUT":
    case "WHATSAPP_WINDOW_CLOSED":
    case "NO_SENDER":
      return { form: data.message };
    default:
      return null;
  }
}
