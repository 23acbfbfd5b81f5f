"use client";

import { useQuery } from "convex/react";
import dynamic from "next/dynamic";
import { useState, type ReactNode } from "react";
import { api } from "@/convex/_generated/api";
import { channelSlices, hasActivity, statusBars } from "@/lib/analyticsCharts";
import { formatDay } from "@/lib/analyticsRange";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { AnalyticsIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { RangePicker, rangeOf, type RangeChoice } from "./range-picker";
import { StatCards, type Summary } from "./stat-cards";

function ChartLoading() {
  return <Skeleton className="h-[260px] w-full rounded-lg" />;
}
// recharts loads only here, after the numbers: the rest of the app never ships it.
const ChannelPie = dynamic(() => import("./charts").then((m) => m.ChannelPie), { ssr: false, loading: ChartLoading });
const StatusBars = dynamic(() => import("./charts").then((m) => m.StatusBars), { ssr: false, loading: ChartLoading });
const DailyLine = dynamic(() => import("./charts").then((m) => m.DailyLine), { ssr: false, loading: ChartLoading });

/**
 * Totals, response time, and messages by channel, status and day for a range of UTC days.
 * Reads only the daily aggregates (analytics.summary), and updates live as messages move.
 */
export function AnalyticsView() {
  const [choice, setChoice] = useState<RangeChoice>({ kind: "preset", days: 30 });
  // "Today" for the presets: fixed when the page opens (the numbers inside the range stay live).
  const [now] = useState(() => Date.now());
  const range = rangeOf(choice, now);
  const summary = useQuery(api.analytics.summary, range);

  // Keep the previous range's numbers on screen while the next range loads.
  const [shown, setShown] = useState<Summary | undefined>(undefined);
  if (summary !== undefined && summary !== shown) setShown(summary);
  const loadingNext = summary === undefined && shown !== undefined;
  const data = summary ?? shown;

  return (
    <>
      <PageHeader title="Analytics" description="What you sent and received, and how fast you answer." />
      <div className="space-y-6">
        <Card>
          <div className="flex flex-wrap items-start justify-between gap-3 p-4">
            <RangePicker choice={choice} onChange={setChoice} now={now} />
            <p aria-live="polite" className="flex min-h-5 items-center gap-2 text-sm text-slate-600">
              {loadingNext ? (
                <>
                  <Spinner /> Updating…
                </>
              ) : null}
            </p>
          </div>
        </Card>

        <section aria-label="Totals" className={loadingNext ? "opacity-60 transition-opacity" : undefined}>
          <StatCards summary={data} />
        </section>

        {data === undefined ? (
          <div role="status" className="grid gap-6 lg:grid-cols-2">
            <span className="sr-only">Loading charts…</span>
            <ChartLoading />
            <ChartLoading />
          </div>
        ) : !hasActivity(data) ? (
          <Card>
            <EmptyState
            level={2}
              icon={<AnalyticsIcon />}
              title="No messages in this range"
              description={`Nothing was sent or received between ${formatDay(data.from, { withYear: true })} and ${formatDay(data.to, { withYear: true })} (UTC). Try a longer range.`}
            />
          </Card>
        ) : (
          <Charts data={data} dim={loadingNext} />
        )}
      </div>
    </>
  );
}

function Charts({ data, dim }: { data: Summary; dim: boolean }) {
  const slices = channelSlices(data.byChannel);
  const bars = statusBars(data.byStatus);
  return (
    <div className={dim ? "space-y-6 opacity-60 transition-opacity" : "space-y-6"}>
      <div className="grid gap-6 lg:grid-cols-2">
        <ChartCard
          title="Messages by channel"
          description="Sent and received."
          chart={slices.some((s) => s.total > 0) ? <ChannelPie slices={slices} /> : <NoData />}
          table={
            <DataTable
              caption="Messages by channel"
              head={["Channel", "Sent", "Received", "Total"]}
              rows={slices.map((s) => [s.label, s.sent, s.received, s.total])}
            />
          }
        />
        <ChartCard
          title="Outbound by status"
          description="Where your outbound messages are now."
          chart={bars.some((b) => b.count > 0) ? <StatusBars bars={bars} /> : <NoData />}
          table={<DataTable caption="Outbound messages by status" head={["Status", "Messages"]} rows={bars.map((b) => [b.label, b.count])} />}
        />
      </div>
      <ChartCard
        title="Daily activity"
        description="Messages sent and received per day (UTC)."
        chart={<DailyLine daily={data.daily} />}
        table={
          <DataTable
            caption="Messages per day (UTC)"
            head={["Day", "Sent", "Received"]}
            rows={data.daily.map((d) => [formatDay(d.day, { withYear: true }), d.sent, d.received])}
          />
        }
      />
    </div>
  );
}

function NoData() {
  return <p className="grid h-[260px] place-items-center text-sm text-slate-600">Nothing to show in this range.</p>;
}

function ChartCard({ title, description, chart, table }: { title: string; description: string; chart: ReactNode; table: ReactNode }) {
  return (
    <Card title={title} description={description}>
      <figure className="px-3 pt-4 pb-2">
        {/* The chart is a picture of the table below it: screen readers get the table. */}
        <div aria-hidden="true">{chart}</div>
        <figcaption className="sr-only">{title}</figcaption>
      </figure>
      <details className="border-t border-slate-200 px-5 py-3 text-sm">
        <summary className="cursor-pointer font-medium text-slate-700 hover:text-slate-900">Show the numbers</summary>
        <div className="mt-3 max-h-80 overflow-auto">{table}</div>
      </details>
    </Card>
  );
}

function DataTable({ caption, head, rows }: { caption: string; head: string[]; rows: Array<Array<string | number>> }) {
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead className="text-xs text-slate-600 uppercase">
        <tr>
          {head.map((h, i) => (
            <th key={h} scope="col" className={i === 0 ? "py-1 pr-3" : "py-1 pr-3 text-right"}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((row) => (
          <tr key={String(row[0])}>
            {row.map((cell, i) =>
              i === 0 ? (
                <th key={i} scope="row" className="py-1 pr-3 font-medium text-slate-800">
                  {cell}
                </th>
              ) : (
                <td key={i} className="py-1 pr-3 text-right text-slate-700 tabular-nums">
                  {typeof cell === "number" ? cell.toLocaleString("en-US") : cell}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
