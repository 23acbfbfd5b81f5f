"use client";

/**
 * The conversation list: every contact with a conversation, newest activity first, live.
 * Paginated and windowed (fixed-height rows), so 10,000 conversations stay fast; a search
 * finds any contact by name, phone or email, also one without a conversation yet.
 * Keyboard: arrows, Home/End and Page Up/Down move between rows; Enter opens one.
 */
import { usePaginatedQuery, useQuery } from "convex/react";
import Link from "next/link";
import { memo, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from "react";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import type { Channel } from "@/convex/schema";
import { CHANNEL_NAMES, CHANNEL_ORDER } from "@/lib/channelAvailability";
import { cn } from "@/lib/cn";
import { formatDateTime, formatShortDate } from "@/lib/format";
import { isShortcutEvent } from "@/lib/shortcuts";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { useTimeZone } from "@/lib/use-time-zone";
import { useNow } from "@/lib/use-now";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { SearchInput } from "@/components/ui/field";
import { ChatIcon, SearchIcon } from "@/components/ui/icons";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { Avatar } from "./avatar";
import { ChannelIcon } from "./channel-icon";
import { MessageSearch } from "./message-search";
import { conversationHref } from "./use-inbox-url";
import { usePhoneFormat } from "@/lib/use-phone-format";
import { useRowWindow } from "./use-row-window";

export const CONVERSATIONS_PAGE_SIZE = 40;
const SEARCH_LIMIT = 50;
const ROW_HEIGHT = 76;

type ListState = "open" | "done" | "snoozed";
type Filter = { state: ListState; unread: boolean; channel: Channel | "all" };
const STATE_LABELS: Record<ListState, string> = { open: "Open", done: "Done", snoozed: "Snoozed" };

export function ConversationList({
  selectedId,
  onSelect,
  onOpenMessage,
  onIntent,
}: {
  selectedId: Id<"contacts"> | null;
  onSelect: (contactId: Id<"contacts">) => void;
  /** Open a conversation at one of its messages (a message search result). */
  onOpenMessage: (contactId: Id<"contacts">, messageId: Id<"messages">) => void;
  /** A conversation is about to be opened (hover, focus): preload what it needs. */
  onIntent?: () => void;
}) {
  const [search, setSearch] = useState("");
  const [filter, setFilter] = useState<Filter>({ state: "open", unread: false, channel: "all" });
  const query = useDebouncedValue(search.trim(), 200);
  const searching = query !== "";
  const [searchIn, setSearchIn] = useState<"contacts" | "messages">("contacts");
  const timeZone = useTimeZone();
  const now = useNow(60_000);

  const list = usePaginatedQuery(
    api.inbox.conversations,
    searching
      ? "skip"
      : {
          state: filter.state,
          ...(filter.unread ? { unread: true } : {}),
          ...(filter.channel !== "all" ? { channel: filter.channel } : {}),
        },
    { initialNumItems: CONVERSATIONS_PAGE_SIZE },
  );
  const matches = useQuery(api.contacts.search, searching && searchIn === "contacts" ? { query, limit: SEARCH_LIMIT } : "skip");
  // Keep the last matches on screen while the next search runs, instead of flashing empty.
  const [lastMatches, setLastMatches] = useState<Doc<"contacts">[] | undefined>(undefined);
  if (matches !== undefined && matches !== lastMatches) setLastMatches(matches);
  if (!searching && lastMatches !== undefined) setLastMatches(undefined);

  const rows: Doc<"contacts">[] | undefined = searching
    ? (matches ?? lastMatches)
    : list.status === "LoadingFirstPage"
      ? undefined
      : list.results;
  const stale = searching ? matches === undefined || query !== search.trim() : query !== search.trim();
  const headingId = useId();
  const filtered = filter.unread || filter.channel !== "all" || filter.state !== "open";
  const searchRef = useRef<HTMLInputElement>(null);

  // "/" jumps to the search box.
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== "/" || !isShortcutEvent(event)) return;
      event.preventDefault();
      searchRef.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="space-y-3 border-b border-slate-200 p-3 sm:p-4">
        <h1 id={headingId} className="text-lg font-semibold text-slate-900">
          Inbox
        </h1>
        <SearchInput
          ref={searchRef}
          aria-keyshortcuts="/"
          label="Search contacts"
          hideLabel
          placeholder="Search contacts or messages"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => {
            // Down from the search box moves into the list.
            if (e.key === "ArrowDown" && rows && rows.length > 0) {
              e.preventDefault();
              document.querySelector<HTMLElement>(`[data-conversation-list] [data-row-index="0"]`)?.focus();
            }
          }}
        />
        {searching ? (
          <div className="inline-flex rounded-md border border-slate-300 p-0.5 text-sm" role="group" aria-label="Search in">
            {(["contacts", "messages"] as const).map((where) => (
              <button
                key={where}
                type="button"
                aria-pressed={searchIn === where}
                onClick={() => setSearchIn(where)}
                className={cn(
                  "rounded px-2.5 py-1 font-medium",
                  searchIn === where ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-100",
                )}
              >
                {where === "contacts" ? "Contacts" : "Messages"}
              </button>
            ))}
          </div>
        ) : null}
        <div className={cn("flex flex-wrap items-center gap-2", searching && "hidden")} role="group" aria-label="Filters">
          <div className="inline-flex rounded-md border border-slate-300 p-0.5 text-sm" role="group" aria-label="Conversations to show">
            {(["open", "done", "snoozed"] as const).map((state) => (
              <button
                key={state}
                type="button"
                aria-pressed={filter.state === state}
                disabled={searching}
                onClick={() => setFilter((f) => ({ ...f, state }))}
                className={cn(
                  "rounded px-2.5 py-1 font-medium disabled:opacity-60",
                  filter.state === state ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-100",
                )}
              >
                {STATE_LABELS[state]}
              </button>
            ))}
          </div>
          <button
            type="button"
            aria-pressed={filter.unread}
            disabled={searching}
            onClick={() => setFilter((f) => ({ ...f, unread: !f.unread }))}
            className={cn(
              "rounded-md border px-2.5 py-1 text-sm font-medium disabled:opacity-60",
              filter.unread ? "border-indigo-600 bg-indigo-600 text-white" : "border-slate-300 text-slate-700 hover:bg-slate-100",
            )}
          >
            Unread
          </button>
          <label className="sr-only" htmlFor={`${headingId}-channel`}>
            Channel
          </label>
          <select
            id={`${headingId}-channel`}
            value={filter.channel}
            disabled={searching}
            onChange={(e) => setFilter((f) => ({ ...f, channel: e.target.value as Filter["channel"] }))}
            className="h-8 min-w-0 flex-1 basis-28 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-800 disabled:opacity-60"
          >
            <option value="all">All channels</option>
            {CHANNEL_ORDER.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_NAMES[c]}
              </option>
            ))}
          </select>
        </div>
        <p aria-live="polite" className="text-xs text-slate-600 empty:hidden">
          {searching && searchIn === "contacts" ? (
            stale ? (
              <span className="inline-flex items-center gap-1.5">
                <Spinner className="size-3" /> Searching all contacts…
              </span>
            ) : rows ? (
              `${rows.length >= SEARCH_LIMIT ? `Best ${SEARCH_LIMIT}` : rows.length} matching contact${rows.length === 1 ? "" : "s"}`
            ) : null
          ) : null}
        </p>
      </div>

      {searching && searchIn === "messages" ? (
        <MessageSearch query={query} timeZone={timeZone} now={now} onOpen={onOpenMessage} />
      ) : rows === undefined ? (
        <ListSkeleton />
      ) : rows.length === 0 ? (
        searching ? (
          <EmptyState level={2} icon={<SearchIcon />} title="No matches" description={`No contact matches “${query}”.`} />
        ) : filtered ? (
          <EmptyState
            level={2}
            icon={<ChatIcon />}
            title={filter.unread ? "All caught up" : filter.state === "done" ? "Nothing done yet" : filter.state === "snoozed" ? "Nothing snoozed" : "No conversations here"}
            description={
              filter.unread
                ? "No conversation here has unread messages."
                : filter.state === "done"
                  ? "Conversations you mark done (E) wait here until the contact writes again."
                  : filter.state === "snoozed"
                    ? "Snoozed conversations (S) wait here until their time comes or the contact writes."
                    : `No open conversation on ${CHANNEL_NAMES[filter.channel as Channel]}.`
            }
          />
        ) : (
          <EmptyState
            level={2}
            icon={<ChatIcon />}
            title="No conversations yet"
            description="Messages you send and replies you get show up here. Find a contact above to start one."
            action={
              <Link href="/contacts" className={buttonClasses({ variant: "secondary" })}>
                Go to contacts
              </Link>
            }
          />
        )
      ) : (
        <VirtualRows
          rows={rows}
          now={now}
          selectedId={selectedId}
          onSelect={onSelect}
          onIntent={onIntent}
          labelledBy={headingId}
          dimmed={stale}
          canLoadMore={!searching && list.status === "CanLoadMore"}
          loadingMore={!searching && list.status === "LoadingMore"}
          loadMore={() => list.loadMore(CONVERSATIONS_PAGE_SIZE)}
        />
      )}
    </div>
  );
}

function ListSkeleton() {
  return (
    <div role="status" className="space-y-1 p-2">
      <span className="sr-only">Loading conversations…</span>
      {Array.from({ length: 7 }, (_, i) => (
        <div key={i} className="flex items-center gap-3 px-2 py-3">
          <Skeleton className="size-10 rounded-full" />
          <div className="flex-1 space-y-2">
            <Skeleton className="h-4 w-2/5" />
            <Skeleton className="h-3 w-4/5" />
          </div>
        </div>
      ))}
    </div>
  );
}

function VirtualRows({
  rows,
  now,
  selectedId,
  onSelect,
  onIntent,
  labelledBy,
  dimmed,
  canLoadMore,
  loadingMore,
  loadMore,
}: {
  rows: Doc<"contacts">[];
  now: number;
  selectedId: Id<"contacts"> | null;
  onSelect: (contactId: Id<"contacts">) => void;
  onIntent?: () => void;
  labelledBy: string;
  dimmed: boolean;
  canLoadMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const { start, end, totalHeight, scrollToIndex } = useRowWindow(scrollRef, rows.length, ROW_HEIGHT);
  // Contacts without a conversation (search results) show their number instead of a preview.
  const formatPhone = usePhoneFormat(rows.some((r) => r.lastMessagePreview === undefined && r.phone));

  // The row that takes Tab (roving tabindex): the focused one, else the open conversation.
  const selectedIndex = selectedId ? rows.findIndex((r) => r._id === selectedId) : -1;
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const preferredTabRow = Math.min(focusIndex ?? (selectedIndex >= 0 ? selectedIndex : 0), rows.length - 1);
  // Always one tabbable row among those rendered, so Tab reaches the list wherever it is scrolled.
  const tabIndexRow = preferredTabRow >= start && preferredTabRow <= end ? preferredTabRow : start;
  const pendingFocus = useRef<number | null>(null);

  // Load the next page when the end comes into view.
  const lastVisible = end;
  useEffect(() => {
    if (canLoadMore && lastVisible >= rows.length - 8) loadMore();
  }, [canLoadMore, lastVisible, rows.length, loadMore]);

  // Focus a row moved to by keyboard once the virtualizer has rendered it.
  useLayoutEffect(() => {
    const index = pendingFocus.current;
    if (index === null) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-row-index="${index}"]`);
    if (el) {
      pendingFocus.current = null;
      el.focus({ preventScroll: true });
    }
  });

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    const from = Number((event.target as HTMLElement).closest("[data-row-index]")?.getAttribute("data-row-index"));
    if (!Number.isInteger(from)) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 8) / ROW_HEIGHT) - 1);
    const to = {
      ArrowDown: from + 1,
      ArrowUp: from - 1,
      Home: 0,
      End: rows.length - 1,
      PageDown: from + page,
      PageUp: from - page,
    }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const index = Math.max(0, Math.min(rows.length - 1, to));
    setFocusIndex(index);
    pendingFocus.current = index;
    scrollToIndex(index);
  }

  return (
    <div
      ref={scrollRef}
      data-conversation-list
      data-rows={rows.length}
      className={cn("relative min-h-0 flex-1 overflow-y-auto overscroll-contain", dimmed && "opacity-60 transition-opacity")}
    >
      <ul
        aria-labelledby={labelledBy}
        onKeyDown={onKeyDown}
        className="relative w-full"
        style={{ height: totalHeight }}
      >
        {rows.slice(start, end + 1).map((contact, i) => {
          const index = start + i;
          return (
            <li
              key={contact._id}
              aria-posinset={index + 1}
              aria-setsize={canLoadMore || loadingMore ? -1 : rows.length}
              className="absolute inset-x-0 top-0"
              style={{ height: ROW_HEIGHT, transform: `translateY(${index * ROW_HEIGHT}px)` }}
            >
              <ConversationRow
                contact={contact}
                index={index}
                now={now}
                selected={contact._id === selectedId}
                tabbable={index === tabIndexRow}
                onSelect={onSelect}
                onFocusRow={setFocusIndex}
                onIntent={onIntent}
                formatPhone={formatPhone}
              />
            </li>
          );
        })}
      </ul>
      {loadingMore ? (
        <p role="status" className="flex items-center justify-center gap-2 py-3 text-sm text-slate-600">
          <Spinner /> Loading more conversations…
        </p>
      ) : null}
    </div>
  );
}

const ConversationRow = memo(function ConversationRow({
  contact,
  index,
  now,
  selected,
  tabbable,
  onSelect,
  onFocusRow,
  onIntent,
  formatPhone,
}: {
  contact: Doc<"contacts">;
  index: number;
  now: number;
  selected: boolean;
  tabbable: boolean;
  onSelect: (contactId: Id<"contacts">) => void;
  onFocusRow: (index: number) => void;
  onIntent?: () => void;
  formatPhone: (e164: string) => string;
}) {
  const unread = contact.unreadCount;
  const address = contact.phone ? formatPhone(contact.phone) : (contact.email ?? "");

  function onClick(event: MouseEvent<HTMLAnchorElement>) {
    // Let the browser handle new-tab clicks; otherwise switch without a page load.
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
    event.preventDefault();
    onSelect(contact._id);
  }

  return (
    <a
      href={conversationHref(contact._id)}
      data-row-index={index}
      tabIndex={tabbable ? 0 : -1}
      aria-current={selected ? "page" : undefined}
      onClick={onClick}
      onFocus={() => {
        onFocusRow(index);
        onIntent?.();
      }}
      onPointerEnter={onIntent}
      className={cn(
        "flex h-full items-center gap-3 border-b border-slate-100 px-3 outline-offset-[-2px] sm:px-4",
        selected ? "bg-indigo-50" : "hover:bg-slate-50",
      )}
    >
      <Avatar name={contact.name} />
      <span className="min-w-0 flex-1">
        <span className="flex items-baseline gap-2">
          <span dir="auto" className={cn("min-w-0 flex-1 truncate text-start text-sm", unread > 0 ? "font-semibold text-slate-900" : "font-medium text-slate-800")}>
            {contact.name}
          </span>
          {contact.lastMessageAt !== undefined ? (
            <time
              dateTime={new Date(contact.lastMessageAt).toISOString()}
              title={formatDateTime(contact.lastMessageAt)}
              className={cn("shrink-0 text-xs", unread > 0 ? "font-semibold text-indigo-700" : "text-slate-600")}
            >
              {formatShortDate(contact.lastMessageAt, now)}
            </time>
          ) : null}
        </span>
        <span className="mt-0.5 flex items-center gap-1.5">
          {contact.lastMessageChannel ? (
            <span className="shrink-0 text-slate-500">
              <ChannelIcon channel={contact.lastMessageChannel} className="size-3.5" />
            </span>
          ) : null}
          <span className={cn("min-w-0 flex-1 truncate text-sm", unread > 0 ? "text-slate-800" : "text-slate-600")}>
            {contact.hasDraft ? <span className="font-semibold text-red-700">Draft · </span> : null}
            {contact.inboxState === "snoozed" && contact.snoozedUntil ? (
              <span className="font-medium text-amber-800">Until {formatShortDate(contact.snoozedUntil, now)} · </span>
            ) : null}
            {contact.lastMessagePreview !== undefined ? (
              <>
                {contact.lastMessageDirection === "outbound" ? <span className="font-medium text-slate-600">You: </span> : null}
                <bdi>{contact.lastMessagePreview || "Attachment"}</bdi>
              </>
            ) : (
              <span className="text-slate-600 italic">{address ? `${address} · no messages yet` : "No messages yet"}</span>
            )}
          </span>
          {unread > 0 ? (
            <span className="shrink-0 rounded-full bg-indigo-600 px-1.5 py-0.5 text-[11px] leading-none font-semibold text-white">
              <span aria-hidden="true">{unread > 99 ? "99+" : unread}</span>
              <span className="sr-only">{`${unread} unread`}</span>
            </span>
          ) : null}
        </span>
      </span>
    </a>
  );
});
