"use client";

/**
 * Message text search, under the inbox's search box: filters (channel, received or sent, a date
 * range in the viewer's time zone) and the matching messages, each with its contact, day and the
 * words found marked. Choosing one opens its conversation at that message.
 */
import { useQuery } from "convex/react";
import { useId, useState } from "react";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import type { Channel, Direction } from "@/convex/schema";
import { CHANNEL_NAMES, CHANNEL_ORDER } from "@/lib/channelAvailability";
import { cn } from "@/lib/cn";
import { formatShortDate } from "@/lib/format";
import { highlightParts, queryTerms } from "@/lib/highlight";
import { parseDateTimeLocalValue } from "@/lib/schedule";
import { EmptyState } from "@/components/ui/empty-state";
import { SearchIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { ChannelIcon } from "./channel-icon";
import { conversationHref } from "./use-inbox-url";

type Filters = { channel: Channel | "all"; direction: Direction | "all"; from: string; to: string };

/** A date input's value ("2025-06-01") as the start of that day in `timeZone`. */
function dayStart(value: string, timeZone: string): number | undefined {
  return value ? (parseDateTimeLocalValue(`${value}T00:00`, timeZone) ?? undefined) : undefined;
}

export function MessageSearch({
  query,
  timeZone,
  now,
  onOpen,
}: {
  query: string;
  timeZone: string;
  now: number;
  onOpen: (contactId: Id<"contacts">, messageId: Id<"messages">) => void;
}) {
  const [filters, setFilters] = useState<Filters>({ channel: "all", direction: "all", from: "", to: "" });
  const id = useId();
  const from = dayStart(filters.from, timeZone);
  // "To" includes the whole day.
  const toDay = dayStart(filters.to, timeZone);
  const to = toDay === undefined ? undefined : toDay + 86_400_000;
  const result = useQuery(api.search.messages, {
    query,
    ...(filters.channel !== "all" ? { channel: filters.channel } : {}),
    ...(filters.direction !== "all" ? { direction: filters.direction } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
  });
  const terms = queryTerms(query);
  const select = "h-8 min-w-0 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-800";

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <fieldset className="grid grid-cols-2 gap-2 border-b border-slate-200 px-3 py-2 text-sm sm:px-4">
        <legend className="sr-only">Message filters</legend>
        <label className="sr-only" htmlFor={`${id}-channel`}>
          Channel
        </label>
        <select id={`${id}-channel`} className={select} value={filters.channel} onChange={(e) => setFilters((f) => ({ ...f, channel: e.target.value as Filters["channel"] }))}>
          <option value="all">All channels</option>
          {CHANNEL_ORDER.map((c) => (
            <option key={c} value={c}>
              {CHANNEL_NAMES[c]}
            </option>
          ))}
        </select>
        <label className="sr-only" htmlFor={`${id}-direction`}>
          Direction
        </label>
        <select id={`${id}-direction`} className={select} value={filters.direction} onChange={(e) => setFilters((f) => ({ ...f, direction: e.target.value as Filters["direction"] }))}>
          <option value="all">Sent and received</option>
          <option value="inbound">Received</option>
          <option value="outbound">Sent</option>
        </select>
        <label className="flex items-center gap-1.5 text-xs text-slate-700">
          From
          <input type="date" className={cn(select, "flex-1")} value={filters.from} max={filters.to || undefined} onChange={(e) => setFilters((f) => ({ ...f, from: e.target.value }))} />
        </label>
        <label className="flex items-center gap-1.5 text-xs text-slate-700">
          To
          <input type="date" className={cn(select, "flex-1")} value={filters.to} min={filters.from || undefined} onChange={(e) => setFilters((f) => ({ ...f, to: e.target.value }))} />
        </label>
      </fieldset>
      <p aria-live="polite" className="px-3 py-1.5 text-xs text-slate-600 sm:px-4">
        {result === undefined ? (
          <span className="inline-flex items-center gap-1.5">
            <Spinner className="size-3" /> Searching messages…
          </span>
        ) : (
          `${result.results.length} matching message${result.results.length === 1 ? "" : "s"}${result.truncated ? " among the best matches checked for these dates (add a word, a channel or a direction to look further)" : ""}`
        )}
      </p>
      {result && result.results.length === 0 ? (
        <EmptyState
          level={2}
          icon={<SearchIcon />}
          title="No messages found"
          description={
            result.truncated
              ? `None of the best matches for “${query}” is in these dates. Add a word, or pick a channel or direction, to look further.`
              : `No message matches “${query}” with these filters.`
          }
        />
      ) : (
        <ul aria-label="Matching messages" className="min-h-0 flex-1 overflow-y-auto">
          {result?.results.map(({ message, contactName }) => (
            <li key={message._id}>
              <a
                href={`${conversationHref(message.contactId)}&message=${message._id}`}
                onClick={(e) => {
                  if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0) return;
                  e.preventDefault();
                  onOpen(message.contactId, message._id);
                }}
                className="block border-b border-slate-100 px-3 py-2.5 outline-offset-[-2px] hover:bg-slate-50 sm:px-4"
              >
                <span className="flex items-baseline gap-2 text-sm">
                  <ChannelIcon channel={message.channel} className="size-3.5 shrink-0 self-center text-slate-500" />
                  <span dir="auto" className="min-w-0 flex-1 truncate text-start font-medium text-slate-900">
                    {contactName}
                  </span>
                  <span className="shrink-0 text-xs text-slate-600">{formatShortDate(message.at, now)}</span>
                </span>
                <span dir="auto" className="mt-0.5 block text-sm text-slate-700">
                  {message.direction === "outbound" ? <span className="font-medium text-slate-600">You: </span> : null}
                  {highlightParts(message.content, terms).map((part, i) =>
                    part.match ? (
                      <mark key={i} className="rounded bg-amber-100 px-0.5 text-amber-950">
                        {part.text}
                      </mark>
                    ) : (
                      <span key={i}>{part.text}</span>
                    ),
                  )}
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
