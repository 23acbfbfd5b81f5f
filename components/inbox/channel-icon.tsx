import type { Channel } from "@/convex/schema";
import { CHANNEL_NAMES } from "@/lib/channelAvailability";
import { EmailIcon, SmsIcon, WhatsAppIcon } from "./icons";

const ICONS = { sms: SmsIcon, whatsapp: WhatsAppIcon, email: EmailIcon } as const;

/** A channel's icon; named for assistive technology unless `decorative`. */
export function ChannelIcon({ channel, className = "size-4", decorative = false }: { channel: Channel; className?: string; decorative?: boolean }) {
  const Icon = ICONS[channel];
  return decorative ? <Icon className={className} /> : <Icon className={className} title={CHANNEL_NAMES[channel]} />;
}
