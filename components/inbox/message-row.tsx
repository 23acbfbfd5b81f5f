"use client";

/**
 * One message of a thread: inbound on the left, outbound on the right in the brand colour,
 * with its subject (email), images inline and other media as links, and on every outbound
 * message its status — scheduled (with the time and Cancel), queued, sending, sent,
 * delivered, read, failed (with the reason and Retry) or canceled — and how it was sent (from
 * the inbox, a broadcast, the API, an automation). A message written while the connection is
 * down says it is waiting for it.
 */
import Link from "next/link";
import { memo, useState } from "react";
import type { Doc } from "@/convex/_generated/dataModel";
import { CHANNEL_NAMES } from "@/lib/channelAvailability";
import { cn } from "@/lib/cn";
import { formatDateTime } from "@/lib/format";
import { mediaItems } from "@/lib/media";
import { STATUS_LABELS } from "@/lib/messageStatus";
import { originLabel } from "@/lib/origin";
import { useConnection } from "@/lib/use-connection";
import { AlertIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { ChannelIcon } from "./channel-icon";
import { CheckIcon, ClockIcon, DoubleCheckIcon, ExternalLinkIcon, PaperclipIcon, RetryIcon } from "./icons";
import { EmailBody } from "./email-body";

/** Longer texts (emails, mostly) start folded. */
const FOLD_AT = 1200;

export type MessageActions = {
  onCancel: (message: Doc<"messages">) => void;
  onRetry: (message: Doc<"messages">) => void;
};

const timeFormat = new Map<string, Intl.DateTimeFormat>();
function formatTime(ts: number, timeZone: string): string {
  let f = timeFormat.get(timeZone);
  if (!f) timeFormat.set(timeZone, (f = new Intl.DateTimeFormat(undefined, { timeZone, timeStyle: "short" })));
  return f.format(ts);
}

/** Optimistic messages (shown before the server has them) carry an id of our own. */
export function isOptimistic(message: Pick<Doc<"messages">, "_id">): boolean {
  return message._id.startsWith("optimistic:");
}

export const MessageRow = memo(function MessageRow({
  message,
  contactName,
  timeZone,
  actions,
}: {
  message: Doc<"messages">;
  contactName: string;
  timeZone: string;
  actions: MessageActions;
}) {
  const outbound = message.direction === "outbound";
  const [unfolded, setUnfolded] = useState(false);
  const folded = !unfolded && message.content.length > FOLD_AT;
  const media = mediaItems(
    message.mediaUrls,
    message.mediaTypes,
    message.attachments?.map((a) => a.name),
  );
  const origin = originLabel(message);
  const shownAt = outbound ? (message.sentAt ?? message.at) : message.at;

  return (
    <div role="article" aria-roledescription="message" className={cn("flex px-3 py-1 sm:px-5", outbound ? "justify-end" : "justify-start")}>
      <div className={cn("flex max-w-[85%] min-w-0 flex-col sm:max-w-[75%]", outbound ? "items-end" : "items-start")}>
        <div
          className={cn(
            "max-w-full rounded-2xl px-3.5 py-2 text-sm shadow-sm",
            !outbound
              ? "rounded-bl-md border border-slate-200 bg-white text-slate-900"
              : message.status === "scheduled"
                ? "rounded-br-md border border-dashed border-indigo-400 bg-indigo-50 text-indigo-950"
                : cn("rounded-br-md text-white", message.status === "failed" ? "bg-red-700" : message.status === "canceled" ? "bg-slate-500" : "bg-indigo-600"),
          )}
        >
          <span className="sr-only">{message.automatic ? "Automatic reply: " : outbound ? "You wrote: " : `${contactName} wrote: `}</span>
          {message.automatic ? (
            <p className="mb-1 text-xs font-semibold tracking-wide uppercase opacity-80" data-automatic>
              Automatic reply{message.automatic.kind === "afterHours" ? " · after hours" : " · keyword"}
            </p>
          ) : null}
          {message.subject ? <p dir="auto" className="mb-1 font-semibold">{message.subject}</p> : null}
          {message.content ? (
            <p dir="auto" className="break-words whitespace-pre-wrap">
              {folded ? `${message.content.slice(0, FOLD_AT)}…` : message.content}
            </p>
          ) : null}
          {message.content.length > FOLD_AT ? (
            <button
              type="button"
              onClick={() => setUnfolded((u) => !u)}
              className={cn(
                "mt-1 text-xs font-medium underline underline-offset-2",
                outbound && message.status !== "scheduled" ? "text-white" : "text-indigo-700",
              )}
            >
              {folded ? "Show all" : "Show less"}
            </button>
          ) : null}
          {message.channel === "email" && !outbound ? <EmailBody messageId={message._id} /> : null}
          {media.length > 0 ? (
            <ul className="mt-2 space-y-2">
              {media.map((item) => (
                <li key={item.url}>
                  {item.kind === "image" ? (
                    <a href={item.url} target="_blank" rel="noopener noreferrer" className="block">
                      {/* Fixed box: the row's height does not jump when the image arrives. */}
                      {/* eslint-disable-next-line @next/next/no-img-element -- remote media of any host, not optimisable */}
                      <img
                        src={item.url}
                        alt={`Image attachment ${item.name}`}
                        loading="lazy"
                        referrerPolicy="no-referrer"
                        className="h-48 w-64 max-w-full rounded-lg bg-slate-100 object-cover"
                      />
                    </a>
                  ) : (
                    <a
                      href={item.url}
                      target="_blank"
                      rel="noopener noreferrer"
                      className={cn(
                        "inline-flex max-w-full items-center gap-1.5 rounded-md px-2 py-1 text-xs font-medium underline-offset-2 hover:underline",
                        outbound && message.status !== "scheduled" ? "bg-white/15 text-white" : "bg-slate-100 text-indigo-800",
                      )}
                    >
                      <PaperclipIcon className="size-3.5 shrink-0" />
                      <span className="truncate">{item.name}</span>
                      <ExternalLinkIcon className="size-3 shrink-0" />
                      <span className="sr-only">(opens in a new tab)</span>
                    </a>
                  )}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <div className="mt-1 flex flex-wrap items-center gap-x-1.5 gap-y-0.5 px-1 text-xs text-slate-600">
          {message.status === "scheduled" ? null : (
            <time dateTime={new Date(shownAt).toISOString()} title={formatDateTime(shownAt, { timeZone })}>
              {formatTime(shownAt, timeZone)}
            </time>
          )}
          <span className="inline-flex items-center gap-1" title={CHANNEL_NAMES[message.channel]}>
            <ChannelIcon channel={message.channel} className="size-3.5" decorative />
            <span className="sr-only sm:not-sr-only">{CHANNEL_NAMES[message.channel]}</span>
          </span>
          {outbound ? <Status message={message} timeZone={timeZone} actions={actions} /> : null}
          {origin ? (
            <span className="text-slate-600" data-origin>
              ·{" "}
              {origin.href ? (
                <Link href={origin.href} className="underline underline-offset-2 hover:text-slate-900">
                  {origin.text}
                </Link>
              ) : (
                origin.text
              )}
            </span>
          ) : null}
        </div>
      </div>
    </div>
  );
});

/** A message the server has not taken yet: waiting for the connection while it is down, else on its way. */
function PendingStatus({ label }: { label: string }) {
  const connection = useConnection();
  if (connection !== "online") {
    return (
      <span className="inline-flex items-center gap-1 font-medium text-amber-800" data-status="waiting">
        <ClockIcon className="size-3.5" />
        Waiting for connection
      </span>
    );
  }
  return (
    <span className="inline-flex items-center gap-1" data-status="queued">
      <Spinner className="size-3" />
      {label}
    </span>
  );
}

function Status({ message, timeZone, actions }: { message: Doc<"messages">; timeZone: string; actions: MessageActions }) {
  const optimistic = isOptimistic(message);
  const label = STATUS_LABELS[message.status];
  switch (message.status) {
    case "scheduled": {
      const retrying = message.attempts > 0;
      return (
        <>
          <span className="inline-flex items-center gap-1 font-medium text-indigo-800" data-status={message.status}>
            <ClockIcon className="size-3.5" />
            {retrying ? "Retrying" : "Scheduled"} for {formatDateTime(message.scheduledAt ?? message.at, { timeZone })}
          </span>
          {retrying && message.lastError ? <span className="text-amber-800">· last try: {message.lastError.message}</span> : null}
          {message.heldFrom !== undefined ? (
            <span className="text-amber-800" data-held>
              · held for quiet hours (was due {formatDateTime(message.heldFrom, { timeZone })})
            </span>
          ) : null}
          {optimistic ? null : (
            <button
              type="button"
              onClick={() => actions.onCancel(message)}
              className="rounded px-1 font-medium text-indigo-800 underline underline-offset-2 hover:bg-indigo-50"
            >
              Cancel<span className="sr-only"> the scheduled message</span>
            </button>
          )}
        </>
      );
    }
    case "queued":
    case "sending":
      if (optimistic) return <PendingStatus label={label} />;
      return (
        <span className="inline-flex items-center gap-1" data-status={message.status}>
          <Spinner className="size-3" />
          {label}
        </span>
      );
    case "sent":
      return (
        <span className="inline-flex items-center gap-1" data-status={message.status}>
          <CheckIcon className="size-3.5" />
          {label}
        </span>
      );
    case "delivered":
    case "read":
      return (
        <span
          className={cn("inline-flex items-center gap-1", message.status === "read" ? "font-medium text-indigo-700" : "text-slate-700")}
          data-status={message.status}
        >
          <DoubleCheckIcon className="size-3.5" />
          {label}
        </span>
      );
    case "failed":
      return (
        <>
          <span className="inline-flex items-center gap-1 font-medium text-red-700" data-status={message.status}>
            <AlertIcon className="size-3.5" />
            {label}
            {message.lastError ? `: ${message.lastError.message}` : ""}
          </span>
          <button
            type="button"
            onClick={() => actions.onRetry(message)}
            className="inline-flex items-center gap-1 rounded px-1 font-medium text-red-800 underline underline-offset-2 hover:bg-red-50"
          >
            <RetryIcon className="size-3" />
            Retry<span className="sr-only"> sending</span>
          </button>
        </>
      );
    case "canceled":
      return (
        <span className="text-slate-600" data-status={message.status}>
          {label}
        </span>
      );
    default:
      return null;
  }
}
