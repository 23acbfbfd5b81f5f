"use client";

import { useQuery } from "convex/react";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import { broadcastProgress, broadcastStatusLabel, skipReasons } from "@/lib/broadcastProgress";
import { cn } from "@/lib/cn";
import { formatDateTime } from "@/lib/format";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ChannelBadge } from "@/components/ui/channel-badge";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ErrorBoundary } from "@/components/ui/error-boundary";
import { FormError } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";
import { RescheduleDialog } from "@/components/scheduled/reschedule-dialog";

const SEGMENTS = [
  { key: "delivered", label: "Delivered", bar: "bg-green-600", dot: "bg-green-600" },
  { key: "sent", label: "Sent", bar: "bg-indigo-500", dot: "bg-indigo-500" },
  { key: "pending", label: "Queued", bar: "bg-slate-300", dot: "bg-slate-300" },
  { key: "failed", label: "Failed", bar: "bg-red-600", dot: "bg-red-600" },
  { key: "skipped", label: "Skipped", bar: "bg-amber-400", dot: "bg-amber-400" },
  { key: "canceled", label: "Canceled", bar: "bg-stone-400", dot: "bg-stone-400" },
] as const;

/** A broadcast's live progress, loaded by id; a deleted or foreign id shows a short message. */
export function BroadcastProgressCard({ broadcastId, compact = false }: { broadcastId: Id<"broadcasts">; compact?: boolean }) {
  return (
    <ErrorBoundary fallback={() => <FormError>This broadcast could not be loaded.</FormError>}>
      <LoadBroadcast broadcastId={broadcastId} compact={compact} />
    </ErrorBoundary>
  );
}

function LoadBroadcast({ broadcastId, compact }: { broadcastId: Id<"broadcasts">; compact: boolean }) {
  const broadcast = useQuery(api.broadcasts.get, { broadcastId });
  if (broadcast === undefined) {
    return (
      <div role="status" className="space-y-3">
        <span className="sr-only">Loading broadcast…</span>
        <Skeleton className="h-4 w-40" />
        <Skeleton className="h-3 w-full" />
        <Skeleton className="h-16 w-full" />
      </div>
    );
  }
  return <BroadcastProgressView broadcast={broadcast} compact={compact} />;
}

/** Counts (queued, sent, delivered, failed, skipped with reasons) that move live as receipts arrive. */
export function BroadcastProgressView({ broadcast, compact = false }: { broadcast: Doc<"broadcasts">; compact?: boolean }) {
  const p = broadcastProgress(broadcast);
  const status = broadcastStatusLabel(broadcast);
  const reasons = skipReasons(broadcast.skipped);
  const [canceling, setCanceling] = useState(false);
  const [rescheduling, setRescheduling] = useState(false);
  const [cancel] = useMutationWithToast(api.broadcasts.cancel);
  const counts: Record<(typeof SEGMENTS)[number]["key"], number> = {
    delivered: p.delivered,
    sent: p.sent,
    pending: p.pending,
    failed: p.failed,
    skipped: p.skipped,
    canceled: p.canceled,
  };
  const when =
    broadcast.status === "scheduled"
      ? `Scheduled for ${formatDateTime(broadcast.scheduledAt ?? broadcast._creationTime)}`
      : broadcast.completedAt
        ? `${broadcast.status === "canceled" ? "Canceled" : "Finished"} ${formatDateTime(broadcast.completedAt)}`
        : `Started ${formatDateTime(broadcast.startedAt ?? broadcast._creationTime)}`;
  const summary =
    broadcast.status === "scheduled"
      ? "Not started yet."
      : !broadcast.fanOutDone && broadcast.status === "sending"
        ? `Preparing messages: ${p.members.toLocaleString("en-US")} members so far…`
        : `${(p.members - p.pending).toLocaleString("en-US")} of ${p.members.toLocaleString("en-US")} members done (${p.percent}%).`;

  return (
    <section aria-label={`Broadcast to ${broadcast.groupName}`} className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={status.tone}>{status.label}</Badge>
        <ChannelBadge channel={broadcast.channel} />
        <span className="text-xs text-slate-600">{when}</span>
      </div>

      {compact ? null : (
        <blockquote className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm break-words whitespace-pre-wrap text-slate-800">
          {broadcast.subject ? <p className="mb-1 font-medium">{broadcast.subject}</p> : null}
          {broadcast.content}
        </blockquote>
      )}

      <div>
        <div
          role="progressbar"
          aria-label="Members done"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={p.percent}
          aria-valuetext={summary}
          className="flex h-3 overflow-hidden rounded-full bg-slate-100"
        >
          {p.members > 0
            ? SEGMENTS.map((s) =>
                counts[s.key] > 0 ? (
                  <div key={s.key} className={cn("h-full transition-[width] duration-500", s.bar)} style={{ width: `${(counts[s.key] / p.members) * 100}%` }} />
                ) : null,
              )
            : null}
        </div>
        <p aria-live="polite" className="mt-1.5 text-sm text-slate-700">
          {summary}
        </p>
      </div>

      <dl className="grid grid-cols-3 gap-2 text-sm">
        <div className="rounded-md border border-slate-200 px-2.5 py-1.5">
          <dt className="text-xs text-slate-600">Members</dt>
          <dd className="font-semibold text-slate-900 tabular-nums">{p.members.toLocaleString("en-US")}</dd>
        </div>
        {SEGMENTS.map((s) => (
          <div key={s.key} className="rounded-md border border-slate-200 px-2.5 py-1.5">
            <dt className="flex items-center gap-1.5 text-xs text-slate-600">
              <span aria-hidden="true" className={cn("size-2 rounded-full", s.dot)} />
              {s.label}
            </dt>
            <dd className="font-semibold text-slate-900 tabular-nums">{counts[s.key].toLocaleString("en-US")}</dd>
          </div>
        ))}
      </dl>

      {reasons.length > 0 ? (
        <div className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          <p className="font-medium">Skipped members</p>
          <ul className="mt-1 space-y-0.5">
            {reasons.map((r) => (
              <li key={r.reason} className="flex justify-between gap-3">
                <span>{r.label}</span>
                <span className="font-semibold tabular-nums">{r.count.toLocaleString("en-US")}</span>
              </li>
            ))}
          </ul>
          {broadcast.skippedSamples?.length ? (
            <ul className="mt-2 space-y-0.5 border-t border-amber-200 pt-2 text-xs" aria-label="Skipped for their merge fields">
              {broadcast.skippedSamples.map((s) => (
                <li key={s.contactId}>{s.reason}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      {broadcast.status === "scheduled" || broadcast.status === "sending" ? (
        <div className="flex flex-wrap gap-2">
          {broadcast.status === "scheduled" ? (
            <Button size="sm" onClick={() => setRescheduling(true)}>
              Reschedule
            </Button>
          ) : null}
          <Button size="sm" variant="danger-ghost" onClick={() => setCanceling(true)}>
            Cancel broadcast
          </Button>
        </div>
      ) : null}
      {compact ? (
        <Link href={`/broadcasts/${broadcast._id}`} className="inline-block text-sm font-medium text-indigo-700 hover:underline">
          Open the broadcast
        </Link>
      ) : null}

      <ConfirmDialog
        open={canceling}
        onClose={() => setCanceling(false)}
        title={`Cancel the broadcast to ${broadcast.groupName}?`}
        confirmLabel="Cancel broadcast"
        cancelLabel="Keep it"
        onConfirm={async () => {
          const result = await cancel({ broadcastId: broadcast._id });
          if (!result.ok) throw result.error;
          toast.success("Broadcast canceled");
        }}
      >
        {broadcast.status === "scheduled"
          ? "No member gets it."
          : "Members not messaged yet get nothing and queued messages are canceled. Messages already sent cannot be recalled."}
      </ConfirmDialog>
      <RescheduleDialog
        target={
          rescheduling
            ? { kind: "broadcast", id: broadcast._id, at: broadcast.scheduledAt ?? broadcast._creationTime, title: `The broadcast to ${broadcast.groupName}` }
            : null
        }
        onClose={() => setRescheduling(false)}
      />
    </section>
  );
}
