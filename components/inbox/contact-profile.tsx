"use client";

/**
 * The contact beside the conversation: details (edited in the contacts dialog), groups, each
 * channel's state (opted out, no address, WhatsApp window), message statistics, "simulate a
 * reply" in simulator mode, and notes.
 */
import { useQuery } from "convex/react";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import type { Channel } from "@/convex/schema";
import { ContactDialog, type ContactDialogTarget } from "@/components/contacts/contact-dialog";
import { ContactTags } from "@/components/contacts/contact-tags";
import { formatFieldValue } from "@/lib/customFields";
import { CHANNEL_NAMES, CHANNEL_ORDER } from "@/lib/channelAvailability";
import { cn } from "@/lib/cn";
import { EMPTY_VALUE, formatDateTime } from "@/lib/format";
import { addressFor, whatsappWindowEndsAt } from "@/lib/outboundRules";
import { usePhoneFormat } from "@/lib/use-phone-format";
import { useNow } from "@/lib/use-now";
import { Button } from "@/components/ui/button";
import { CloseIcon, PencilIcon } from "@/components/ui/icons";
import { Skeleton } from "@/components/ui/skeleton";
import { Avatar } from "./avatar";
import { ChannelIcon } from "./channel-icon";
import { Notes } from "./notes";
import { SimulateReply, simulatedChannels } from "./simulate-reply";

export function ContactProfile({
  contact,
  timeZone,
  onClose,
  focusOnMount,
}: {
  contact: Doc<"contacts">;
  timeZone: string;
  /** Close the panel (narrow screens, where it covers the thread). */
  onClose: () => void;
  focusOnMount: boolean;
}) {
  const formatPhone = usePhoneFormat();
  const [dialog, setDialog] = useState<ContactDialogTarget | null>(null);
  const senders = useQuery(api.senders.list);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnMount) headingRef.current?.focus();
  }, [focusOnMount]);
  const simulate = senders ? simulatedChannels(contact, senders.configured) : [];

  return (
    // `relative`: screen-reader-only labels (absolutely positioned) stay inside this scroller.
    <div className="relative min-h-0 flex-1 overflow-y-auto">
      <div className="flex items-start gap-3 border-b border-slate-200 p-4">
        <Avatar name={contact.name} className="size-12 text-base" />
        <div className="min-w-0 flex-1">
          <h2 ref={headingRef} tabIndex={-1} dir="auto" className="truncate text-start text-base font-semibold text-slate-900 outline-none">
            {contact.name}
          </h2>
          <p className="text-xs text-slate-600">Contact details</p>
        </div>
        <Button size="sm" variant="ghost" onClick={() => setDialog({ kind: "edit", contact })}>
          <PencilIcon className="size-4" />
          Edit<span className="sr-only"> {contact.name}</span>
        </Button>
        <Button size="sm" variant="ghost" onClick={onClose} className="px-1.5 xl:hidden">
          <CloseIcon className="size-4" />
          <span className="sr-only">Close details</span>
        </Button>
      </div>

      <div className="space-y-5 p-4">
        <dl className="space-y-2 text-sm">
          <div>
            <dt className="text-xs font-medium text-slate-600">Phone</dt>
            <dd className="text-slate-900">{contact.phone ? formatPhone(contact.phone) : <None />}</dd>
          </div>
          <div>
            <dt className="text-xs font-medium text-slate-600">Email</dt>
            <dd className="break-all text-slate-900">{contact.email ?? <None />}</dd>
          </div>
          {contact.tags?.length ? (
            <div>
              <dt className="text-xs font-medium text-slate-600">Tags</dt>
              <dd className="mt-0.5">
                <ContactTags tags={contact.tags} max={20} />
              </dd>
            </div>
          ) : null}
          <CustomFieldValues contact={contact} />
        </dl>

        <ChannelStates contact={contact} timeZone={timeZone} />

        <section aria-labelledby="profile-stats">
          <h3 id="profile-stats" className="text-sm font-semibold text-slate-900">
            Messages
          </h3>
          <dl className="mt-2 grid grid-cols-2 gap-2">
            <Stat label="Sent" value={(contact.sentCount ?? 0).toLocaleString("en-US")} />
            <Stat label="Received" value={(contact.receivedCount ?? 0).toLocaleString("en-US")} />
            <div className="col-span-2 flex items-baseline justify-between gap-2 text-sm">
              <dt className="text-slate-600">Last contact</dt>
              <dd className="text-right font-medium text-slate-900">
                {contact.lastMessageAt ? formatDateTime(contact.lastMessageAt, { timeZone }) : <None />}
              </dd>
            </div>
          </dl>
        </section>

        <Groups contact={contact} />

        {simulate.length > 0 ? <SimulateReply key={contact._id} contact={contact} channels={simulate} /> : null}

        <Notes contactId={contact._id} />
      </div>

      <ContactDialog target={dialog} onClose={() => setDialog(null)} onOpenContact={(contactId) => setDialog({ kind: "open", contactId })} />
    </div>
  );
}

function None() {
  return (
    <span className="text-slate-500">
      <span aria-hidden="true">{EMPTY_VALUE}</span>
      <span className="sr-only">none</span>
    </span>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-lg bg-slate-50 px-3 py-2 ring-1 ring-slate-200">
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className="text-lg font-semibold text-slate-900 tabular-nums">{value}</dd>
    </div>
  );
}

function ChannelStates({ contact, timeZone }: { contact: Doc<"contacts">; timeZone: string }) {
  const now = useNow(60_000);
  return (
    <section aria-labelledby="profile-channels">
      <h3 id="profile-channels" className="text-sm font-semibold text-slate-900">
        Channels
      </h3>
      <ul className="mt-2 space-y-1.5 text-sm">
        {CHANNEL_ORDER.map((channel) => {
          const { text, tone } = channelState(contact, channel, now, timeZone);
          return (
            <li key={channel} className="flex items-start gap-2">
              <ChannelIcon channel={channel} className="mt-0.5 size-4 shrink-0 text-slate-500" decorative />
              <span className="w-20 shrink-0 font-medium text-slate-800">{CHANNEL_NAMES[channel]}</span>
              <span
                className={cn(
                  "min-w-0",
                  tone === "ok" && "text-green-800",
                  tone === "off" && "font-medium text-red-700",
                  tone === "muted" && "text-slate-600",
                )}
              >
                {text}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function channelState(contact: Doc<"contacts">, channel: Channel, now: number, timeZone: string): { text: string; tone: "ok" | "off" | "muted" } {
  if (!addressFor(contact, channel)) return { text: channel === "email" ? "No email address" : "No phone number", tone: "muted" };
  if (contact.optedOut[channel]) return { text: "Opted out", tone: "off" };
  if (channel === "whatsapp") {
    const endsAt = whatsappWindowEndsAt(contact);
    if (endsAt === null) return { text: "Subscribed · window opens when they write", tone: "muted" };
    if (endsAt <= now) return { text: "Subscribed · 24-hour window closed", tone: "muted" };
    return { text: `Window open until ${formatDateTime(endsAt, { timeZone })}`, tone: "ok" };
  }
  return { text: "Subscribed", tone: "ok" };
}

/** The contact's custom field values, in the account's field order (fields without a value are left out). */
function CustomFieldValues({ contact }: { contact: Doc<"contacts"> }) {
  const defs = useQuery(api.customFields.list, contact.fields ? {} : "skip");
  if (!contact.fields || defs === undefined) return null;
  return (
    <>
      {defs.map((def) => {
        const value = contact.fields?.[def.key];
        if (value === undefined) return null;
        return (
          <div key={def._id}>
            <dt className="text-xs font-medium text-slate-600">{def.label}</dt>
            <dd className="break-words text-slate-900">{formatFieldValue(def, value)}</dd>
          </div>
        );
      })}
    </>
  );
}

function Groups({ contact }: { contact: Doc<"contacts"> }) {
  const groups = useQuery(api.groups.listForContact, { contactId: contact._id });
  return (
    <section aria-labelledby="profile-groups">
      <h3 id="profile-groups" className="text-sm font-semibold text-slate-900">
        Groups
      </h3>
      {groups === undefined ? (
        <div role="status" className="mt-2 flex gap-2">
          <span className="sr-only">Loading groups…</span>
          <Skeleton className="h-6 w-20 rounded-full" />
          <Skeleton className="h-6 w-16 rounded-full" />
        </div>
      ) : groups.length === 0 ? (
        <p className="mt-1 text-sm text-slate-600">In no group.</p>
      ) : (
        <ul className="mt-2 flex flex-wrap gap-1.5">
          {groups.map((group) => (
            <li key={group._id}>
              <Link
                href={`/groups/${group._id}`}
                className="inline-flex rounded-full bg-indigo-50 px-2.5 py-0.5 text-xs font-medium text-indigo-800 ring-1 ring-indigo-200 ring-inset hover:bg-indigo-100"
              >
                {group.name}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
