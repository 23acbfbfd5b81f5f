/**
 * The one place Convex code reads environment variables (set with
 * `npx convex env set`, or from .env.local on the local emulator).
 */
import type { ChannelConfig } from "../channels/types";
import { resendSigningSecret, twilioSigningToken } from "./webhookSecrets";

function num(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** A whole number above zero, else the fallback (a limit of 0 would refuse everything). */
function positive(name: string, fallback: number): number {
  const value = Math.floor(num(name, fallback));
  return value > 0 ? value : fallback;
}

export const env = {
  /** Region used to read national phone numbers, e.g. "US" or "GB". */
  defaultCountry: () => process.env.DEFAULT_COUNTRY ?? "US",
  /** The deployment's public HTTP URL (Convex sets this): webhooks and status callbacks. */
  siteUrl: () => (process.env.CONVEX_SITE_URL ?? "http://127.0.0.1:3211").replace(/\/$/, ""),
  /** The web app's URL, used by Convex Auth for redirects. */
  appUrl: () => process.env.SITE_URL ?? "http://localhost:3000",

  /** Provider credentials and endpoints; a provider without credentials is replaced by the simulator. */
  channelConfig: (): ChannelConfig => {
    const { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, RESEND_API_KEY } = process.env;
    return {
      ...(TWILIO_ACCOUNT_SID && TWILIO_AUTH_TOKEN
        ? {
            twilio: {
              accountSid: TWILIO_ACCOUNT_SID,
              authToken: TWILIO_AUTH_TOKEN,
              ...(process.env.TWILIO_API_BASE_URL ? { baseUrl: process.env.TWILIO_API_BASE_URL } : {}),
            },
          }
        : {}),
      ...(RESEND_API_KEY
        ? {
            resend: {
              apiKey: RESEND_API_KEY,
              ...(process.env.RESEND_API_BASE_URL ? { baseUrl: process.env.RESEND_API_BASE_URL } : {}),
            },
          }
        : {}),
      timeoutMs: num("PROVIDER_TIMEOUT_MS", 10_000),
      ...(num("SIMULATOR_RATE_LIMIT", 0) > 0 ? { simulatorRateLimit: num("SIMULATOR_RATE_LIMIT", 0) } : {}),
    };
  },

  /** Whether the simulator reports delivery, and after how long. */
  simulatorDelivery: () => ({
    enabled: process.env.SIMULATOR_DELIVERY !== "off",
    delayMs: num("SIMULATOR_DELIVERY_DELAY_MS", 1_000),
  }),

  /** How long a claimed send may stay unresolved before the sweeper settles it. */
  sendingTimeoutMs: () => num("SENDING_TIMEOUT_MS", 120_000),

  /**
   * How many dispatch lanes broadcasts are spread over (by sender). Each busy lane is one
   * long-running pump action, i.e. one of the deployment's concurrent scheduled jobs (8 on
   * Convex's S16 class), and one pump keeps hundreds of provider calls in flight: raise it on
   * bigger deployments only. Changing it moves senders between lanes.
   */
  dispatchLanes: () => Math.min(16, positive("DISPATCH_LANES", 1)),

  /**
   * REST API rate limits, as token buckets: `perMinute` tokens refill each minute, up to
   * `burst` saved. Per API key, and per client IP for failed authentication.
   */
  apiRateLimits: () => {
    const perKey = positive("API_RATE_LIMIT_PER_MINUTE", 100);
    const authFailures = positive("API_AUTH_FAILURES_PER_MINUTE", 10);
    return {
      perKey: { perMinute: perKey, burst: positive("API_RATE_LIMIT_BURST", perKey) },
      authFailuresPerIp: { perMinute: authFailures, burst: positive("API_AUTH_FAILURES_BURST", authFailures) },
    };
  },

  /**
   * Web Push (VAPID, RFC 8292): the key pair `npm run setup` generates, and the contact the push
   * services may write to (mailto: or https:). Null when the keys are not set: push is off.
   */
  vapid: () => {
    const { VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY } = process.env;
    if (!VAPID_PUBLIC_KEY || !VAPID_PRIVATE_KEY) return null;
    return {
      publicKey: VAPID_PUBLIC_KEY,
      privateKey: VAPID_PRIVATE_KEY,
      subject: process.env.VAPID_SUBJECT || (process.env.SITE_URL?.startsWith("https://") ? process.env.SITE_URL : "mailto:admin@example.com"),
    };
  },
  /** Tests and benchmarks only: accept http://127.0.0.1 / localhost push endpoints (the local fake push service). */
  pushAllowHttpLocalhost: () => process.env.PUSH_ALLOW_HTTP_LOCALHOST === "1",

  /** The token Twilio signs webhooks with (the simulator's secret without Twilio credentials). */
  twilioWebhookToken: () => twilioSigningToken(process.env),
  /** Resend's Svix signing secret (derived from the simulator's secret without one). */
  resendWebhookSecret: () => resendSigningSecret(process.env),
  /**
   * Whether demo and benchmark data may be written (internal seed functions). Only the local
   * emulator's .env.local sets it; on a real deployment set it for a moment on purpose.
   */
  seedDataAllowed: () => process.env.ALLOW_SEED_DATA === "true",
  /**
   * The secret REST API cursors are sealed with: API_CURSOR_SECRET, else Convex Auth's private
   * key (always set on a deployment; hashed with a purpose label, never used as is). The fixed
   * fallback only serves tests: cursors stay bound to their account and list either way.
   */
  cursorSecret: () => process.env.API_CURSOR_SECRET || process.env.JWT_PRIVATE_KEY || "unified-inbox-local-cursors",
  /** The reply to HELP/INFO. */
  helpReply: () =>
    process.env.HELP_REPLY ??
    "Thanks for your message. Reply STOP to unsubscribe, START to resubscribe. Msg&data rates may apply.",
};
