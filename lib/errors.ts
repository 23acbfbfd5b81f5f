/**
 * Error codes shared by the Convex functions, the HTTP API and the UI.
 * Functions throw `ConvexError<AppErrorData>`; the UI maps `code` to a message.
 */
import { MIN_PASSWORD_LENGTH } from "./password";

export const ERROR_CODES = {
  UNAUTHENTICATED: "Please sign in to continue.",
  NOT_FOUND: "That item does not exist.",
  INVALID_ARGUMENT: "Some of the input is not valid.",
  INVALID_PHONE: "That phone number is not valid.",
  INVALID_EMAIL: "That email address is not valid.",
  ADDRESS_REQUIRED: "A contact needs a phone number or an email address.",
  DUPLICATE_CONTACT: "A contact with that phone number or email already exists.",
  DUPLICATE_GROUP: "A group with that name already exists.",
  LIMIT_EXCEEDED: "That is more than this action allows at once.",
  DUPLICATE_NAME: "Something with that name already exists.",
  INVALID_FIELD_VALUE: "A custom field value is not valid.",
  INVALID_FILE: "That file is not a CSV file this app can read.",
  // Authentication
  WEAK_PASSWORD: `Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`,
  ACCOUNT_EXISTS: "An account with that email already exists.",
  INVALID_CREDENTIALS: "Wrong email or password.",
  TOO_MANY_ATTEMPTS: "Too many failed attempts. Try again later.",
  // Messaging
  NO_ADDRESS: "The contact has no address for that channel.",
  OPTED_OUT: "The contact has opted out of that channel.",
  WHATSAPP_WINDOW_CLOSED:
    "WhatsApp free-form messages can only be sent within 24 hours of the contact's last message.",
  CONTENT_INVALID: "The message content is not valid.",
  SUBJECT_REQUIRED: "Emails need a subject.",
  MEDIA_URL_INVALID: "Media URLs must be https links.",
  ATTACHMENT_INVALID: "That file cannot be sent on this channel.",
  SCHEDULE_IN_PAST: "The scheduled time must be in the future.",
  INVALID_STATE: "That action is not possible in the item's current state.",
  NO_SENDER: "No sender is configured for that channel. Add one in Settings.",
  QUIET_HOURS: "It is quiet hours for this contact.",
  FREQUENCY_CAP: "The contact was sent a broadcast within the frequency cap.",
  CONTACT_REPLIED: "The contact wrote first, so this follow-up was canceled.",
  DUPLICATE_SENDER: "That sender address is already in use.",
  RATE_LIMITED: "Too many requests. Slow down and try again.",
  SIMULATION_FAILED: "The simulated message did not reach the webhook.",
  // Templates
  TEMPLATE_VARIABLE_UNKNOWN: "The text uses a merge field that does not exist.",
  TEMPLATE_VARIABLE_MISSING: "A merge field is empty for this contact and has no fallback.",
  TEMPLATE_NOT_APPROVED: "Only WhatsApp templates approved by WhatsApp can be sent.",
  // REST API
  INVALID_API_KEY: "The API key is missing, not valid, expired or revoked.",
  PAYLOAD_TOO_LARGE: "The request body is too large.",
  METHOD_NOT_ALLOWED: "That method is not allowed on this endpoint.",
  IDEMPOTENCY_KEY_REUSED: "That Idempotency-Key was already used for a different request.",
  INTERNAL: "Something went wrong on our side. Please try again.",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The payload of every `ConvexError` thrown by this app. */
export type AppErrorData = {
  code: ErrorCode;
  message: string;
  /** Extra structured facts, e.g. the existing contact of a duplicate. */
  details?: Record<string, string | number | boolean | null>;
};

export function isAppErrorData(data: unknown): data is AppErrorData {
  return (
    typeof data === "object" &&
    data !== null &&
    "code" in data &&
    typeof (data as { code: unknown }).code === "string" &&
    (data as { code: string }).code in ERROR_CODES
  );
}

/** A user-readable message for any error thrown by a Convex call. */
export function describeError(error: unknown): string {
  const data = (error as { data?: unknown } | null)?.data;
  if (isAppErrorData(data)) return data.message;
  return "Something went wrong. Please try again.";
}
