"use client";

/**
 * A conversation's messages, oldest at the top, grouped by day. Opens at the latest message
 * and follows new ones while the reader is at the bottom; a reader who scrolled up gets a
 * "new messages" pill instead. Older pages load when scrolling near the top, keeping the
 * reading position. Virtualized with measured rows (TanStack Virtual, anchored to the end),
 * so a 10,000-message thread keeps a few dozen rows in the DOM.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useMutation, usePaginatedQuery } from "convex/react";
import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type Ref } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import { cn } from "@/lib/cn";
import { formatDateTime } from "@/lib/format";
import { buildThreadItems, type ThreadItem } from "@/lib/threadItems";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { useNow } from "@/lib/use-now";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { ChatIcon } from "@/components/ui/icons";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { ArrowDownIcon } from "./icons";
import { MessageRow, type MessageActions } from "./message-row";

export const THREAD_PAGE_SIZE = 30;
const OLDER_PAGE_SIZE = 50;
/** Within this many px of the top, the next older page loads. */
const LOAD_OLDER_AT = 600;
/** Within this many px of the bottom counts as "reading the latest". */
const AT_END = 80;

type Row = ThreadItem<Doc<"messages">> | { kind: "start"; key: string };

export type ThreadHandle = { scrollToEnd: () => void };

/** How far back a search result is looked for (pages of FIND_PAGE_SIZE). */
const FIND_PAGE_SIZE = 200;
const FIND_MAX_PAGES = 25;

export function Thread({
  contact,
  timeZone,
  focusMessageId = null,
  ref,
}: {
  contact: Doc<"contacts">;
  timeZone: string;
  /** Scroll to this message and mark it (a search result), loading older pages until it is in. */
  focusMessageId?: Id<"messages"> | null;
  ref?: Ref<ThreadHandle>;
}) {
  const contactId = contact._id;
  const { results, status, loadMore } = usePaginatedQuery(api.messages.thread, { contactId }, { initialNumItems: THREAD_PAGE_SIZE });
  const now = useNow(60_000);
  const rows = useMemo<Row[]>(() => {
    const items: Row[] = buildThreadItems(results, now, { timeZone });
    return status === "Exhausted" && items.length > 0 ? [{ kind: "start", key: "start" }, ...items] : items;
  }, [results, now, timeZone, status]);

  // A search result further back than the loaded pages: load older ones until it is in.
  const focusLoaded = focusMessageId !== null && results.some((m) => m._id === focusMessageId);
  const findPages = useRef(0);
  useEffect(() => {
    if (focusMessageId === null || focusLoaded || status !== "CanLoadMore" || findPages.current >= FIND_MAX_PAGES) return;
    findPages.current += 1;
    loadMore(FIND_PAGE_SIZE);
  }, [focusMessageId, focusLoaded, status, loadMore]);

  // Whether the reader sees the latest message: only then do new messages count as read.
  const [readingLatest, setReadingLatest] = useState(true);
  useMarkRead(contact, readingLatest);

  const [cancelling, setCancelling] = useState<Doc<"messages"> | null>(null);
  // After a cancel the button that opened the dialog is gone: focus goes to the thread instead.
  // (This effect runs after the dialog's own focus restore, which finds nothing to return to.)
  const focusThreadOnClose = useRef(false);
  useEffect(() => {
    if (cancelling !== null || !focusThreadOnClose.current) return;
    focusThreadOnClose.current = false;
    document.querySelector<HTMLElement>("[data-thread-scroller]")?.focus();
  }, [cancelling]);
  const [cancel] = useMutationWithToast(api.messages.cancel);
  const [retry] = useMutationWithToast(api.messages.retry);
  const actions = useMemo<MessageActions>(
    () => ({
      onCancel: setCancelling,
      onRetry: (message) => void retry({ messageId: message._id }),
    }),
    [retry],
  );

  if (status === "LoadingFirstPage") return <ThreadSkeleton />;
  if (rows.length === 0) {
    return (
      <div className="flex flex-1 items-center justify-center">
        <EmptyState
          icon={<ChatIcon />}
          title={`No messages with ${contact.name} yet`}
          description="Write the first one below. Their replies will appear here as they arrive."
        />
      </div>
    );
  }

  return (
    <>
      <MessageList
        key={contactId}
        ref={ref}
        rows={rows}
        contactName={contact.name}
        timeZone={timeZone}
        actions={actions}
        canLoadOlder={status === "CanLoadMore"}
        loadingOlder={status === "LoadingMore"}
        loadOlder={() => loadMore(OLDER_PAGE_SIZE)}
        onReadingLatest={setReadingLatest}
        focusKey={focusLoaded ? focusMessageId : null}
      />
      <ConfirmDialog
        open={cancelling !== null}
        onClose={() => setCancelling(null)}
        title="Cancel this scheduled message?"
        confirmLabel="Cancel message"
        cancelLabel="Keep it"
        onConfirm={async () => {
          if (!cancelling) return;
          const result = await cancel({ messageId: cancelling._id });
          if (!result.ok) throw result.error;
          toast.success("Scheduled message canceled");
          focusThreadOnClose.current = true;
        }}
      >
        {cancelling ? (
          <>
            It was due {formatDateTime(cancelling.scheduledAt ?? cancelling.at, { timeZone })}: “{cancelling.content.slice(0, 120)}
            {cancelling.content.length > 120 ? "…" : ""}”. It will not be sent.
          </>
        ) : null}
      </ConfirmDialog>
    </>
  );
}

/** Conversations just marked unread, and when: a thread open since before that must not mark them read again. */
const markedUnreadAt = new Map<string, number>();

/** "Mark unread" was chosen for this conversation: its open thread (closing) leaves it unread. */
export function holdUnread(contactId: string): void {
  markedUnreadAt.set(contactId, Date.now());
}

/**
 * Opening a thread marks it read, and so does a message arriving while the page is visible and
 * the reader is at the latest message (one who scrolled up reads it when they come back down).
 */
function useMarkRead(contact: Doc<"contacts">, readingLatest: boolean) {
  const [openedAt] = useState(() => Date.now());
  const mutate = useMutation(api.inbox.markRead);
  const markRead = useMemo(
    () =>
      mutate.withOptimisticUpdate((store, { contactId }) => {
        // The badge goes at once, in every loaded list and in the contact itself.
        for (const { args, value } of store.getAllQueries(api.inbox.conversations)) {
          if (!value || !value.page.some((c) => c._id === contactId)) continue;
          store.setQuery(api.inbox.conversations, args, {
            ...value,
            page: value.page.map((c) => (c._id === contactId ? { ...c, unreadCount: 0, hasUnread: false } : c)),
          });
        }
        const current = store.getQuery(api.contacts.get, { contactId });
        if (current) store.setQuery(api.contacts.get, { contactId }, { ...current, unreadCount: 0, hasUnread: false });
      }),
    [mutate],
  );
  const unread = contact.hasUnread || contact.unreadCount > 0;
  const contactId = contact._id;
  useEffect(() => {
    if (!unread || !readingLatest) return;
    const run = () => {
      if (document.visibilityState !== "visible") return;
      if ((markedUnreadAt.get(contactId) ?? 0) >= openedAt) return;
      // Not worth a toast: the next open or arrival tries again.
      markRead({ contactId }).catch((error: unknown) => console.warn("markRead failed", error));
    };
    run();
    document.addEventListener("visibilitychange", run);
    return () => document.removeEventListener("visibilitychange", run);
  }, [unread, readingLatest, contactId, markRead, openedAt]);
}

function ThreadSkeleton() {
  return (
    <div role="status" className="flex flex-1 flex-col justify-end gap-4 overflow-hidden p-5">
      <span className="sr-only">Loading messages…</span>
      <Skeleton className="h-12 w-2/3 rounded-2xl sm:w-1/2" />
      <Skeleton className="ml-auto h-10 w-1/2 rounded-2xl sm:w-2/5" />
      <Skeleton className="h-16 w-3/4 rounded-2xl sm:w-1/2" />
      <Skeleton className="ml-auto h-10 w-2/5 rounded-2xl sm:w-1/3" />
    </div>
  );
}

function MessageList({
  rows,
  contactName,
  timeZone,
  actions,
  canLoadOlder,
  loadingOlder,
  loadOlder,
  onReadingLatest,
  focusKey,
  ref,
}: {
  rows: Row[];
  contactName: string;
  timeZone: string;
  actions: MessageActions;
  canLoadOlder: boolean;
  loadingOlder: boolean;
  loadOlder: () => void;
  onReadingLatest: (atEnd: boolean) => void;
  /** The row to scroll to and mark, once it is loaded. */
  focusKey: string | null;
  ref?: Ref<ThreadHandle>;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual's API is imperative by design
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (rows[index].kind === "message" ? 72 : 44),
    getItemKey: (index) => rows[index].key,
    overscan: 6,
    paddingEnd: 12,
    // Chat behaviour: prepending older pages keeps the visible message in place, and new
    // messages are followed only while the reader is at the end.
    anchorTo: "end",
    followOnAppend: true,
    scrollEndThreshold: AT_END,
  });

  const [unseen, setUnseen] = useState(0);
  const [announcement, setAnnouncement] = useState("");
  const atEnd = useRef(true);
  const settled = useRef(false);

  const scrollToEnd = useCallback(() => {
    atEnd.current = true;
    onReadingLatest(true);
    setUnseen(0);
    virtualizer.scrollToEnd();
  }, [virtualizer, onReadingLatest]);
  useImperativeHandle(ref, () => ({ scrollToEnd }), [scrollToEnd]);

  // Open at the latest message.
  useLayoutEffect(() => {
    virtualizer.scrollToEnd();
    const frame = requestAnimationFrame(() => {
      settled.current = true;
    });
    return () => cancelAnimationFrame(frame);
  }, [virtualizer]);

  // Where the reader is, as of their last scroll (read before new rows arrive).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const onScroll = () => {
      const end = el.scrollHeight - el.scrollTop - el.clientHeight <= AT_END;
      if (end !== atEnd.current) onReadingLatest(end);
      atEnd.current = end;
      if (end) setUnseen(0);
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, [onReadingLatest]);

  // New messages at the end: announce inbound ones; count them if the reader is elsewhere.
  const last = rows[rows.length - 1];
  const lastKey = useRef(last?.key);
  useEffect(() => {
    const previous = lastKey.current;
    lastKey.current = last?.key;
    if (previous === undefined || previous === last?.key) return;
    const from = rows.findIndex((r) => r.key === previous);
    if (from === -1) return;
    const added = rows.slice(from + 1).filter((r): r is Extract<Row, { kind: "message" }> => r.kind === "message");
    const inbound = added.filter((r) => r.message.direction === "inbound");
    if (inbound.length > 0) {
      const latest = inbound[inbound.length - 1].message;
      setAnnouncement(`New message from ${contactName}: ${latest.subject ? `${latest.subject}. ` : ""}${latest.content.slice(0, 200)}`);
    }
    if (!atEnd.current && inbound.length > 0) setUnseen((n) => n + inbound.length);
  }, [last?.key, rows, contactName]);

  // Load older messages near the top (also when the first page does not fill the view).
  const scrollOffset = virtualizer.scrollOffset ?? 0;
  useEffect(() => {
    if (!settled.current || !canLoadOlder) return;
    if (scrollOffset < LOAD_OLDER_AT) loadOlder();
  }, [scrollOffset, canLoadOlder, loadOlder, rows.length]);

  // A search result: centre it and mark it (once per result).
  const focusIndex = focusKey === null ? -1 : rows.findIndex((r) => r.key === focusKey);
  const [shownFocus, setShownFocus] = useState<string | null>(null);
  useEffect(() => {
    if (focusIndex === -1 || shownFocus === focusKey) return;
    atEnd.current = false;
    onReadingLatest(false);
    virtualizer.scrollToIndex(focusIndex, { align: "center" });
    // Measured rows settle after the first jump: aim again on the next frame.
    const frame = requestAnimationFrame(() => virtualizer.scrollToIndex(focusIndex, { align: "center" }));
    setShownFocus(focusKey);
    return () => cancelAnimationFrame(frame);
  }, [focusIndex, focusKey, shownFocus, virtualizer, onReadingLatest]);

  const items = virtualizer.getVirtualItems();
  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scrollRef}
        data-thread-scroller
        data-rows={rows.length}
        tabIndex={0}
        role="region"
        aria-label={`Messages with ${contactName}`}
        className="relative min-h-0 flex-1 overflow-y-auto overscroll-contain bg-slate-50 outline-offset-[-2px]"
      >
        <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index];
            return (
              <div
                key={item.key}
                ref={virtualizer.measureElement}
                data-index={item.index}
                className={cn("absolute inset-x-0 top-0", row.key === shownFocus && "bg-amber-50 ring-2 ring-amber-400 ring-inset")}
                data-found={row.key === shownFocus ? "" : undefined}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                {row.kind === "message" ? (
                  <MessageRow message={row.message} contactName={contactName} timeZone={timeZone} actions={actions} />
                ) : row.kind === "day" ? (
                  <div className="flex justify-center px-3 pt-4 pb-2">
                    <h3 className="rounded-full bg-white px-3 py-0.5 text-xs font-medium text-slate-700 shadow-sm ring-1 ring-slate-200">
                      {row.label}
                    </h3>
                  </div>
                ) : (
                  <p className="px-4 pt-6 pb-2 text-center text-xs text-slate-600">This is the beginning of your conversation with {contactName}.</p>
                )}
              </div>
            );
          })}
        </div>
      </div>

      {loadingOlder ? (
        <div role="status" className="pointer-events-none absolute inset-x-0 top-2 flex justify-center">
          <span className="inline-flex items-center gap-2 rounded-full bg-white px-3 py-1 text-xs text-slate-700 shadow ring-1 ring-slate-200">
            <Spinner className="size-3" /> Loading older messages…
          </span>
        </div>
      ) : null}

      {unseen > 0 ? (
        <div className="absolute inset-x-0 bottom-3 flex justify-center">
          <button
            type="button"
            onClick={scrollToEnd}
            className="inline-flex items-center gap-1.5 rounded-full bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white shadow-lg hover:bg-indigo-700"
          >
            <ArrowDownIcon className="size-4" />
            {unseen === 1 ? "1 new message" : `${unseen} new messages`}
          </button>
        </div>
      ) : null}

      <div aria-live="polite" className="sr-only">
        {announcement}
      </div>
    </div>
  );
}
