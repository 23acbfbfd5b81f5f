"use node";
/**
 * Sign webhook requests the way Twilio and Resend (Svix) do, with their own libraries: the
 * providers' own signing, for tests and benchmarks (the app's checks in convex/lib/twilioSignature.ts
 * and the simulator's signing in convex/webhooks/simulate.ts are tested against it). Node only.
 */
import { Webhook } from "svix";
import twilio from "twilio";

export { resendSigningSecret, twilioSigningToken } from "../lib/webhookSecrets";

export function signTwilio(token: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(token, url, params);
}

/** A form-encoded Twilio webhook request, signed for `url`. */
export function twilioRequest(token: string, url: string, params: Record<string, string>): RequestInit {
  return {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-twilio-signature": signTwilio(token, url, params),
    },
    body: new URLSearchParams(params).toString(),
  };
}

/** A Svix-signed Resend webhook request carrying `event`. */
export function resendRequest(secret: string, event: unknown, id = `msg_${crypto.randomUUID()}`, at = new Date()): RequestInit {
  const payload = JSON.stringify(event);
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
      "svix-signature": new Webhook(secret).sign(id, at, payload),
    },
    body: payload,
  };
}
