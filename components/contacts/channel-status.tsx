import type { Doc } from "@/convex/_generated/dataModel";
import type { Channel } from "@/convex/schema";
import { cn } from "@/lib/cn";

const LABELS: Record<Channel, { short: string; long: string }> = {
  sms: { short: "SMS", long: "SMS" },
  whatsapp: { short: "WA", long: "WhatsApp" },
  email: { short: "Email", long: "Email" },
};
const ORDER: Channel[] = ["sms", "whatsapp", "email"];

type State = "subscribed" | "optedOut" | "noAddress";

function stateOf(contact: Pick<Doc<"contacts">, "phone" | "email" | "optedOut">, channel: Channel): State {
  const hasAddress = channel === "email" ? Boolean(contact.email) : Boolean(contact.phone);
  if (contact.optedOut[channel]) return "optedOut";
  return hasAddress ? "subscribed" : "noAddress";
}

const STATE_TEXT: Record<State, string> = {
  subscribed: "can be messaged",
  optedOut: "opted out",
  noAddress: "no address",
};

/** One chip per channel: can be messaged (green), opted out (red, struck), no address (grey). */
export function ChannelStatus({ contact }: { contact: Pick<Doc<"contacts">, "phone" | "email" | "optedOut"> }) {
  return (
    <ul className="flex gap-1" aria-label="Channels">
      {ORDER.map((channel) => {
        const state = stateOf(contact, channel);
        const { short, long } = LABELS[channel];
        return (
          <li
            key={channel}
            title={`${long}: ${STATE_TEXT[state]}`}
            className={cn(
              "rounded px-1.5 py-0.5 text-[11px] font-medium ring-1 ring-inset",
              state === "subscribed" && "bg-green-50 text-green-800 ring-green-200",
              state === "optedOut" && "bg-red-50 text-red-800 line-through ring-red-200",
              state === "noAddress" && "bg-slate-50 text-slate-500 ring-slate-200",
            )}
          >
            <span aria-hidden="true">{short}</span>
            <span className="sr-only">{`${long}: ${STATE_TEXT[state]}`}</span>
          </li>
        );
      })}
    </ul>
  );
}
