/** The analytics summary (convex/analytics.ts `summary`) shaped for the dashboard's charts and tables. */
import { STATUS_LABELS, type MessageStatus } from "./messageStatus";

import type { Channel } from "../convex/schema";
const CHANNEL_LABELS: Record<Channel, string> = { sms: "SMS", whatsapp: "WhatsApp", email: "Email" };

export type ChannelSlice = { channel: Channel; label: string; sent: number; received: number; total: number };

/** Messages per channel (sent + received), in the backend's channel order; `total` 0 ones included. */
export function channelSlices(byChannel: ReadonlyArray<{ channel: string; sent: number; received: number }>): ChannelSlice[] {
  return byChannel
    .filter((c): c is { channel: Channel; sent: number; received: number } => c.channel in CHANNEL_LABELS)
    .map((c) => ({ channel: c.channel, label: CHANNEL_LABELS[c.channel], sent: c.sent, received: c.received, total: c.sent + c.received }));
}

export type StatusBar = { status: MessageStatus; label: string; count: number };

/** Outbound messages per status, in lifecycle order. */
export function statusBars(byStatus: ReadonlyArray<{ status: string; count: number }>): StatusBar[] {
  return byStatus
    .filter((s): s is { status: MessageStatus; count: number } => s.status in STATUS_LABELS && s.status !== "received")
    .map((s) => ({ status: s.status, label: STATUS_LABELS[s.status], count: s.count }));
}

/** Whether a range has anything to draw. */
export function hasActivity(summary: { daily: ReadonlyArray<{ sent: number; received: number }>; byStatus: ReadonlyArray<{ count: number }> }): boolean {
  return summary.daily.some((d) => d.sent > 0 || d.received > 0) || summary.byStatus.some((s) => s.count > 0);
}
