/**
 * The channel-sender contract. Every provider implementation turns an outbound
 * message into a provider id, or throws a ChannelError that says whether trying
 * again could help.
 */
import type { Channel, Provider } from "../schema";

export type OutboundMessage = {
  /** Our message id: Resend's idempotency key, and Twilio's status-callback hint. */
  id: string;
  channel: Channel;
  /** E.164 for sms/whatsapp (no `whatsapp:` prefix), an address for email. */
  to: string;
  from: string;
  content: string;
  subject?: string;
  mediaUrls?: string[];
  /** File names for mediaUrls, where known ("" otherwise): email attachments are named after them. */
  mediaNames?: string[];
  /** Twilio Messaging Service to send from (its number pool) instead of `from`. */
  messagingServiceSid?: string;
  replyTo?: string;
  /** Email: the Message-ID this answers, and the thread's References (RFC 5322), so mail clients thread it. */
  inReplyTo?: string;
  references?: string;
  /** Where the provider should post delivery receipts. */
  statusCallbackUrl?: string;
  /** A WhatsApp template (Twilio Content API): sent instead of `content`, which is its rendered text. */
  contentSid?: string;
  /** JSON object of the template's placeholder values, e.g. {"1":"Ann"}. */
  contentVariables?: string;
};

export type SendResult = { providerMessageId: string };

export type TwilioConfig = {
  accountSid: string;
  authToken: string;
  /** Override https://api.twilio.com, e.g. a local fake server in tests. */
  baseUrl?: string;
  timeoutMs: number;
};

export type ResendConfig = { apiKey: string; baseUrl?: string; timeoutMs: number };

/** Provider credentials and endpoints (convex/lib/env.ts reads them); a provider without them is simulated. */
export type ChannelConfig = {
  twilio?: Omit<TwilioConfig, "timeoutMs">;
  resend?: Omit<ResendConfig, "timeoutMs">;
  /** Provider call timeout. */
  timeoutMs: number;
  /** The simulator refuses sends past this rate per sending address (unset: no limit). */
  simulatorRateLimit?: number;
};

/** The provider a new sender identity of this channel uses: the real one when configured. */
export function defaultProvider(channel: Channel, config: Pick<ChannelConfig, "twilio" | "resend">): Provider {
  if (channel === "email") return config.resend ? "resend" : "simulator";
  return config.twilio ? "twilio" : "simulator";
}

export interface MessageSender {
  readonly provider: Provider;
  send(message: OutboundMessage): Promise<SendResult>;
}

/**
 * A failed send. `permanent` errors end the message as failed; transient ones are
 * retried with backoff. `outcomeUnknown` means the provider may have accepted it
 * (a timeout after the request left), so SMS/WhatsApp must not be re-sent blindly.
 */
export class ChannelError extends Error {
  readonly code: string;
  readonly permanent: boolean;
  readonly retryAfterMs?: number;
  readonly outcomeUnknown: boolean;

  constructor(opts: { code: string; message: string; permanent: boolean; retryAfterMs?: number; outcomeUnknown?: boolean }) {
    super(opts.message);
    this.name = "ChannelError";
    this.code = opts.code;
    this.permanent = opts.permanent;
    this.retryAfterMs = opts.retryAfterMs;
    this.outcomeUnknown = opts.outcomeUnknown ?? false;
  }
}

export function isChannelError(error: unknown): error is ChannelError {
  return error instanceof ChannelError;
}
