/** Provider error codes → permanent or transient, with a reason a person can read. */
import { ChannelError } from "./types";

/** Twilio error codes (https://www.twilio.com/docs/api/errors) we explain by name. */
export const TWILIO_REASONS: Record<number, string> = {
  20429: "Twilio rate limit reached (too many requests)",
  21211: "The phone number is not valid",
  21408: "Sending to this region is not enabled on the Twilio account",
  21606: "The 'from' number cannot send messages",
  21610: "The recipient has opted out (replied STOP)",
  21612: "Twilio cannot route messages to this number",
  21614: "The number is not a mobile number",
  21617: "The message is too long",
  30003: "The handset is unreachable",
  30004: "The message was blocked",
  30005: "The number is unknown or no longer in service",
  30006: "The number is a landline or unreachable carrier",
  30007: "The carrier filtered the message as spam",
  30008: "The carrier reported an unknown error",
  30034: "The sending number is not registered for A2P 10DLC",
  63016: "WhatsApp: outside the 24-hour window, a template is required",
  63018: "WhatsApp rate limit reached",
};

/** Twilio codes that are worth retrying; every other 4xx-style code is permanent. */
const TWILIO_TRANSIENT = new Set([20429, 63018, 20500, 20503, 30008]);

export function twilioReason(code: number | undefined, fallback = "The message was not delivered"): string {
  return code !== undefined && TWILIO_REASONS[code] ? TWILIO_REASONS[code] : fallback;
}

/** Classify what the twilio SDK threw (a RestException, or a network/timeout error). */
export function classifyTwilioError(error: unknown): ChannelError {
  const e = error as { status?: number; code?: number | string; message?: string; headers?: Record<string, string> };
  if (typeof e?.status === "number") {
    const code = typeof e.code === "number" ? e.code : undefined;
    const transient = e.status === 429 || e.status >= 500 || (code !== undefined && TWILIO_TRANSIENT.has(code));
    return new ChannelError({
      code: code !== undefined ? `TWILIO_${code}` : `HTTP_${e.status}`,
      message: twilioReason(code, e.message || `Twilio answered ${e.status}`),
      permanent: !transient,
    });
  }
  return networkError(error);
}

/** A request that never got an answer. If it may have reached the provider, the outcome is unknown. */
export function networkError(error: unknown): ChannelError {
  const e = error as { code?: string; name?: string; message?: string };
  const refused = e?.code === "ECONNREFUSED" || e?.code === "ENOTFOUND" || e?.code === "EAI_AGAIN";
  return new ChannelError({
    code: refused ? "PROVIDER_UNREACHABLE" : "PROVIDER_TIMEOUT",
    message: refused ? "The provider could not be reached" : "The provider did not answer in time",
    permanent: false,
    // A refused connection never reached the provider; a timeout may have.
    outcomeUnknown: !refused,
  });
}

/** Classify a Resend API error object ({ statusCode, name, message }). */
export function classifyResendError(
  error: { statusCode?: number | null; name?: string; message?: string },
  headers?: Record<string, string> | null,
): ChannelError {
  const status = error.statusCode ?? null;
  if (status === null) {
    return new ChannelError({ code: "PROVIDER_UNREACHABLE", message: "Resend could not be reached", permanent: false });
  }
  const retryAfter = Number(headers?.["retry-after"]);
  const transient = status === 429 || status >= 500;
  return new ChannelError({
    code: `RESEND_${error.name ?? status}`,
    message: error.message || `Resend answered ${status}`,
    permanent: !transient,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  });
}
