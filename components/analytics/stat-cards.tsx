import type { FunctionReturnType } from "convex/server";
import type { api } from "@/convex/_generated/api";
import { formatDuration } from "@/lib/duration";
import { formatCount } from "@/lib/format";
import { Skeleton } from "@/components/ui/skeleton";

export type Summary = FunctionReturnType<typeof api.analytics.summary>;

/** The headline numbers: a definition list, one card per figure. */
export function StatCards({ summary }: { summary: Summary | undefined }) {
  const stats: Array<{ label: string; value: string | undefined; note?: string }> = [
    { label: "Sent", value: summary?.totals.sent.toLocaleString("en-US"), note: "Accepted by the provider" },
    { label: "Received", value: summary?.totals.received.toLocaleString("en-US"), note: "Inbound messages" },
    {
      label: "Failed",
      value: summary?.totals.failed.toLocaleString("en-US"),
      note: summary ? `Of ${formatCount(summary.totals.outbound, "outbound message")}` : undefined,
    },
    { label: "Contacts", value: summary?.totals.contacts.toLocaleString("en-US"), note: "All time" },
    {
      label: "Avg. response time",
      value: summary ? (summary.avgResponseTimeMs === null ? "—" : formatDuration(summary.avgResponseTimeMs)) : undefined,
      note: summary ? (summary.responses === 0 ? "No replies in this range" : `Over ${formatCount(summary.responses, "reply", "replies")}`) : undefined,
    },
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
      {stats.map((s) => (
        <div key={s.label} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
          <dt className="text-sm font-medium text-slate-600">{s.label}</dt>
          <dd className="mt-1 text-2xl font-semibold tracking-tight text-slate-900">
            {s.value === undefined ? <Skeleton className="h-8 w-16" /> : s.value}
          </dd>
          {s.note ? <dd className="mt-0.5 text-xs text-slate-600">{s.note}</dd> : null}
        </div>
      ))}
    </dl>
  );
}
