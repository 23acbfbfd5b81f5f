/**
 * The one send policy: whether a message may go to a contact on a channel at a time, checked by
 * every path that writes or sends one — the composer and the API when a message is written, the
 * dispatcher when it is claimed, a broadcast's fan-out for each member, recurring occurrences and
 * automatic replies. It answers send, hold (quiet hours: go at the next allowed time, never
 * dropped) or refuse, with a coded reason the UI and the API show as they are:
 *
 *   NO_ADDRESS, OPTED_OUT, WHATSAPP_WINDOW_CLOSED   the contact (lib/outboundRules.ts)
 *   CONTACT_REPLIED                                 a cancel-on-reply follow-up whose contact wrote
 *   FREQUENCY_CAP                                   a broadcast within the cap's days of the last one
 *   NO_SENDER                                       no sender identity for the channel
 *   QUIET_HOURS                                     inside the recipient's quiet hours
 *
 * One SendPolicy per transaction: it reads the account's settings and senders once.
 */
import { addressFor, recipientProblem, whatsappWindowEndsAt, type RecipientProblem } from "../../lib/outboundRules";
import { isWithin, nextOutside } from "../../lib/weeklyHours";
import type { Doc, Id } from "../_generated/dataModel";
import type { QueryCtx } from "../_generated/server";
import type { Channel } from "../schema";
import { appError } from "./errors";
import { defaultSender } from "./senders";
import { schedulingSettingsOf, type SchedulingSettings } from "./schedulingSettings";
import type { ErrorCode } from "../../lib/errors";

export type PolicyCode = "NO_ADDRESS" | "OPTED_OUT" | "WHATSAPP_WINDOW_CLOSED" | "CONTACT_REPLIED" | "FREQUENCY_CAP" | "NO_SENDER" | "QUIET_HOURS";

/**
 * What quiet hours do to this send: `hold` it to the next allowed time (broadcasts, scheduled
 * messages, the API), `ask` for a confirmation (a single send from the composer), or `ignore` them
 * (confirmed, a transactional API send, an automatic reply to someone who just wrote).
 */
export type QuietHoursMode = "hold" | "ask" | "ignore";

export type PolicyRequest = {
  contact: Doc<"contacts">;
  channel: Channel;
  /** When it would go out. */
  at: number;
  quietHours: QuietHoursMode;
  /** The sender identity already chosen (a broadcast's, a retried message's); else the channel's default. */
  senderId?: Id<"senders">;
  /** Broadcasts: skip a contact sent a broadcast within this many days of `at`. */
  frequencyCapDays?: number;
  /** Cancel-on-reply follow-ups: when it was scheduled (the contact writing after that cancels it). */
  cancelOnReplySince?: number;
  /** An approved WhatsApp template: allowed outside the 24-hour window. */
  approvedTemplate?: boolean;
};

export type PolicyDecision =
  | { decision: "send"; to: string; sender: Doc<"senders"> }
  | { decision: "hold"; until: number; to: string; sender: Doc<"senders"> }
  | { decision: "refuse"; code: PolicyCode; message: string; until?: number };

const DAY_MS = 86_400_000;

export const RECIPIENT_MESSAGES: Record<RecipientProblem, (channel: Channel) => string> = {
  NO_ADDRESS: (channel) => `The contact has no ${channel === "email" ? "email address" : "phone number"}.`,
  OPTED_OUT: (channel) => `The contact has opted out of ${channel === "sms" ? "SMS" : channel === "whatsapp" ? "WhatsApp" : "email"}.`,
  WHATSAPP_WINDOW_CLOSED: () =>
    "WhatsApp free-form messages can only be sent within 24 hours of the contact's last WhatsApp message.",
};

export function zoneOf(contact: Pick<Doc<"contacts">, "timeZone">, settings: Pick<SchedulingSettings, "timeZone">): string {
  return contact.timeZone ?? settings.timeZone;
}

export class SendPolicy {
  private settings: SchedulingSettings | null = null;
  private readonly senders = new Map<string, Doc<"senders"> | null>();

  constructor(
    private readonly ctx: Pick<QueryCtx, "db">,
    readonly userId: Id<"users">,
  ) {}

  async schedulingSettings(): Promise<SchedulingSettings> {
    return (this.settings ??= await schedulingSettingsOf(this.ctx, this.userId));
  }

  private async sender(channel: Channel, senderId?: Id<"senders">): Promise<Doc<"senders"> | null> {
    const key = senderId ?? `default:${channel}`;
    if (!this.senders.has(key)) {
      const chosen = senderId ? await this.ctx.db.get("senders", senderId) : null;
      this.senders.set(key, chosen && chosen.userId === this.userId ? chosen : await defaultSender(this.ctx, this.userId, channel));
    }
    return this.senders.get(key)!;
  }

  async check(req: PolicyRequest): Promise<PolicyDecision> {
    const { contact, channel } = req;
    const refuse = (code: PolicyCode, message: string, until?: number): PolicyDecision => ({
      decision: "refuse",
      code,
      message,
      ...(until !== undefined ? { until } : {}),
    });

    const problem = recipientProblem(contact, channel, req.at, { approvedTemplate: req.approvedTemplate === true });
    if (problem) return refuse(problem, RECIPIENT_MESSAGES[problem](channel));
    if (req.cancelOnReplySince !== undefined && (contact.lastReceivedAt ?? 0) > req.cancelOnReplySince) {
      return refuse("CONTACT_REPLIED", "The contact wrote after this follow-up was scheduled, so it was canceled.");
    }
    if (req.frequencyCapDays && contact.lastBroadcastAt !== undefined && contact.lastBroadcastAt > req.at - req.frequencyCapDays * DAY_MS) {
      return refuse("FREQUENCY_CAP", `The contact was sent a broadcast in the last ${req.frequencyCapDays} day${req.frequencyCapDays === 1 ? "" : "s"}.`);
    }
    const sender = await this.sender(channel, req.senderId);
    if (!sender) return refuse("NO_SENDER", "No sender is configured for this channel.");
    const to = addressFor(contact, channel)!;

    const settings = await this.schedulingSettings();
    if (req.quietHours === "ignore" || !settings.quietHoursEnabled) return { decision: "send", to, sender };
    const zone = zoneOf(contact, settings);
    if (!isWithin(settings.quietHours, req.at, zone)) return { decision: "send", to, sender };
    const until = nextOutside(settings.quietHours, req.at, zone);
    if (until === null) return refuse("QUIET_HOURS", "Quiet hours cover the whole week: nothing can be sent.");
    if (req.quietHours === "ask") {
      return refuse("QUIET_HOURS", `It is quiet hours for the contact (${zone}) until ${formatLocal(until, zone)}.`, until);
    }
    // Held: WhatsApp's window must still be open when it goes.
    const windowEnd = channel === "whatsapp" && !req.approvedTemplate ? whatsappWindowEndsAt(contact) : null;
    if (windowEnd !== null && until >= windowEnd) {
      return refuse("WHATSAPP_WINDOW_CLOSED", "Quiet hours hold this until after the contact's WhatsApp window closes.");
    }
    return { decision: "hold", until, to, sender };
  }
}

function formatLocal(ts: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ts);
}

/** Throw a refusal as the app's error (the composer and the API show its code and message). */
export function throwRefusal(d: Extract<PolicyDecision, { decision: "refuse" }>): never {
  throw appError(d.code satisfies ErrorCode, d.message, d.until !== undefined ? { until: d.until } : undefined);
}
