/**
 * Which channels the composer offers for a contact, and in words why the others are off: the
 * backend's own rules (lib/outboundRules.ts) plus whether a sender is set up for the channel.
 */
import { recipientProblem, whatsappWindowEndsAt, type Channel, type RecipientFields, type RecipientProblem } from "./outboundRules";

export const CHANNEL_ORDER: readonly Channel[] = ["sms", "whatsapp", "email"];
export const CHANNEL_NAMES: Record<Channel, string> = { sms: "SMS", whatsapp: "WhatsApp", email: "Email" };

export type ChannelProblem = RecipientProblem | "NO_SENDER";

export type ChannelState =
  | { channel: Channel; available: true; /** WhatsApp: when the 24-hour window closes. */ windowEndsAt?: number }
  | { channel: Channel; available: false; problem: ChannelProblem; /** A few words, for the picker. */ short: string; /** The full reason. */ reason: string };

export type AvailabilityContact = RecipientFields & { name?: string; lastMessageChannel?: Channel };

/** "5 minutes", "3 hours", "2 days": a rounded-down duration for explanations. */
export function describeDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return "less than a minute";
  if (minutes < 60) return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? "1 hour" : `${hours} hours`;
  const days = Math.floor(hours / 24);
  return days === 1 ? "1 day" : `${days} days`;
}

function explain(contact: AvailabilityContact, channel: Channel, problem: ChannelProblem, now: number) {
  const who = contact.name?.trim() || "The contact";
  switch (problem) {
    case "NO_ADDRESS":
      return channel === "email"
        ? { short: "no email address", reason: `${who} has no email address.` }
        : { short: "no phone number", reason: `${who} has no phone number.` };
    case "OPTED_OUT":
      return { short: "opted out", reason: `${who} opted out of ${CHANNEL_NAMES[channel]}.` };
    case "NO_SENDER":
      return {
        short: "no sender",
        reason: `No ${CHANNEL_NAMES[channel]} sender is set up for your account. Add one in Settings.`,
      };
    case "WHATSAPP_WINDOW_CLOSED": {
      // WhatsApp allows free-form messages only within 24 hours of the contact's last WhatsApp message.
      const endsAt = whatsappWindowEndsAt(contact);
      return {
        short: "24-hour window closed",
        reason:
          endsAt === null
            ? `${who} has not messaged you on WhatsApp. You can write there within 24 hours of their last WhatsApp message.`
            : `The 24-hour window after ${who}'s last WhatsApp message closed ${describeDuration(now - endsAt)} ago. It opens again when they write.`,
      };
    }
  }
}

/**
 * Each channel's state for `contact` at `now`. `senderChannels` lists the channels the account
 * has a sender for (senders.list); undefined while it loads, which blocks nothing.
 */
export function channelAvailability(
  contact: AvailabilityContact,
  now: number,
  senderChannels?: ReadonlySet<Channel>,
): Record<Channel, ChannelState> {
  const states = {} as Record<Channel, ChannelState>;
  for (const channel of CHANNEL_ORDER) {
    const problem: ChannelProblem | null =
      recipientProblem(contact, channel, now) ?? (senderChannels && !senderChannels.has(channel) ? "NO_SENDER" : null);
    if (problem) {
      states[channel] = { channel, available: false, problem, ...explain(contact, channel, problem, now) };
    } else {
      const windowEndsAt = channel === "whatsapp" ? whatsappWindowEndsAt(contact) : null;
      states[channel] = { channel, available: true, ...(windowEndsAt !== null ? { windowEndsAt } : {}) };
    }
  }
  return states;
}

/** The channel to start with: the one the conversation last used if it is available, else the first available. */
export function preferredChannel(
  contact: Pick<AvailabilityContact, "lastMessageChannel">,
  states: Record<Channel, ChannelState>,
): Channel | null {
  const last = contact.lastMessageChannel;
  if (last && states[last].available) return last;
  return CHANNEL_ORDER.find((c) => states[c].available) ?? null;
}
