/**
 * The message status lifecycle, written down once and enforced by every write:
 *
 *   outbound:  scheduled → queued → sending → sent → delivered → read
 *              any open state → failed | canceled (ends)
 *   inbound:   received
 *
 * Engine moves that look backwards are explicit: a transient send error puts a
 * `sending` message back to `scheduled` (a retry), and a person may retry a
 * `failed` message (→ `queued`). Anything else that would move backwards — a late
 * `sent` webhook after `delivered`, say — is ignored.
 */
export const MESSAGE_STATUSES = [
  "scheduled",
  "queued",
  "sending",
  "sent",
  "delivered",
  "read",
  "failed",
  "canceled",
  "received",
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

const NEXT: Record<MessageStatus, readonly MessageStatus[]> = {
  scheduled: ["queued", "sending", "failed", "canceled"],
  queued: ["scheduled", "sending", "failed", "canceled"],
  sending: ["scheduled", "sent", "delivered", "read", "failed"],
  sent: ["delivered", "read", "failed"],
  delivered: ["read"],
  read: [],
  failed: ["queued"],
  canceled: [],
  received: [],
};

export function canTransition(from: MessageStatus, to: MessageStatus): boolean {
  return NEXT[from].includes(to);
}

/** Waiting to go out: a dispatch may still claim it. */
export function isPending(status: MessageStatus): boolean {
  return status === "scheduled" || status === "queued";
}

/** Handed to the provider successfully (whatever happened after). */
export function wasSent(status: MessageStatus): boolean {
  return status === "sent" || status === "delivered" || status === "read";
}

/** Nothing more will happen to it unless a person acts. */
export function isFinal(status: MessageStatus): boolean {
  return status === "read" || status === "failed" || status === "canceled" || status === "received";
}

export const STATUS_LABELS: Record<MessageStatus, string> = {
  scheduled: "Scheduled",
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Failed",
  canceled: "Canceled",
  received: "Received",
};
