"use client";

/**
 * The unified inbox: conversations | thread + composer | contact profile. Three panes from
 * 1280px; from 1024px the profile opens over the thread; below that one pane at a time (list →
 * thread → profile), driven by the URL (`?contact=…&panel=profile`) so Back works on a phone.
 */
import dynamic from "next/dynamic";
import { useEffect, useState } from "react";
import { isShortcutEvent } from "@/lib/shortcuts";
import { appErrorOf } from "@/lib/app-error";
import { cn } from "@/lib/cn";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorBoundary } from "@/components/ui/error-boundary";
import { AlertIcon, ChatIcon } from "@/components/ui/icons";
import { ConversationList } from "./conversation-list";
import { ConversationSkeleton } from "./conversation-skeleton";
import { ShortcutsHelp } from "./shortcuts-help";
import { useInboxUrl } from "./use-inbox-url";

const loadConversation = () => import("./conversation");
/** Start loading the conversation pane's code (e.g. when a row is hovered), so opening it is instant. */
export function preloadConversation(): void {
  void loadConversation();
}
// A link straight to a conversation: fetch its pane along with the page, not after the session check.
if (typeof window !== "undefined" && new URLSearchParams(window.location.search).has("contact")) preloadConversation();

const Conversation = dynamic(() => loadConversation().then((m) => m.Conversation), {
  ssr: false,
  loading: () => (
    <section aria-label="Conversation" className="flex min-h-0 min-w-0 flex-1 flex-col bg-slate-50">
      <ConversationSkeleton />
    </section>
  ),
});

/** `?` anywhere in the inbox opens the list of keyboard shortcuts. */
function useShortcutsHelp(): [boolean, () => void] {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "?" || !isShortcutEvent(event)) return;
      event.preventDefault();
      setOpen(true);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  return [open, () => setOpen(false)];
}

export function InboxView() {
  const { contactId, panel, messageId, go } = useInboxUrl();
  const [helpOpen, closeHelp] = useShortcutsHelp();
  return (
    // With a conversation open, a phone shows it alone (the app's bars hide: components/shell/app-shell.tsx).
    <div className="relative flex h-full min-h-0 bg-white" data-phone-fullscreen={contactId ? "" : undefined}>
      {/* The list (and its "Inbox" heading) is hidden below 1024px while a conversation is open. */}
      {contactId ? <h1 className="sr-only lg:hidden">Inbox</h1> : null}
      <section
        aria-label="Conversations"
        className={cn(
          "min-h-0 w-full flex-col border-slate-200 lg:flex lg:w-80 lg:shrink-0 lg:border-r xl:w-[22rem]",
          contactId ? "hidden" : "flex",
        )}
      >
        <ConversationList
          selectedId={contactId}
          onSelect={(id) => go({ contactId: id })}
          onOpenMessage={(id, message) => go({ contactId: id, messageId: message })}
          onIntent={preloadConversation}
        />
      </section>
      {contactId ? (
        <ErrorBoundary key={contactId} fallback={(error) => <ConversationError error={error} onBack={() => go({ contactId: null })} />}>
          <Conversation contactId={contactId} panel={panel} focusMessageId={messageId} go={go} />
        </ErrorBoundary>
      ) : (
        <div className="hidden min-w-0 flex-1 items-center justify-center bg-slate-50 lg:flex">
          <EmptyState
            level={2}
            icon={<ChatIcon />}
            title="Pick a conversation"
            description="Choose one on the left, or search for any contact to start one. Replies and delivery updates arrive live."
          />
        </div>
      )}
      <ShortcutsHelp open={helpOpen} onClose={closeHelp} />
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
