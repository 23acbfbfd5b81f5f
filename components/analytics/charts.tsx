"use client";

/**
 * The dashboard's charts (recharts). Only this module imports recharts, and the analytics
 * view loads it with next/dynamic, so no other route ships the library. The charts are
 * pictures (hidden from assistive technology, no keyboard layer): each has a table of the
 * same numbers next to it.
 */
import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, Pie, PieChart, Tooltip, XAxis, YAxis } from "recharts";
import { formatDay } from "@/lib/analyticsRange";
import type { ChannelSlice, StatusBar } from "@/lib/analyticsCharts";

const CHANNEL_COLORS: Record<ChannelSlice["channel"], string> = { sms: "#4f46e5", whatsapp: "#16a34a", email: "#d97706" };
const STATUS_COLORS: Record<StatusBar["status"], string> = {
  scheduled: "#94a3b8",
  queued: "#64748b",
  sending: "#0ea5e9",
  sent: "#6366f1",
  delivered: "#16a34a",
  read: "#15803d",
  failed: "#dc2626",
  canceled: "#a8a29e",
  received: "#0f766e",
};
// Theme colours through CSS variables (they follow the dark theme); recharts puts these in style attributes.
const AXIS = { fontSize: 12, fill: "var(--color-slate-600)" };
const GRID = "var(--color-slate-200)";
const TOOLTIP_STYLE = { backgroundColor: "var(--color-white)", borderColor: "var(--color-slate-200)", color: "var(--color-slate-900)" };
const HEIGHT = 260;

export function ChannelPie({ slices }: { slices: ChannelSlice[] }) {
  const data = slices.filter((s) => s.total > 0);
  return (
    <PieChart accessibilityLayer={false} responsive style={{ width: "100%", height: HEIGHT }} desc="Messages by channel">
      {/* rootTabIndex: the pie is hidden from assistive technology, so it must not take focus either. */}
      <Pie data={data} dataKey="total" nameKey="label" innerRadius="45%" outerRadius="80%" paddingAngle={data.length > 1 ? 2 : 0} isAnimationActive={false} label rootTabIndex={-1}>
        {data.map((s) => (
          <Cell key={s.channel} fill={CHANNEL_COLORS[s.channel]} />
        ))}
      </Pie>
      <Tooltip contentStyle={TOOLTIP_STYLE} />
      <Legend />
    </PieChart>
  );
}

export function StatusBars({ bars }: { bars: StatusBar[] }) {
  return (
    <BarChart accessibilityLayer={false} responsive style={{ width: "100%", height: HEIGHT }} data={bars} margin={{ top: 8, right: 8, bottom: 8, left: -16 }} desc="Outbound messages by status">
      <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={GRID} />
      <XAxis dataKey="label" tick={AXIS} interval={0} angle={-30} textAnchor="end" height={50} />
      <YAxis allowDecimals={false} tick={AXIS} />
      <Tooltip cursor={{ fill: "var(--color-slate-100)" }} contentStyle={TOOLTIP_STYLE} />
      <Bar dataKey="count" name="Messages" isAnimationActive={false}>
        {bars.map((b) => (
          <Cell key={b.status} fill={STATUS_COLORS[b.status]} />
        ))}
      </Bar>
    </BarChart>
  );
}

export function DailyLine({ daily }: { daily: ReadonlyArray<{ day: string; sent: number; received: number }> }) {
  return (
    <LineChart accessibilityLayer={false} responsive style={{ width: "100%", height: HEIGHT }} data={[...daily]} margin={{ top: 8, right: 16, bottom: 8, left: -16 }} desc="Messages sent and received per day (UTC)">
      <CartesianGrid strokeDasharray="3 3" stroke={GRID} />
      <XAxis dataKey="day" tick={AXIS} tickFormatter={(day: string) => formatDay(day)} minTickGap={24} />
      <YAxis allowDecimals={false} tick={AXIS} />
      <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(day) => `${formatDay(String(day), { withYear: true })} (UTC)`} />
      <Legend />
      <Line type="monotone" dataKey="sent" name="Sent" stroke="#4f46e5" strokeWidth={2} dot={daily.length <= 31} isAnimationActive={false} />
      <Line type="monotone" dataKey="received" name="Received" stroke="#0f766e" strokeWidth={2} dot={daily.length <= 31} isAnimationActive={false} />
    </LineChart>
  );
}
