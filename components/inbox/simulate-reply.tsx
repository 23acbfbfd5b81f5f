"use client";

/**
 * Simulator mode only: make the contact "text in" or "email in". The message is posted, signed,
 * to the app's real webhook route (api.webhooks.simulate.simulateInbound), so it arrives exactly as
 * a real one would. Hidden for channels whose real provider is configured.
 */
import { useAction } from "convex/react";
import { useId, useState, type FormEvent } from "react";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import type { Channel } from "@/convex/schema";
import { CHANNEL_NAMES, CHANNEL_ORDER } from "@/lib/channelAvailability";
import { addressFor } from "@/lib/outboundRules";
import { toastError } from "@/lib/use-mutation-with-toast";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";

export type ProvidersConfigured = { twilio: boolean; resend: boolean };

/** Channels a reply can be simulated on: simulated ones the contact has an address for. */
export function simulatedChannels(contact: Doc<"contacts">, configured: ProvidersConfigured): Channel[] {
  return CHANNEL_ORDER.filter((c) => (c === "email" ? !configured.resend : !configured.twilio) && addressFor(contact, c));
}

export function SimulateReply({ contact, channels }: { contact: Doc<"contacts">; channels: Channel[] }) {
  const simulate = useAction(api.webhooks.simulate.simulateInbound);
  const [channel, setChannel] = useState<Channel>(() =>
    contact.lastMessageChannel && channels.includes(contact.lastMessageChannel) ? contact.lastMessageChannel : channels[0],
  );
  const [content, setContent] = useState("");
  const [subject, setSubject] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const headingId = useId();
  const current = channels.includes(channel) ? channel : channels[0];

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (content.trim() === "") return setError("Write what the contact says.");
    setError(null);
    setBusy(true);
    try {
      // Arrival shows in the thread itself; only a failure gets a toast.
      await simulate({ contactId: contact._id, channel: current, content, ...(current === "email" && subject.trim() ? { subject } : {}) });
      setContent("");
      setSubject("");
    } catch (e) {
      toastError(e, "The simulated message was not delivered");
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-dashed border-slate-300 bg-slate-50 p-3">
      <h3 id={headingId} className="text-sm font-semibold text-slate-900">
        Simulate a reply
      </h3>
      <p className="mt-0.5 text-xs text-slate-600">Simulator mode: the message comes in through the real, signed webhook.</p>
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="mt-2 space-y-2">
        {channels.length > 1 ? (
          <Select label="Reply on" value={current} onChange={(e) => setChannel(e.target.value as Channel)}>
            {channels.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_NAMES[c]}
              </option>
            ))}
          </Select>
        ) : null}
        {current === "email" ? <Input label="Reply subject" value={subject} onChange={(e) => setSubject(e.target.value)} autoComplete="off" /> : null}
        <Input
          label={`What ${contact.name} says`}
          value={content}
          onChange={(e) => {
            setContent(e.target.value);
            if (error) setError(null);
          }}
          error={error}
          autoComplete="off"
        />
        <Button type="submit" size="sm" loading={busy}>
          Simulate reply{channels.length === 1 ? ` (${CHANNEL_NAMES[current]})` : ""}
        </Button>
      </form>
    </section>
  );
}
