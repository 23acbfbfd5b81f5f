"use client";

import { useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import { CHANNELS, type Channel } from "@/convex/schema";
import { CHANNEL_NAMES } from "@/lib/channelAvailability";
import { usePhoneFormat } from "@/lib/use-phone-format";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { PlusIcon } from "@/components/ui/icons";
import { SkeletonRows } from "@/components/ui/skeleton";
import { ProviderBadge } from "./provider-badge";
import { SenderDialog } from "./settings-dialogs-lazy";
import { useSenders, type SendersInfo } from "./use-senders";
import { WebhookUrls } from "./webhook-urls";

type SenderAddress = (sender: Pick<Doc<"senders">, "channel" | "address">) => string;

/** How a sender is shown: its from-address, or its number formatted once the formatter has loaded. */
function useSenderAddress(): SenderAddress {
  const formatPhone = usePhoneFormat();
  return (sender) => (sender.channel === "email" ? sender.address : formatPhone(sender.address));
}

/** Sender identities per channel (add, edit, make default, remove), and the webhook URLs to paste. */
export function SendersSection() {
  const senderAddress = useSenderAddress();
  const info = useSenders();
  const [editing, setEditing] = useState<{ sender: Doc<"senders"> | null; channel?: Channel } | null>(null);
  const [removing, setRemoving] = useState<Doc<"senders"> | null>(null);
  const [setDefault] = useMutationWithToast(api.senders.setDefault);
  const [remove] = useMutationWithToast(api.senders.remove);

  return (
    <>
      <Card
        title="Sender identities"
        description="The numbers and addresses your messages come from. Each channel sends from its default sender; broadcasts are paced to its rate."
        actions={
          <Button variant="primary" onClick={() => setEditing({ sender: null })} disabled={info === undefined}>
            <PlusIcon className="size-4" /> Add sender
          </Button>
        }
      >
        {info === undefined ? (
          <SkeletonRows rows={3} label="Loading senders…" />
        ) : (
          <>
            <ProviderStatus configured={info.configured} />
            <div className="divide-y divide-slate-200">
              {CHANNELS.map((channel) => (
                <ChannelSenders
                  key={channel}
                  channel={channel}
                  senders={info.senders.filter((s) => s.channel === channel)}
                  onAdd={() => setEditing({ sender: null, channel })}
                  onEdit={(sender) => setEditing({ sender })}
                  onRemove={setRemoving}
                  onMakeDefault={(sender) =>
                    void setDefault({ senderId: sender._id }, { success: `${senderAddress(sender)} now sends your ${CHANNEL_NAMES[sender.channel]} messages` })
                  }
                />
              ))}
            </div>
          </>
        )}
      </Card>

      {info ? <WebhookUrls webhooks={info.webhooks} /> : null}

      {info ? (
        <SenderDialog
          open={editing !== null}
          sender={editing?.sender ?? null}
          initialChannel={editing?.channel}
          configured={info.configured}
          onClose={() => setEditing(null)}
        />
      ) : null}

      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        title={`Remove ${removing ? senderAddress(removing) : "sender"}?`}
        confirmLabel="Remove sender"
        onConfirm={async () => {
          if (!removing) return;
          const result = await remove({ senderId: removing._id });
          if (!result.ok) throw result.error;
          toast.success(`Removed ${senderAddress(removing)}`);
        }}
      >
        {removing ? removeConsequence(removing, info, senderAddress) : null}
      </ConfirmDialog>
    </>
  );
}

function removeConsequence(sender: Doc<"senders">, info: SendersInfo | undefined, senderAddress: SenderAddress): string {
  const others = info?.senders.filter((s) => s.channel === sender.channel && s._id !== sender._id) ?? [];
  const name = CHANNEL_NAMES[sender.channel];
  if (others.length === 0) {
    return `It is your only ${name} sender: until you add another, ${name} messages (scheduled ones included) cannot be sent.`;
  }
  const next = sender.isDefault ? `${senderAddress(others[0])} becomes the default, and ` : "";
  return `${next}messages waiting to go out from it are sent from the ${name} default sender instead.`;
}

function ProviderStatus({ configured }: { configured: SendersInfo["configured"] }) {
  const rows = [
    { name: "Twilio", channels: "SMS and WhatsApp", go: "go", on: configured.twilio, env: "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN" },
    { name: "Resend", channels: "Email", go: "goes", on: configured.resend, env: "RESEND_API_KEY" },
  ];
  return (
    <ul className="grid gap-2 border-b border-slate-200 px-5 py-3 text-sm sm:grid-cols-2">
      {rows.map((row) => (
        <li key={row.name} className="flex items-start gap-2">
          <Badge tone={row.on ? "green" : "amber"}>{row.on ? "Connected" : "Not configured"}</Badge>
          <span className="text-slate-700">
            <span className="font-medium text-slate-900">{row.name}</span>:{" "}
            {row.on ? `sends ${row.channels}.` : `${row.channels} ${row.go} through the built-in simulator. Set ${row.env} on the deployment to send for real.`}
          </span>
        </li>
      ))}
    </ul>
  );
}

function ChannelSenders({
  channel,
  senders,
  onAdd,
  onEdit,
  onRemove,
  onMakeDefault,
}: {
  channel: Channel;
  senders: Doc<"senders">[];
  onAdd: () => void;
  onEdit: (sender: Doc<"senders">) => void;
  onRemove: (sender: Doc<"senders">) => void;
  onMakeDefault: (sender: Doc<"senders">) => void;
}) {
  const senderAddress = useSenderAddress();
  const headingId = `senders-${channel}`;
  return (
    <section aria-labelledby={headingId} className="px-5 py-4">
      <h3 id={headingId} className="text-sm font-semibold text-slate-900">
        {CHANNEL_NAMES[channel]}
      </h3>
      {senders.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">
          No {CHANNEL_NAMES[channel]} sender: {CHANNEL_NAMES[channel]} messages cannot be sent.{" "}
          <button type="button" onClick={onAdd} className="font-medium text-indigo-700 underline underline-offset-2">
            Add one
          </button>
        </p>
      ) : (
        <ul className="mt-2 divide-y divide-slate-100 rounded-lg border border-slate-200">
          {senders.map((sender) => {
            const address = senderAddress(sender);
            return (
              <li key={sender._id} className="flex flex-wrap items-center gap-x-3 gap-y-2 px-3 py-2.5">
                <div className="min-w-0 flex-1 basis-48">
                  <p className="truncate font-medium text-slate-900">{address}</p>
                  <p className="truncate text-xs text-slate-600">
                    {[sender.label, `${sender.ratePerSecond.toLocaleString("en-US")} per second`, sender.messagingServiceSid ? `Messaging Service ${sender.messagingServiceSid}` : null]
                      .filter(Boolean)
                      .join(" · ")}
                  </p>
                </div>
                <div className="flex flex-wrap items-center gap-1.5">
                  <ProviderBadge provider={sender.provider} />
                  {sender.isDefault ? <Badge tone="green">Default</Badge> : null}
                </div>
                <div className="flex gap-1">
                  {sender.isDefault ? null : (
                    <Button size="sm" variant="ghost" onClick={() => onMakeDefault(sender)}>
                      Make default<span className="sr-only"> {address}</span>
                    </Button>
                  )}
                  <Button size="sm" variant="ghost" onClick={() => onEdit(sender)}>
                    Edit<span className="sr-only"> {address}</span>
                  </Button>
                  <Button size="sm" variant="danger-ghost" onClick={() => onRemove(sender)}>
                    Remove<span className="sr-only"> {address}</span>
                  </Button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
