import type { Channel } from "@/convex/schema";
import { Badge } from "./badge";

const NAMES: Record<Channel, string> = { sms: "SMS", whatsapp: "WhatsApp", email: "Email" };

/** The channel of a message or broadcast, as a small label. */
export function ChannelBadge({ channel }: { channel: Channel }) {
  return <Badge tone={channel === "whatsapp" ? "green" : channel === "email" ? "amber" : "indigo"}>{NAMES[channel]}</Badge>;
}
