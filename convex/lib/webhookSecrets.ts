/** Which secret verifies each provider's webhooks: the real one, else the simulator's. */
type Env = Record<string, string | undefined>;

/** Twilio's auth token when configured, else the simulator's own secret. */
export function twilioSigningToken(env: Env): string | null {
  return env.TWILIO_AUTH_TOKEN || env.SIMULATOR_WEBHOOK_SECRET || null;
}

/** Resend's signing secret when configured, else one derived from the simulator's secret. */
export function resendSigningSecret(env: Env): string | null {
  if (env.RESEND_WEBHOOK_SECRET) return env.RESEND_WEBHOOK_SECRET;
  return env.SIMULATOR_WEBHOOK_SECRET ? `whsec_${btoa(env.SIMULATOR_WEBHOOK_SECRET)}` : null;
}
