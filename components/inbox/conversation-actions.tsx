"use client";

/**
 * What a person does with an open conversation: mark it done (or reopen it), snooze it until a
 * time, or mark it unread — as buttons in the thread header and as keyboard shortcuts (E, S, U;
 * the `?` dialog lists them all). Each takes the conversation out of view and offers Undo.
 */
import { useMutation } from "convex/react";
import { useEffect, useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import { formatDateTime } from "@/lib/format";
import { parseDateTimeLocalValue, snoozeTimes, toDateTimeLocalValue, zoneLabel } from "@/lib/schedule";
import { isShortcutEvent } from "@/lib/shortcuts";
import { toastError } from "@/lib/use-mutation-with-toast";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Input } from "@/components/ui/field";
import { CheckIcon, ClockIcon } from "./icons";
import { holdUnread } from "./thread";

export function ConversationActions({ contact, timeZone, onLeave }: { contact: Doc<"contacts">; timeZone: string; onLeave: () => void }) {
  const markDone = useMutation(api.inbox.markDone);
  const reopen = useMutation(api.inbox.reopen);
  const markUnread = useMutation(api.inbox.markUnread);
  const markRead = useMutation(api.inbox.markRead);
  const [snoozing, setSnoozing] = useState(false);
  const contactId = contact._id;
  const state = contact.inboxState;

  async function run(action: () => Promise<unknown>, done: string, undo?: () => Promise<unknown>) {
    try {
      await action();
      toast.success(done, undo ? { action: { label: "Undo", onClick: () => void undo().catch((e: unknown) => toastError(e)) } } : undefined);
    } catch (error) {
      toastError(error);
    }
  }

  const toggleDone = () => {
    if (state === "done" || state === "snoozed") void run(() => reopen({ contactId }), `${contact.name} is open again`);
    else {
      onLeave();
      void run(() => markDone({ contactId }), `${contact.name} marked done`, () => reopen({ contactId }));
    }
  };
  const unread = () => {
    holdUnread(contactId);
    onLeave();
    void run(() => markUnread({ contactId }), `${contact.name} marked unread`, () => markRead({ contactId }));
  };

  // E, S, U while the conversation is open.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isShortcutEvent(event)) return;
      const key = event.key.toLowerCase();
      if (key === "e") toggleDone();
      else if (key === "s") setSnoozing(true);
      else if (key === "u") unread();
      else return;
      event.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  });

  const closed = state === "done" || state === "snoozed";
  return (
    <>
      <div className="flex items-center gap-1" role="group" aria-label="Conversation">
        <Button size="sm" variant="ghost" onClick={toggleDone} title={closed ? "Reopen (E)" : "Done (E)"} aria-keyshortcuts="E">
          <CheckIcon className="size-4" />
          <span className="sr-only md:not-sr-only">{closed ? "Reopen" : "Done"}</span>
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setSnoozing(true)} title="Snooze (S)" aria-keyshortcuts="S">
          <ClockIcon className="size-4" />
          <span className="sr-only md:not-sr-only">Snooze</span>
        </Button>
        <Button size="sm" variant="ghost" onClick={unread} title="Mark unread (U)" aria-keyshortcuts="U">
          <span aria-hidden="true" className="size-2 rounded-full bg-indigo-600" />
          <span className="sr-only md:not-sr-only">Unread</span>
          <span className="sr-only"> (mark unread)</span>
        </Button>
      </div>
      {state === "snoozed" && contact.snoozedUntil ? (
        <p className="sr-only">Snoozed until {formatDateTime(contact.snoozedUntil, { timeZone })}</p>
      ) : null}
      <SnoozeDialog
        open={snoozing}
        onClose={() => setSnoozing(false)}
        contact={contact}
        timeZone={timeZone}
        onSnoozed={onLeave}
      />
    </>
  );
}

function SnoozeDialog({
  open,
  onClose,
  contact,
  timeZone,
  onSnoozed,
}: {
  open: boolean;
  onClose: () => void;
  contact: Doc<"contacts">;
  timeZone: string;
  onSnoozed: () => void;
}) {
  const snooze = useMutation(api.inbox.snooze);
  const reopen = useMutation(api.inbox.reopen);
  const [now] = useState(() => Date.now());
  const [value, setValue] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const formId = useId();

  async function snoozeUntil(until: number) {
    setBusy(true);
    try {
      await snooze({ contactId: contact._id, until });
      onClose();
      onSnoozed();
      toast.success(`${contact.name} snoozed until ${formatDateTime(until, { timeZone })}`, {
        action: { label: "Undo", onClick: () => void reopen({ contactId: contact._id }).catch((e: unknown) => toastError(e)) },
      });
    } catch (e) {
      toastError(e);
    } finally {
      setBusy(false);
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const at = parseDateTimeLocalValue(value, timeZone);
    if (at === null) return setError("Pick a date and time.");
    if (at <= Date.now()) return setError("Pick a time in the future.");
    setError(undefined);
    void snoozeUntil(at);
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={`Snooze ${contact.name}`}
      description="The conversation leaves the open list and comes back at this time, or sooner if they write."
      size="sm"
      dismissible={!busy}
    >
      <div className="space-y-4">
        <ul className="grid gap-2" aria-label="Quick choices">
          {snoozeTimes(now, timeZone).map((choice, i) => (
            <li key={choice.label}>
              <Button className="w-full justify-between" onClick={() => void snoozeUntil(choice.at)} disabled={busy} data-autofocus={i === 0 ? "" : undefined}>
                <span>{choice.label}</span>
                <span className="text-xs font-normal text-slate-600">{formatDateTime(choice.at, { timeZone })}</span>
              </Button>
            </li>
          ))}
        </ul>
        <form id={formId} onSubmit={onSubmit} noValidate className="space-y-2">
          <Input
            label="Until"
            type="datetime-local"
            value={value}
            min={toDateTimeLocalValue(Math.ceil(now / 60_000) * 60_000, timeZone)}
            onChange={(e) => setValue(e.target.value)}
            hint={`Your time zone: ${zoneLabel(timeZone, now)}`}
            error={error}
          />
          <Button type="submit" variant="primary" loading={busy}>
            Snooze
          </Button>
        </form>
      </div>
    </Dialog>
  );
}
