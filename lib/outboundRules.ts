/**
 * The rules for outbound messages that the backend enforces and the composer explains, written
 * once: content limits, how far ahead a message may be scheduled, and whether a contact can
 * receive a free-form message on a channel (address, opt-out, WhatsApp's 24-hour window).
 * convex/lib/outbound.ts enforces them; lib/channelAvailability.ts words them for the UI.
 */

import type { Channel } from "../convex/schema";

export type { Channel };

/** A free-form WhatsApp message may only be sent within this long of the contact's last WhatsApp message. */
export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;
export const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 60 * 60 * 1000;
export const CONTENT_LIMITS = {
  textMax: 1600,
  emailMax: 50_000,
  subjectMax: 300,
  mediaMax: 10,
  urlMax: 2048,
} as const;

/** What of a contact the rules read. */
export type RecipientFields = {
  phone?: string;
  email?: string;
  optedOut: Record<Channel, boolean>;
  whatsappWindowStartedAt?: number;
};

export function addressFor(contact: Pick<RecipientFields, "phone" | "email">, channel: Channel): string | undefined {
  return channel === "email" ? contact.email : contact.phone;
}

export type RecipientProblem = "NO_ADDRESS" | "OPTED_OUT" | "WHATSAPP_WINDOW_CLOSED";

/** When the contact's WhatsApp window closes (or closed), or null if it never opened. */
export function whatsappWindowEndsAt(contact: Pick<RecipientFields, "whatsappWindowStartedAt">): number | null {
  const opened = contact.whatsappWindowStartedAt;
  return opened === undefined ? null : opened + WHATSAPP_WINDOW_MS;
}

/**
 * Why this contact cannot get a message on this channel at `at`, or null. An approved WhatsApp
 * template (`approvedTemplate`) may be sent outside the 24-hour window; free-form text may not.
 */
export function recipientProblem(
  contact: RecipientFields,
  channel: Channel,
  at: number,
  opts: { approvedTemplate?: boolean } = {},
): RecipientProblem | null {
  if (!addressFor(contact, channel)) return "NO_ADDRESS";
  if (contact.optedOut[channel]) return "OPTED_OUT";
  if (channel === "whatsapp" && !opts.approvedTemplate) {
    const endsAt = whatsappWindowEndsAt(contact);
    if (endsAt === null || at >= endsAt) return "WHATSAPP_WINDOW_CLOSED";
  }
  return null;
}

export function isHttpsUrl(url: string): boolean {
  try {
    return new URL(url).protocol === "https:";
  } catch {
    return false;
  }
}
