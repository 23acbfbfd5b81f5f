"use client";

/**
 * A broadcast's recipients by outcome: failed (with the provider's reason, and a retry for all of
 * them once the broadcast has finished), skipped (with the reason), delivered, read, sent, sending,
 * queued, scheduled, canceled: one tab per message status, so each tab's count is its list's length.
 * Each links to the conversation.
 */
import { usePaginatedQuery } from "convex/react";
import Link from "next/link";
import { useId, useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import { SKIP_REASON_LABELS } from "@/lib/broadcastProgress";
import { cn } from "@/lib/cn";
import { formatDateTime } from "@/lib/format";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Skeleton } from "@/components/ui/skeleton";

type Outcome = "failed" | "skipped" | "delivered" | "read" | "sent" | "sending" | "queued" | "scheduled" | "canceled";
const PAGE = 25;

export function BroadcastRecipients({ broadcast }: { broadcast: Doc<"broadcasts"> }) {
  const c = broadcast.counts;
  const tabs: Array<{ outcome: Outcome; label: string; count: number }> = [
    { outcome: "failed" as const, label: "Failed", count: c.failed },
    { outcome: "skipped" as const, label: "Skipped", count: c.skipped },
    { outcome: "delivered" as const, label: "Delivered", count: c.delivered },
    { outcome: "read" as const, label: "Read", count: c.read },
    { outcome: "sent" as const, label: "Sent", count: c.sent },
    { outcome: "sending" as const, label: "Sending", count: c.sending },
    { outcome: "queued" as const, label: "Queued", count: c.queued },
    { outcome: "scheduled" as const, label: "Scheduled", count: c.scheduled },
    { outcome: "canceled" as const, label: "Canceled", count: c.canceled },
  ].filter((t) => t.count > 0 || t.outcome === "failed");
  const [chosen, setChosen] = useState<Outcome | null>(null);
  const outcome = chosen ?? (c.failed > 0 ? "failed" : (tabs.find((t) => t.count > 0)?.outcome ?? "failed"));
  const headingId = useId();
  const [retrying, setRetrying] = useState(false);
  const [retry] = useMutationWithToast(api.broadcastOutcomes.retryFailed);

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={headingId} className="text-base font-semibold text-slate-900">
          Recipients
        </h2>
        {broadcast.status === "completed" && c.failed > 0 ? (
          <Button size="sm" onClick={() => setRetrying(true)}>
            Retry {c.failed.toLocaleString("en-US")} failed
          </Button>
        ) : null}
      </div>
      <div role="group" aria-label="Show recipients" className="flex flex-wrap gap-1.5">
        {tabs.map((t) => (
          <button
            key={t.outcome}
            type="button"
            aria-pressed={outcome === t.outcome}
            onClick={() => setChosen(t.outcome)}
            className={cn(
              "rounded-full border px-3 py-1 text-sm font-medium",
              outcome === t.outcome ? "border-indigo-600 bg-indigo-600 text-white" : "border-slate-300 text-slate-700 hover:bg-slate-50",
            )}
          >
            {t.label} <span className="tabular-nums">{t.count.toLocaleString("en-US")}</span>
          </button>
        ))}
      </div>
      <RecipientList key={outcome} broadcast={broadcast} outcome={outcome} />
      <ConfirmDialog
        open={retrying}
        onClose={() => setRetrying(false)}
        title={`Retry ${c.failed.toLocaleString("en-US")} failed message${c.failed === 1 ? "" : "s"}?`}
        confirmLabel="Retry"
        tone="primary"
        onConfirm={async () => {
          const result = await retry({ broadcastId: broadcast._id });
          if (!result.ok) throw result.error;
          toast.success("Retrying the failed messages");
        }}
      >
        They go out again at the sender&rsquo;s pace. Contacts who opted out or lost their address meanwhile are not
        messaged.
      </ConfirmDialog>
    </section>
  );
}

function RecipientList({ broadcast, outcome }: { broadcast: Doc<"broadcasts">; outcome: Outcome }) {
  const list = usePaginatedQuery(api.broadcastOutcomes.recipients, { broadcastId: broadcast._id, outcome }, { initialNumItems: PAGE });
  if (list.status === "LoadingFirstPage") {
    return (
      <div role="status" className="space-y-2">
        <span className="sr-only">Loading recipients…</span>
        <Skeleton className="h-10 w-full" />
        <Skeleton className="h-10 w-full" />
      </div>
    );
  }
  if (list.results.length === 0) return <p className="text-sm text-slate-600">Nobody here.</p>;
  return (
    <>
      <ul className="divide-y divide-slate-100 rounded-md border border-slate-200" aria-label={`Recipients: ${outcome}`}>
        {list.results.map((r) => (
          <li key={r.key} className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 px-3 py-2 text-sm">
            <Link href={`/inbox?contact=${r.contactId}`} dir="auto" className="font-medium text-indigo-700 hover:underline">
              {r.contactName}
            </Link>
            {r.reason ? <span className="text-red-700">{r.reason}</span> : null}
            {r.skipReason ? <span className="text-amber-900">{SKIP_REASON_LABELS[r.skipReason]}</span> : null}
            {r.at ? <span className="ml-auto text-xs text-slate-600">{formatDateTime(r.at)}</span> : null}
          </li>
        ))}
      </ul>
      {list.status === "CanLoadMore" || list.status === "LoadingMore" ? (
        <Button size="sm" variant="ghost" loading={list.status === "LoadingMore"} onClick={() => list.loadMore(PAGE)}>
          Show more
        </Button>
      ) : null}
    </>
  );
}
