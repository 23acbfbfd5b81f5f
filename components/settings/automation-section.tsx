"use client";

/**
 * Settings → Scheduling and automation: the account's time zone, quiet hours (one window for
 * every night, 21:00–08:00 by default), business hours (one window on chosen weekdays, plus
 * holidays), the after-hours automatic reply and keyword automatic replies.
 */
import { useQuery } from "convex/react";
import { useState, type FormEvent } from "react";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import type { Channel } from "@/convex/schema";
import { CHANNEL_NAMES, CHANNEL_ORDER } from "@/lib/channelAvailability";
import { viewerTimeZone } from "@/lib/schedule";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { formatClock, parseClock, WEEKDAY_NAMES, type Period, type Weekday } from "@/lib/weeklyHours";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox, FormError, Input, Select, Textarea } from "@/components/ui/field";
import { SkeletonRows } from "@/components/ui/skeleton";

const ALL_DAYS: Weekday[] = [1, 2, 3, 4, 5, 6, 0];

/** One window on the chosen days (the form's shape) → periods. */
function periodsOf(days: Weekday[], start: number, end: number): Period[] {
  return days.map((day) => ({ day, start, end }));
}

export function AutomationSection() {
  const settings = useQuery(api.scheduling.settings, {});
  const rules = useQuery(api.autoReplies.list, {});
  return (
    <Card
      title="Scheduling and automation"
      description="Quiet hours hold broadcasts and scheduled messages until morning in each recipient's time zone; business hours decide when the after-hours reply answers."
    >
      <div className="space-y-8 p-5">
        {settings === undefined || rules === undefined ? <SkeletonRows rows={4} /> : <HoursForm key={String(settings.saved)} settings={settings} />}
        {rules === undefined ? null : <AutoReplies rules={rules} />}
      </div>
    </Card>
  );
}

type Settings = NonNullable<ReturnType<typeof useQuery<typeof api.scheduling.settings>>>;

function HoursForm({ settings }: { settings: Settings }) {
  const [update, pending] = useMutationWithToast(api.scheduling.updateSettings);
  const quiet = settings.quietHours.periods[0];
  const business = settings.businessHours.periods;
  const [error, setError] = useState<string | null>(null);
  const [businessDays, setBusinessDays] = useState<Weekday[]>(
    business.length ? [...new Set(business.map((p) => p.day as Weekday))] : [1, 2, 3, 4, 5],
  );

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const quietStart = parseClock(String(form.get("quietStart")));
    const quietEnd = parseClock(String(form.get("quietEnd")));
    const openAt = parseClock(String(form.get("openAt")));
    const closeAt = parseClock(String(form.get("closeAt")));
    if (quietStart === null || quietEnd === null || openAt === null || closeAt === null) {
      setError("Times are HH:MM, e.g. 21:00.");
      return;
    }
    const holidays = String(form.get("holidays") ?? "")
      .split(/[\s,]+/)
      .filter(Boolean);
    setError(null);
    await update(
      {
        timeZone: String(form.get("timeZone")).trim(),
        quietHoursEnabled: form.get("quietHoursEnabled") === "on",
        quietHours: { periods: periodsOf(ALL_DAYS, quietStart, quietEnd) },
        businessHours: { periods: form.get("businessOn") === "on" ? periodsOf(businessDays, openAt, closeAt) : [], holidays },
      },
      { success: "Scheduling settings saved." },
    );
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} className="space-y-5" aria-label="Hours">
      <Input label="Account time zone" name="timeZone" defaultValue={settings.saved ? settings.timeZone : viewerTimeZone()} hint="For contacts without a time zone of their own, and for business hours." />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Quiet hours</legend>
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <Checkbox name="quietHoursEnabled" defaultChecked={settings.quietHoursEnabled} /> Hold broadcasts and scheduled messages during quiet hours
        </label>
        <div className="flex gap-3">
          <Input label="From" name="quietStart" defaultValue={formatClock(quiet?.start ?? 21 * 60)} className="w-28" />
          <Input label="Until" name="quietEnd" defaultValue={formatClock(quiet?.end ?? 8 * 60)} className="w-28" />
        </div>
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Business hours</legend>
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <Checkbox name="businessOn" defaultChecked={business.length > 0} /> Set business hours (needed for the after-hours reply)
        </label>
        <div className="flex flex-wrap gap-3">
          {ALL_DAYS.map((day) => (
            <label key={day} className="flex items-center gap-1 text-sm text-slate-800">
              <Checkbox
                checked={businessDays.includes(day)}
                onChange={(e) => setBusinessDays((d) => (e.target.checked ? [...d, day] : d.filter((x) => x !== day)))}
              />
              {WEEKDAY_NAMES[day].slice(0, 3)}
            </label>
          ))}
        </div>
        <div className="flex gap-3">
          <Input label="Open" name="openAt" defaultValue={formatClock(business[0]?.start ?? 9 * 60)} className="w-28" />
          <Input label="Close" name="closeAt" defaultValue={formatClock(business[0]?.end ?? 17 * 60)} className="w-28" hint="Before opening time: closes the next day." />
        </div>
        <Input label="Holidays" name="holidays" defaultValue={(settings.businessHours.holidays ?? []).join(", ")} hint="Dates closed all day, e.g. 2026-12-25, 2026-12-26." />
      </fieldset>
      {error ? <FormError>{error}</FormError> : null}
      <Button type="submit" variant="primary" loading={pending}>
        Save hours
      </Button>
    </form>
  );
}

type Rule = NonNullable<ReturnType<typeof useQuery<typeof api.autoReplies.list>>>[number];

function AutoReplies({ rules }: { rules: Rule[] }) {
  const [create, creating] = useMutationWithToast(api.autoReplies.create);
  const [remove] = useMutationWithToast(api.autoReplies.remove);
  const [kind, setKind] = useState<"afterHours" | "keyword">("afterHours");
  const [channels, setChannels] = useState<Channel[]>(["sms", "whatsapp"]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const result = await create(
      {
        kind,
        ...(kind === "keyword" ? { keyword: String(form.get("keyword") ?? ""), match: form.get("match") === "contains" ? ("contains" as const) : ("exact" as const) } : {}),
        channels,
        content: String(form.get("content") ?? ""),
        cooldownMinutes: Number(form.get("cooldown") ?? 60),
        enabled: true,
      },
      { success: "Automatic reply added." },
    );
    if (result.ok) formEl.reset();
  }

  return (
    <section aria-label="Automatic replies" className="space-y-4">
      <h3 className="text-sm font-semibold text-slate-900">Automatic replies</h3>
      <p className="text-sm text-slate-600">
        Never sent to opted-out contacts, short codes or automated senders, never in answer to another automatic reply, and at most once per contact per cooldown. They show as “Automatic reply” in the thread.
      </p>
      {rules.length ? (
        <ul className="divide-y divide-slate-200 rounded-md border border-slate-200">
          {rules.map((r) => (
            <li key={r.id} className="flex items-start justify-between gap-3 px-3 py-2 text-sm" data-rule={r.kind}>
              <div>
                <p className="font-medium text-slate-900">
                  {r.kind === "afterHours" ? "After hours" : `Keyword “${r.keyword}” (${r.match === "contains" ? "contains" : "exact word"})`} ·{" "}
                  {r.channels.map((c) => CHANNEL_NAMES[c]).join(", ")} · every {r.cooldownMinutes} min at most
                </p>
                <p className="text-slate-700">{r.content}</p>
              </div>
              <Button size="sm" onClick={() => void remove({ ruleId: r.id as Id<"autoReplies"> })}>
                Remove<span className="sr-only"> this automatic reply</span>
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-600">No automatic replies yet.</p>
      )}
      <form onSubmit={(e) => void onSubmit(e)} className="space-y-3" aria-label="New automatic reply">
        <Select label="When" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="afterHours">Outside business hours</option>
          <option value="keyword">A message has a keyword</option>
        </Select>
        {kind === "keyword" ? (
          <div className="flex gap-3">
            <Input label="Keyword" name="keyword" required />
            <Select label="Match" name="match" defaultValue="exact">
              <option value="exact">Exact word</option>
              <option value="contains">Contains</option>
            </Select>
          </div>
        ) : null}
        <fieldset className="flex flex-wrap gap-3">
          <legend className="mb-1 text-sm font-medium text-slate-800">Channels</legend>
          {CHANNEL_ORDER.map((c) => (
            <label key={c} className="flex items-center gap-1 text-sm text-slate-800">
              <Checkbox checked={channels.includes(c)} onChange={(e) => setChannels((cs) => (e.target.checked ? [...cs, c] : cs.filter((x) => x !== c)))} />
              {CHANNEL_NAMES[c]}
            </label>
          ))}
        </fieldset>
        <Textarea label="Reply" name="content" required />
        <Input label="Cooldown (minutes per contact)" name="cooldown" type="number" min={1} defaultValue={60} className="w-56" />
        <Button type="submit" variant="primary" loading={creating}>
          Add automatic reply
        </Button>
      </form>
    </section>
  );
}
