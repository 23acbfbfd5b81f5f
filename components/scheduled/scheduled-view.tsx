"use client";

import { usePaginatedQuery } from "convex/react";
import Link from "next/link";
import { audienceHref } from "@/lib/routes";
import { useState, type ReactNode } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import type { Channel } from "@/convex/schema";
import { formatCount, formatDateTime } from "@/lib/format";
import { mergeByTime } from "@/lib/mergeByTime";
import { zoneLabel } from "@/lib/schedule";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ChannelBadge } from "@/components/ui/channel-badge";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { AlertIcon, ScheduledIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { SkeletonRows } from "@/components/ui/skeleton";
import { ContactName } from "./contact-name";
import { RecurringSection } from "./recurring-section-lazy";
import { RescheduleDialog, type RescheduleTarget } from "./reschedule-dialog";
import { useTimeZone } from "@/lib/use-time-zone";

const PAGE_SIZE = 25;

type Canceling = { kind: "message"; message: Doc<"messages"> } | { kind: "broadcast"; broadcast: Doc<"broadcasts"> };

function preview(item: Previewed): string {
  const text = item.channel === "email" && item.subject ? `${item.subject} — ${item.content}` : item.content;
  return text.replace(/\s+/g, " ").trim() || "(attachment only)";
}

/** Scheduled messages and broadcasts in time order, with reschedule and cancel; failed messages with retry. */
export function ScheduledView() {
  const timeZone = useTimeZone();
  const [now] = useState(() => Date.now());
  return (
    <>
      <PageHeader
        title="Scheduled"
        description={`What goes out next, soonest first, what repeats, and what failed. Times are in your time zone, ${zoneLabel(timeZone, now)}.`}
      />
      <div className="space-y-6">
        <Upcoming />
        <RecurringSection />
        <Failed />
      </div>
    </>
  );
}

function Upcoming() {
  const messages = usePaginatedQuery(api.messages.upcoming, {}, { initialNumItems: PAGE_SIZE });
  const broadcasts = usePaginatedQuery(api.broadcasts.upcoming, {}, { initialNumItems: PAGE_SIZE });
  const [rescheduling, setRescheduling] = useState<RescheduleTarget | null>(null);
  const [canceling, setCanceling] = useState<Canceling | null>(null);
  const [cancelMessage] = useMutationWithToast(api.messages.cancel);
  const [cancelBroadcast] = useMutationWithToast(api.broadcasts.cancel);

  const loading = messages.status === "LoadingFirstPage" || broadcasts.status === "LoadingFirstPage";
  const merged = mergeByTime(
    { items: messages.results, done: messages.status === "Exhausted" },
    { items: broadcasts.results, done: broadcasts.status === "Exhausted" },
    (m) => m.at,
    (b) => b.scheduledAt ?? b._creationTime,
  );
  const loadingMore = messages.status === "LoadingMore" || broadcasts.status === "LoadingMore";

  function loadMore() {
    if (messages.status === "CanLoadMore") messages.loadMore(PAGE_SIZE);
    if (broadcasts.status === "CanLoadMore") broadcasts.loadMore(PAGE_SIZE);
  }

  return (
    <Card title="Upcoming" description="Scheduled messages and broadcasts, with retries waiting for their next try.">
      {loading ? (
        <SkeletonRows rows={4} label="Loading scheduled messages…" />
      ) : merged.items.length === 0 && merged.complete ? (
        <EmptyState
          icon={<ScheduledIcon />}
          title="Nothing scheduled"
          description={
            <>
              Schedule a message from a conversation in the <Link href="/inbox" className="font-medium text-indigo-700 underline">Inbox</Link>, or a broadcast from a{" "}
              <Link href="/groups" className="font-medium text-indigo-700 underline">group</Link>.
            </>
          }
        />
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Upcoming messages and broadcasts">
          {merged.items.map((entry) =>
            entry.kind === "a" ? (
              <MessageRow
                key={entry.item._id}
                message={entry.item}
                onReschedule={() =>
                  setRescheduling({ kind: "message", id: entry.item._id, at: entry.item.scheduledAt ?? entry.item.at, title: "This message" })
                }
                onCancel={() => setCanceling({ kind: "message", message: entry.item })}
              />
            ) : (
              <BroadcastRow
                key={entry.item._id}
                broadcast={entry.item}
                onReschedule={() =>
                  setRescheduling({ kind: "broadcast", id: entry.item._id, at: entry.at, title: `The broadcast to ${entry.item.groupName}` })
                }
                onCancel={() => setCanceling({ kind: "broadcast", broadcast: entry.item })}
              />
            ),
          )}
        </ul>
      )}
      {!loading && !merged.complete ? (
        <div className="flex justify-center border-t border-slate-200 p-3">
          <Button onClick={loadMore} loading={loadingMore}>
            Load more
          </Button>
        </div>
      ) : null}

      <RescheduleDialog target={rescheduling} onClose={() => setRescheduling(null)} />
      <ConfirmDialog
        open={canceling !== null}
        onClose={() => setCanceling(null)}
        title={canceling?.kind === "broadcast" ? `Cancel the broadcast to ${canceling.broadcast.groupName}?` : "Cancel this message?"}
        confirmLabel={canceling?.kind === "broadcast" ? "Cancel broadcast" : "Cancel message"}
        cancelLabel="Keep it"
        onConfirm={async () => {
          if (!canceling) return;
          const result =
            canceling.kind === "message"
              ? await cancelMessage({ messageId: canceling.message._id })
              : await cancelBroadcast({ broadcastId: canceling.broadcast._id });
          if (!result.ok) throw result.error;
          toast.success(canceling.kind === "message" ? "Message canceled" : `Broadcast to ${canceling.broadcast.groupName} canceled`);
        }}
      >
        {canceling?.kind === "broadcast"
          ? "No member of the group gets it. It stays in the group's history as canceled."
          : "It will not be sent. It stays in the conversation as canceled."}
      </ConfirmDialog>
    </Card>
  );
}

function When({ at, label }: { at: number; label?: string }) {
  return (
    <time dateTime={new Date(at).toISOString()} className="text-sm font-medium whitespace-nowrap text-slate-900">
      {label ? <span className="sr-only">{label} </span> : null}
      {formatDateTime(at)}
    </time>
  );
}

type Previewed = { channel: Channel; subject?: string; content: string };

/** One row of these lists: when, to whom on which channel, what it says (and more), and what can be done. */
function Row({ when, who, item, children, actions }: { when: ReactNode; who: ReactNode; item: Previewed; children?: ReactNode; actions: ReactNode }) {
  return (
    <li className="flex flex-wrap items-start gap-x-4 gap-y-2 px-4 py-3 sm:flex-nowrap">
      <div className="w-44 shrink-0">{when}</div>
      <div className="min-w-0 flex-1 basis-60">
        <p className="flex flex-wrap items-center gap-2">
          <span className="font-medium text-slate-900">{who}</span>
          <ChannelBadge channel={item.channel} />
        </p>
        <p className="mt-0.5 line-clamp-2 text-sm break-words text-slate-600">{preview(item)}</p>
        {children}
      </div>
      <div className="flex gap-1">{actions}</div>
    </li>
  );
}

function RowLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} className="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
      {children}
    </Link>
  );
}

function OpenConversation({ message }: { message: Doc<"messages"> }) {
  return (
    <RowLink href={`/inbox?contact=${message.contactId}`}>
      Open<span className="sr-only"> the conversation</span>
    </RowLink>
  );
}

function MessageRow({ message, onReschedule, onCancel }: { message: Doc<"messages">; onReschedule: () => void; onCancel: () => void }) {
  const retrying = message.attempts > 0;
  return (
    <Row
      when={
        <>
          <When at={message.scheduledAt ?? message.at} label="Due" />
          {retrying ? <p className="text-xs text-amber-800">Retry {message.attempts + 1}{message.lastError ? `: ${message.lastError.message}` : ""}</p> : null}
        </>
      }
      who={<ContactName contactId={message.contactId} to={message.to} />}
      item={message}
      actions={
        <>
          <OpenConversation message={message} />
          <Button size="sm" variant="ghost" onClick={onReschedule}>
            Reschedule
          </Button>
          <Button size="sm" variant="danger-ghost" onClick={onCancel}>
            Cancel<span className="sr-only"> message</span>
          </Button>
        </>
      }
    />
  );
}

function BroadcastRow({ broadcast, onReschedule, onCancel }: { broadcast: Doc<"broadcasts">; onReschedule: () => void; onCancel: () => void }) {
  return (
    <Row
      when={<When at={broadcast.scheduledAt ?? broadcast._creationTime} label="Due" />}
      who={
        <>
          Broadcast to <Link href={audienceHref(broadcast)} className="hover:underline">{broadcast.groupName}</Link>
        </>
      }
      item={broadcast}
      actions={
        <>
          <RowLink href={`/broadcasts/${broadcast._id}`}>Details</RowLink>
          <Button size="sm" variant="ghost" onClick={onReschedule}>
            Reschedule
          </Button>
          <Button size="sm" variant="danger-ghost" onClick={onCancel}>
            Cancel<span className="sr-only"> broadcast</span>
          </Button>
        </>
      }
    />
  );
}

function Failed() {
  const failed = usePaginatedQuery(api.messages.failed, {}, { initialNumItems: PAGE_SIZE });
  const [retry] = useMutationWithToast(api.messages.retry);
  const [retrying, setRetrying] = useState<ReadonlySet<string>>(new Set());

  async function onRetry(message: Doc<"messages">) {
    setRetrying((s) => new Set(s).add(message._id));
    try {
      await retry({ messageId: message._id }, { success: "Sending again" });
    } finally {
      setRetrying((s) => {
        const next = new Set(s);
        next.delete(message._id);
        return next;
      });
    }
  }

  return (
    <Card
      title="Failed"
      description={failed.status === "Exhausted" && failed.results.length > 0 ? formatCount(failed.results.length, "message") + ", newest first." : "Messages that could not be sent, newest first, with the reason."}
    >
      {failed.status === "LoadingFirstPage" ? (
        <SkeletonRows rows={3} label="Loading failed messages…" />
      ) : failed.results.length === 0 ? (
        <EmptyState title="No failed messages" description="Messages the provider refuses, or that run out of retries, show up here." />
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Failed messages">
          {failed.results.map((message) => (
            <Row
              key={message._id}
              when={<When at={message.failedAt ?? message.at} label="Failed" />}
              who={<ContactName contactId={message.contactId} to={message.to} />}
              item={message}
              actions={
                <>
                  <OpenConversation message={message} />
                  <Button size="sm" onClick={() => void onRetry(message)} loading={retrying.has(message._id)}>
                    Retry
                  </Button>
                </>
              }
            >
              <p className="mt-1 flex items-start gap-1.5 text-sm text-red-800">
                <AlertIcon className="mt-0.5 size-4 shrink-0" />
                <span>
                  <span className="sr-only">Reason: </span>
                  {message.lastError?.message ?? "No reason was given."}
                </span>
              </p>
            </Row>
          ))}
        </ul>
      )}
      {failed.status === "CanLoadMore" || failed.status === "LoadingMore" ? (
        <div className="flex justify-center border-t border-slate-200 p-3">
          <Button onClick={() => failed.loadMore(PAGE_SIZE)} loading={failed.status === "LoadingMore"}>
            Load more
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
