/**
 * How an outbound message was sent, in the thread's words: typed in the inbox, through the
 * REST API (the key's name), part of a broadcast (with a link to it), or by an automation;
 * scheduled ones say so. Messages from before `origin` existed are read from their `source`.
 */
type Origin = { via: "inbox" | "api" | "broadcast" | "automation"; scheduled?: boolean; name?: string };
type Source = { kind: "user" | "apiKey" | "webhook" | "system"; id: string };

export type OriginLabel = { text: string; href?: string };

export function originLabel(message: {
  direction: "inbound" | "outbound";
  origin?: Origin;
  source?: Source;
  broadcastId?: string;
}): OriginLabel | null {
  if (message.direction !== "outbound") return null;
  const origin: Origin | null =
    message.origin ??
    (message.broadcastId
      ? { via: "broadcast" }
      : message.source?.kind === "user"
        ? { via: "inbox" }
        : message.source?.kind === "apiKey"
          ? { via: "api", name: `${message.source.id}…` }
          : message.source?.kind === "system"
            ? { via: "automation", name: message.source.id }
            : null);
  if (!origin) return null;
  const scheduled = origin.scheduled ? "Scheduled" : "Sent";
  switch (origin.via) {
    case "inbox":
      return { text: origin.scheduled ? "Scheduled from the inbox" : "From the inbox" };
    case "api":
      return { text: `${scheduled} via API${origin.name ? ` · ${origin.name}` : ""}` };
    case "broadcast":
      return { text: "Broadcast", ...(message.broadcastId ? { href: `/broadcasts/${message.broadcastId}` } : {}) };
    case "automation":
      return { text: `${scheduled} by automation${origin.name ? ` · ${origin.name}` : ""}` };
  }
}
