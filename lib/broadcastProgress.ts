/** How far a broadcast has got, from its live counts (convex/broadcasts.ts `get`). */
import type { BroadcastCounts, SkipReasons } from "../convex/schema";

export type BroadcastStatus = "scheduled" | "sending" | "completed" | "canceled";

export type BroadcastProgress = {
  /** Members handled so far: one message each, or skipped. */
  members: number;
  /** Messages written (members not skipped). */
  messages: number;
  /** Waiting or being handed to the provider. */
  pending: number;
  /** Accepted by the provider, no delivery report yet. */
  sent: number;
  /** Delivered (read included). */
  delivered: number;
  failed: number;
  canceled: number;
  skipped: number;
  /** Share of members with an outcome (anything but pending), 0–100, rounded down. */
  percent: number;
  /** Nothing more will happen: completed or canceled, and fan-out finished. */
  finished: boolean;
};

export function broadcastProgress(b: {
  counts: BroadcastCounts;
  status: BroadcastStatus;
  fanOutDone: boolean;
  /** The group's size at creation: the total until fan-out has handled every member. */
  members?: number;
}): BroadcastProgress {
  const c = b.counts;
  const pending = c.scheduled + c.queued + c.sending;
  const members = b.fanOutDone || b.status === "canceled" ? c.total : Math.max(c.total, b.members ?? 0);
  // Members the fan-out has not reached yet are as pending as queued messages.
  const settled = Math.max(0, c.total - pending);
  return {
    members,
    messages: Math.max(0, members - c.skipped),
    pending,
    sent: c.sent,
    delivered: c.delivered + c.read,
    failed: c.failed,
    canceled: c.canceled,
    skipped: c.skipped,
    percent: members === 0 ? (b.status === "completed" ? 100 : 0) : Math.floor((settled / members) * 100),
    finished: b.status === "canceled" || (b.status === "completed" && b.fanOutDone),
  };
}

export const SKIP_REASON_LABELS: Record<keyof SkipReasons, string> = {
  noAddress: "No address for the channel",
  optedOut: "Opted out",
  whatsappWindowClosed: "WhatsApp 24-hour window closed",
  missingVariable: "Merge field empty, no fallback",
  contentTooLong: "Too long with their values",
  frequencyCap: "Sent a broadcast recently (frequency cap)",
};

/** The skip reasons that occurred, largest first. */
export function skipReasons(skipped: SkipReasons): Array<{ reason: keyof SkipReasons; label: string; count: number }> {
  return (Object.keys(SKIP_REASON_LABELS) as Array<keyof SkipReasons>)
    .map((reason) => ({ reason, label: SKIP_REASON_LABELS[reason], count: skipped[reason] ?? 0 }))
    .filter((r) => r.count > 0)
    .sort((a, b) => b.count - a.count);
}

export const BROADCAST_STATUS_LABELS: Record<BroadcastStatus, string> = {
  scheduled: "Scheduled",
  sending: "Sending",
  completed: "Completed",
  canceled: "Canceled",
};

export type StatusTone = "neutral" | "indigo" | "green" | "amber" | "red";

/**
 * How a broadcast's status reads: a completed one with failures says so (never a plain
 * "Completed"), and one where nothing went out says that.
 */
export function broadcastStatusLabel(b: { status: BroadcastStatus; counts: BroadcastCounts }): { label: string; tone: StatusTone } {
  const c = b.counts;
  if (b.status !== "completed") {
    const tones: Record<BroadcastStatus, StatusTone> = { scheduled: "amber", sending: "indigo", completed: "green", canceled: "neutral" };
    return { label: BROADCAST_STATUS_LABELS[b.status], tone: tones[b.status] };
  }
  const reached = c.sent + c.delivered + c.read;
  if (c.failed > 0 && reached === 0) return { label: `All ${c.failed.toLocaleString("en-US")} messages failed`, tone: "red" };
  if (c.failed > 0) return { label: `Completed with ${c.failed.toLocaleString("en-US")} failed`, tone: "amber" };
  if (reached === 0 && c.skipped > 0) return { label: "Completed: everyone was skipped", tone: "amber" };
  return { label: "Completed", tone: "green" };
}
