/**
 * What a broadcast does for one member, by the send policy: skip them (with the reason counted),
 * or write their message — queued now, or scheduled for their local time ("09:00 in each
 * recipient's zone") or held past their quiet hours. Shared by the fan-out of every engine.
 */
import { epochOfWallTime } from "../../lib/schedule";
import type { Doc } from "../_generated/dataModel";
import type { SkipReasons } from "../schema";
import { appError } from "./errors";
import { zoneOf, type PolicyCode, type SendPolicy } from "./sendPolicy";

export const SKIP_KEY: Partial<Record<PolicyCode, keyof SkipReasons>> = {
  NO_ADDRESS: "noAddress",
  OPTED_OUT: "optedOut",
  WHATSAPP_WINDOW_CLOSED: "whatsappWindowClosed",
  FREQUENCY_CAP: "frequencyCap",
};

export type MemberPlan =
  | { kind: "skip"; reason: keyof SkipReasons }
  | { kind: "message"; status: "queued" | "scheduled"; at: number; heldFrom?: number };

/** A local date and time ("2026-03-02", "09:00") as an instant in `timeZone`. */
export function localTimeAt(local: { date: string; time: string }, timeZone: string): number {
  const [year, month, day] = local.date.split("-").map(Number);
  const [hour, minute] = local.time.split(":").map(Number);
  return epochOfWallTime({ year, month, day, hour, minute }, timeZone);
}

/** The first instant a local date and time happens anywhere (UTC+14): when a local-time broadcast starts. */
export function earliestLocalTime(local: { date: string; time: string }): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(local.date) || !/^\d{2}:\d{2}$/.test(local.time)) {
    throw appError("INVALID_ARGUMENT", "A local time needs a date (YYYY-MM-DD) and a time (HH:mm).", { field: "localTime" });
  }
  return localTimeAt(local, "Etc/GMT-14");
}

/** The plan for one member whose turn comes at `slot` (now, or their send slot). */
export async function planMember(
  policy: SendPolicy,
  b: Pick<Doc<"broadcasts">, "channel" | "senderId" | "localTime" | "frequencyCapDays">,
  contact: Doc<"contacts">,
  slot: number,
  opts: { approvedTemplate?: boolean } = {},
): Promise<MemberPlan> {
  let due = slot;
  if (b.localTime) {
    const zone = zoneOf(contact, await policy.schedulingSettings());
    due = Math.max(slot, localTimeAt(b.localTime, zone));
  }
  const d = await policy.check({
    contact,
    channel: b.channel,
    at: due,
    quietHours: "hold",
    senderId: b.senderId,
    ...(b.frequencyCapDays ? { frequencyCapDays: b.frequencyCapDays } : {}),
    ...(opts.approvedTemplate ? { approvedTemplate: true } : {}),
  });
  if (d.decision === "refuse") {
    const reason = SKIP_KEY[d.code];
    // Anything else (no sender any more) is written and fails, with its reason, when claimed.
    if (reason) return { kind: "skip", reason };
  }
  if (d.decision === "hold") return { kind: "message", status: "scheduled", at: d.until, heldFrom: due };
  return due > slot ? { kind: "message", status: "scheduled", at: due } : { kind: "message", status: "queued", at: slot };
}
