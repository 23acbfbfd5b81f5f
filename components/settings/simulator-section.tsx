"use client";

import { useAction } from "convex/react";
import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import type { Channel } from "@/convex/schema";
import { appErrorOf } from "@/lib/app-error";
import { CHANNEL_NAMES } from "@/lib/channelAvailability";
import { describeError } from "@/lib/errors";
import { formatCount } from "@/lib/format";
import { usePhoneFormat } from "@/lib/use-phone-format";
import { useContactRows } from "@/components/contacts/use-contact-rows";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormError, Input, SearchInput, Select, Textarea } from "@/components/ui/field";
import { SkeletonRows } from "@/components/ui/skeleton";
import { simulatedChannels, useSenders } from "./use-senders";

const PICKER_SIZE = 8;

/** "SMS", "SMS and email", "SMS, WhatsApp and email". */
function listOf(names: string[]): string {
  const lower = names.map((n, i) => (i > 0 && n === "Email" ? "email" : n));
  return lower.length <= 1 ? (lower[0] ?? "") : `${lower.slice(0, -1).join(", ")} and ${lower[lower.length - 1]}`;
}

type Outcome = { ok: true; contact: Doc<"contacts">; channel: Channel } | { ok: false; message: string };

/**
 * Simulator mode only: make a contact "text in" or "email in". The backend posts a signed
 * request to the app's own webhook route, so it arrives exactly as a provider's would.
 */
export function SimulatorSection() {
  const info = useSenders();
  if (info === undefined) return null;
  const channels = simulatedChannels(info.configured);
  if (channels.length === 0) return null;
  return (
    <div id="simulator" className="scroll-mt-6">
      <Card
        title="Simulator"
        description={`${listOf(channels.map((c) => CHANNEL_NAMES[c]))} ${channels.length === 1 ? "goes" : "go"} through the built-in simulator. Make a contact write to you: the message comes in through the same signed webhook a provider would call.`}
      >
        <SimulatorForm channels={channels} />
      </Card>
    </div>
  );
}

function SimulatorForm({ channels }: { channels: Channel[] }) {
  const formatPhone = usePhoneFormat();
  const [search, setSearch] = useState("");
  const { mode, rows } = useContactRows(search, { kind: "all" }, PICKER_SIZE);
  const [contact, setContact] = useState<Doc<"contacts"> | null>(null);
  const [channel, setChannel] = useState<Channel>(channels[0]);
  const [errors, setErrors] = useState<{ contact?: string; content?: string; subject?: string }>({});
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const simulate = useAction(api.webhooks.simulate.simulateInbound);
  const legendId = useId();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const content = String(form.get("content") ?? "");
    const subject = String(form.get("subject") ?? "").trim();
    const found: typeof errors = {};
    if (!contact) found.contact = "Choose a contact.";
    if (!content.trim()) found.content = "Write the message.";
    setErrors(found);
    if (!contact || Object.keys(found).length > 0) return;
    setBusy(true);
    setOutcome(null);
    try {
      await simulate({ contactId: contact._id, channel, content, ...(channel === "email" && subject ? { subject } : {}) });
      setOutcome({ ok: true, contact, channel });
      const textarea = formEl.elements.namedItem("content");
      if (textarea instanceof HTMLTextAreaElement) textarea.value = "";
    } catch (error) {
      const data = appErrorOf(error);
      setOutcome({ ok: false, message: data ? data.message : describeError(error) });
    } finally {
      setBusy(false);
    }
  }

  const address = (c: Doc<"contacts">) => [c.phone ? formatPhone(c.phone) : null, c.email].filter(Boolean).join(" · ");

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4 px-5 py-4">
      <fieldset aria-describedby={errors.contact ? `${legendId}-error` : undefined}>
        <legend id={legendId} className="mb-1.5 text-sm font-medium text-slate-800">
          From contact
        </legend>
        <SearchInput
          label="Search contacts"
          hideLabel
          placeholder="Search by name, phone or email"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <div className="mt-2 rounded-md border border-slate-200">
          {rows === undefined ? (
            <SkeletonRows rows={3} label="Loading contacts…" />
          ) : rows.length === 0 ? (
            <p className="px-3 py-4 text-center text-sm text-slate-600">
              {mode === "search" ? "No contact matches that search." : "You have no contacts yet: add one on the Contacts page."}
            </p>
          ) : (
            <ul className="max-h-56 divide-y divide-slate-100 overflow-y-auto">
              {rows.slice(0, PICKER_SIZE).map((c) => (
                <li key={c._id}>
                  <label className="flex cursor-pointer items-center gap-3 px-3 py-2 text-sm hover:bg-slate-50">
                    <input
                      type="radio"
                      name="simulator-contact"
                      checked={contact?._id === c._id}
                      onChange={() => setContact(c)}
                      className="size-4 accent-indigo-600"
                    />
                    <span className="min-w-0 flex-1">
                      <span dir="auto" className="block truncate text-start font-medium text-slate-900">{c.name}</span>
                      <span className="block truncate text-slate-600">{address(c)}</span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </div>
        {rows && rows.length > PICKER_SIZE ? (
          <p className="mt-1 text-xs text-slate-600">Showing {formatCount(PICKER_SIZE, "contact")}: search to find others.</p>
        ) : null}
        {contact && !rows?.some((c) => c._id === contact._id) ? (
          <p className="mt-1 text-xs text-slate-700">Selected: {contact.name}</p>
        ) : null}
        {errors.contact ? (
          <p id={`${legendId}-error`} className="mt-1 text-sm text-red-700">
            {errors.contact}
          </p>
        ) : null}
      </fieldset>

      <Select label="Channel" value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
        {channels.map((c) => (
          <option key={c} value={c}>
            {CHANNEL_NAMES[c]}
          </option>
        ))}
      </Select>
      {channel === "email" ? <Input label="Subject" name="subject" autoComplete="off" maxLength={300} error={errors.subject} /> : null}
      <Textarea label="Message" name="content" rows={3} maxLength={5000} error={errors.content} hint="Ctrl+Enter (⌘+Enter) sends." />

      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" loading={busy}>
          {channel === "email" ? "Email in" : "Text in"}
        </Button>
        <div aria-live="polite" className="min-w-0 flex-1 text-sm">
          {outcome?.ok ? (
            <p className="text-green-800">
              {outcome.contact.name}&rsquo;s {CHANNEL_NAMES[outcome.channel]} message came in.{" "}
              <Link href={`/inbox?contact=${outcome.contact._id}`} className="font-medium text-indigo-700 underline underline-offset-2">
                Open the conversation
              </Link>
            </p>
          ) : null}
        </div>
      </div>
      {outcome && !outcome.ok ? <FormError>Not delivered: {outcome.message}</FormError> : null}
    </form>
  );
}
