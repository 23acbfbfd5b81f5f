"use client";

/**
 * One open conversation: the thread with its header and composer, and the contact's profile
 * beside it (or over it on narrow screens). Loaded on demand by the inbox (next/dynamic), so
 * the list shows without this code; hovering or focusing a conversation preloads it.
 */
import { useQuery } from "convex/react";
import { useEffect, useMemo, useRef } from "react";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import type { Channel } from "@/convex/schema";
import { cn } from "@/lib/cn";
import { usePhoneFormat } from "@/lib/use-phone-format";
import { useTimeZone } from "@/lib/use-time-zone";
import { Button, buttonClasses } from "@/components/ui/button";
import { ArrowLeftIcon } from "@/components/ui/icons";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDateTime } from "@/lib/format";
import { isShortcutEvent } from "@/lib/shortcuts";
import { Avatar } from "./avatar";
import { ConversationActions } from "./conversation-actions";
import { Composer } from "./composer";
import { ContactProfile } from "./contact-profile";
import { ConversationSkeleton } from "./conversation-skeleton";
import { InfoIcon } from "./icons";
import { MuteButton } from "./mute-button";
import { Thread, type ThreadHandle } from "./thread";
import type { InboxLocation, InboxPanel } from "./use-inbox-url";

export function Conversation({
  contactId,
  panel,
  focusMessageId,
  go,
}: {
  contactId: Id<"contacts">;
  panel: InboxPanel;
  /** A message to show and mark (a search result). */
  focusMessageId?: Id<"messages"> | null;
  go: (next: InboxLocation) => void;
}) {
  const contact = useQuery(api.contacts.get, { contactId });
  const senders = useQuery(api.senders.list);
  const senderChannels = useMemo(() => (senders ? new Set<Channel>(senders.senders.map((s) => s.channel)) : undefined), [senders]);
  const timeZone = useTimeZone();
  const threadRef = useRef<ThreadHandle>(null);
  const detailsButton = useRef<HTMLButtonElement>(null);
  const showProfile = panel === "profile";

  // Back from the profile panel: focus returns to the button that opened it.
  const wasOpen = useRef(showProfile);
  useEffect(() => {
    if (wasOpen.current && !showProfile) detailsButton.current?.focus();
    wasOpen.current = showProfile;
  }, [showProfile]);

  // C: write in the composer.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key.toLowerCase() !== "c" || !isShortcutEvent(event)) return;
      const box = document.querySelector<HTMLTextAreaElement>("form[data-composer] textarea");
      if (!box) return;
      event.preventDefault();
      box.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  // Escape closes the profile where it covers the thread.
  useEffect(() => {
    if (!showProfile) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" && !document.querySelector("dialog[open]")) go({ panel: null });
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [showProfile, go]);

  return (
    <>
      <section
        aria-label="Conversation"
        className={cn("min-h-0 min-w-0 flex-1 flex-col bg-slate-50", showProfile ? "hidden lg:flex" : "flex")}
      >
        {contact === undefined ? (
          <ConversationSkeleton />
        ) : (
          <>
            <ThreadHeader
              contact={contact}
              timeZone={timeZone}
              detailsOpen={showProfile}
              detailsButton={detailsButton}
              onBack={() => go({ contactId: null })}
              onToggleDetails={() => go({ panel: showProfile ? null : "profile" })}
            />
            <Thread key={contactId} contact={contact} timeZone={timeZone} focusMessageId={focusMessageId ?? null} ref={threadRef} />
            <Composer
              key={`composer-${contactId}`}
              contact={contact}
              senderChannels={senderChannels}
              timeZone={timeZone}
              onSending={() => threadRef.current?.scrollToEnd()}
            />
          </>
        )}
      </section>
      <aside
        aria-label="Contact details"
        className={cn(
          "min-h-0 flex-col border-slate-200 bg-white",
          showProfile ? "flex w-full lg:absolute lg:inset-y-0 lg:right-0 lg:z-10 lg:w-96 lg:border-l lg:shadow-xl" : "hidden",
          "xl:static xl:flex xl:w-80 xl:border-l xl:shadow-none 2xl:w-96",
        )}
      >
        {contact === undefined ? (
          <div role="status" className="space-y-3 p-4">
            <span className="sr-only">Loading contact…</span>
            <Skeleton className="h-12 w-full" />
            <Skeleton className="h-24 w-full" />
          </div>
        ) : (
          <ContactProfile contact={contact} timeZone={timeZone} onClose={() => go({ panel: null })} focusOnMount={showProfile} />
        )}
      </aside>
    </>
  );
}

function ThreadHeader({
  contact,
  timeZone,
  detailsOpen,
  detailsButton,
  onBack,
  onToggleDetails,
}: {
  contact: Doc<"contacts">;
  timeZone: string;
  detailsOpen: boolean;
  detailsButton: React.Ref<HTMLButtonElement>;
  onBack: () => void;
  onToggleDetails: () => void;
}) {
  const formatPhone = usePhoneFormat();
  const address = [contact.phone ? formatPhone(contact.phone) : null, contact.email].filter(Boolean).join(" · ");
  return (
    <header className="flex items-center gap-2 border-b border-slate-200 bg-white px-2 py-2 sm:px-4">
      <Button size="sm" variant="ghost" onClick={onBack} className="px-1.5 lg:hidden">
        <ArrowLeftIcon className="size-5" />
        <span className="sr-only">Back to conversations</span>
      </Button>
      <Avatar name={contact.name} className="size-9" />
      <div className="min-w-0 flex-1">
        <h2 dir="auto" className="truncate text-start text-base font-semibold text-slate-900">{contact.name}</h2>
        <p className="truncate text-xs text-slate-600">
          {contact.inboxState === "done" ? <span className="font-medium text-emerald-800">Done · </span> : null}
          {contact.inboxState === "snoozed" && contact.snoozedUntil ? (
            <span className="font-medium text-amber-800">Snoozed until {formatDateTime(contact.snoozedUntil, { timeZone })} · </span>
          ) : null}
          {address}
        </p>
      </div>
      <MuteButton contactId={contact._id} name={contact.name} />
      <ConversationActions contact={contact} timeZone={timeZone} onLeave={onBack} />
      <button
        ref={detailsButton}
        type="button"
        aria-expanded={detailsOpen}
        onClick={onToggleDetails}
        className={buttonClasses({ variant: "ghost", size: "sm", className: "xl:hidden" })}
      >
        <InfoIcon className="size-5" />
        <span className="sr-only sm:not-sr-only">Details</span>
      </button>
    </header>
  );
}
