"use node";
/**
 * Whether a phone number or Messaging Service belongs to the deployment's Twilio account,
 * asked of Twilio's API through the SDK. Adding a Twilio sender checks this, so one account
 * of the app cannot claim another's number or service (and with it, its inbound messages).
 */
import twilio from "twilio";
import type { TwilioConfig } from "./types";

export type Ownership = { owned: true } | { owned: false; reason: string };

function client(config: TwilioConfig) {
  const c = twilio(config.accountSid, config.authToken, { autoRetry: false, timeout: config.timeoutMs });
  if (config.baseUrl) {
    const base = config.baseUrl.replace(/\/$/, "");
    c.api.baseUrl = base;
    c.messaging.baseUrl = base;
  }
  return c;
}

/** Twilio's 404 (e.g. 20404 "resource not found") as opposed to an outage or bad credentials. */
function isNotFound(error: unknown): boolean {
  return (error as { status?: number })?.status === 404;
}

/**
 * A number the account can send SMS from (one of its IncomingPhoneNumbers) or, for WhatsApp,
 * also one registered as a WhatsApp sender of the account.
 */
export async function twilioOwnsNumber(config: TwilioConfig, channel: "sms" | "whatsapp", e164: string): Promise<Ownership> {
  const c = client(config);
  const numbers = await c.incomingPhoneNumbers.list({ phoneNumber: e164, limit: 1 });
  if (numbers.some((n) => n.phoneNumber === e164)) return { owned: true };
  if (channel === "whatsapp") {
    const senders = await c.messaging.v2.channelsSenders.list({ channel: "whatsapp", limit: 1000 });
    if (senders.some((s) => s.senderId === `whatsapp:${e164}`)) return { owned: true };
  }
  return {
    owned: false,
    reason: `${e164} is not a ${channel === "whatsapp" ? "WhatsApp sender or number" : "phone number"} of this deployment's Twilio account.`,
  };
}

/** A Messaging Service of the account. */
export async function twilioOwnsService(config: TwilioConfig, sid: string): Promise<Ownership> {
  try {
    const service = await client(config).messaging.v1.services(sid).fetch();
    if (service.accountSid === config.accountSid) return { owned: true };
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return { owned: false, reason: `${sid} is not a Messaging Service of this deployment's Twilio account.` };
}
