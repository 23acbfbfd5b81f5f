"use client";

/**
 * The unified inbox: conversations | thread + composer | contact profile. Three panes from
 * 1280px; from 1024px the profile opens over the thread; below that one pane at a time (list →
 * thread → profile), driven by the URL (`?contact=…&panel=profile`) so Back works on a phone.
 */
import { useQuery } from "convex/react";
import { useEffect, useMemo, useRef } from "react";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import type { Channel } from "@/convex/schema";
import { appErrorOf } from "@/lib/app-error";
import { cn } from "@/lib/cn";
import { formatPhone } from "@/lib/phone";
import { viewerTimeZone } from "@/lib/schedule";
import { buttonClasses, Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorBoundary } from "@/components/ui/error-boundary";
import { AlertIcon, ArrowLeftIcon, ChatIcon } from "@/components/ui/icons";
import { Skeleton } from "@/components/ui/skeleton";
import { Avatar } from "./avatar";
import { Composer } from "./composer";
import { ContactProfile } from "./contact-profile";
import { ConversationList } from "./conversation-list";
import { InfoIcon } from "./icons";
import { Thread, type ThreadHandle } from "./thread";
import { useInboxUrl, type InboxLocation, type InboxPanel } from "./use-inbox-url";

export function InboxView() {
  const { contactId, panel, go } = useInboxUrl();
  return (
    <div className="relative flex h-full min-h-0 bg-white">
      <section
        aria-label="Conversations"
        className={cn(
          "min-h-0 w-full flex-col border-slate-200 lg:flex lg:w-80 lg:shrink-0 lg:border-r xl:w-[22rem]",
          contactId ? "hidden" : "flex",
        )}
      >
        <ConversationList selectedId={contactId} onSelect={(id) => go({ contactId: id })} />
      </section>
      {contactId ? (
        <ErrorBoundary key={contactId} fallback={(error) => <ConversationError error={error} onBack={() => go({ contactId: null })} />}>
          <Conversation contactId={contactId} panel={panel} go={go} />
        </ErrorBoundary>
      ) : (
        <div className="hidden min-w-0 flex-1 items-center justify-center bg-slate-50 lg:flex">
          <EmptyState
            icon={<ChatIcon />}
            title="Pick a conversation"
            description="Choose one on the left, or search for any contact to start one. Replies and delivery updates arrive live."
          />
        </div>
      )}
    </div>
  );
}

function Conversation({
  contactId,
  panel,
  go,
}: {
  contactId: Id<"contacts">;
  panel: InboxPanel;
  go: (next: InboxLocation) => void;
}) {
  const contact = useQuery(api.contacts.get, { contactId });
  const senders = useQuery(api.senders.list);
  const senderChannels = useMemo(() => (senders ? new Set<Channel>(senders.senders.map((s) => s.channel)) : undefined), [senders]);
  const timeZone = useMemo(() => viewerTimeZone(), []);
  const threadRef = useRef<ThreadHandle>(null);
  const detailsButton = useRef<HTMLButtonElement>(null);
  const showProfile = panel === "profile";

  // Back from the profile panel: focus returns to the button that opened it.
  const wasOpen = useRef(showProfile);
  useEffect(() => {
    if (wasOpen.current && !showProfile) detailsButton.current?.focus();
    wasOpen.current = showProfile;
  }, [showProfile]);

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
              detailsOpen={showProfile}
              detailsButton={detailsButton}
              onBack={() => go({ contactId: null })}
              onToggleDetails={() => go({ panel: showProfile ? null : "profile" })}
            />
            <Thread key={contactId} contact={contact} timeZone={timeZone} ref={threadRef} />
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
  detailsOpen,
  detailsButton,
  onBack,
  onToggleDetails,
}: {
  contact: Doc<"contacts">;
  detailsOpen: boolean;
  detailsButton: React.Ref<HTMLButtonElement>;
  onBack: () => void;
  onToggleDetails: () => void;
}) {
  const address = [contact.phone ? formatPhone(contact.phone) : null, contact.email].filter(Boolean).join(" · ");
  return (
    <header className="flex items-center gap-2 border-b border-slate-200 bg-white px-2 py-2 sm:px-4">
      <Button size="sm" variant="ghost" onClick={onBack} className="px-1.5 lg:hidden">
        <ArrowLeftIcon className="size-5" />
        <span className="sr-only">Back to conversations</span>
      </Button>
      <Avatar name={contact.name} className="size-9" />
      <div className="min-w-0 flex-1">
        <h2 className="truncate text-base font-semibold text-slate-900">{contact.name}</h2>
        <p className="truncate text-xs text-slate-600">{address}</p>
      </div>
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

function ConversationSkeleton() {
  return (
    <div role="status" className="flex flex-1 flex-col">
      <span className="sr-only">Loading conversation…</span>
      <div className="flex items-center gap-3 border-b border-slate-200 bg-white p-3">
        <Skeleton className="size-9 rounded-full" />
        <div className="space-y-1.5">
          <Skeleton className="h-4 w-40" />
          <Skeleton className="h-3 w-28" />
        </div>
      </div>
      <div className="flex flex-1 flex-col justify-end gap-3 p-5">
        <Skeleton className="h-10 w-1/2 rounded-2xl" />
        <Skeleton className="ml-auto h-10 w-2/5 rounded-2xl" />
      </div>
      <div className="border-t border-slate-200 bg-white p-4">
        <Skeleton className="h-20 w-full" />
      </div>
    </div>
  );
}

function ConversationError({ error, onBack }: { error: unknown; onBack: () => void }) {
  const notFound = appErrorOf(error)?.code === "NOT_FOUND";
  useEffect(() => {
    if (!notFound) console.error(error);
  }, [error, notFound]);
  return (
    <div role="alert" className="flex min-w-0 flex-1 items-center justify-center bg-slate-50 p-6">
      <div className="max-w-sm text-center">
        <div className="mx-auto mb-3 grid size-10 place-items-center rounded-full bg-red-50 text-red-700">
          <AlertIcon />
        </div>
        <h2 className="text-base font-semibold text-slate-900">{notFound ? "Conversation not found" : "This conversation could not be loaded"}</h2>
        <p className="mt-1 text-sm text-slate-600">
          {notFound ? "The contact may have been deleted, or the link is wrong." : "Something went wrong. Try again in a moment."}
        </p>
        <button type="button" onClick={onBack} className={cn(buttonClasses(), "mt-4")}>
          Back to the inbox
        </button>
      </div>
    </div>
  );
}
