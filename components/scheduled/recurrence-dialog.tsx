"use client";

/**
 * Create a recurring message (to a contact) or a recurring broadcast (to a group), or edit all
 * future occurrences of one: the text, how often (daily, weekly on chosen days, monthly on a day or
 * "the second Tuesday"), the first occurrence's local date and time in a time zone, and when it
 * ends. The next occurrences are previewed as the rule is edited (lib/recurrence.ts, the rule the
 * server uses).
 */
import { useQuery } from "convex/react";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import { CHANNELS, type Channel } from "@/convex/schema";
import { appErrorOf } from "@/lib/app-error";
import { CHANNEL_NAMES } from "@/lib/channelAvailability";
import { formatDateTime } from "@/lib/format";
import {
  describeRecurrence,
  firstOccurrence,
  occurrencesAfter,
  recurrenceProblem,
  RULE_WEEKDAY_NAMES,
  toRRule,
  type RecurrenceFreq,
  type RecurrenceSpec,
  type RuleWeekday,
} from "@/lib/recurrence";
import { toDateTimeLocalValue, viewerTimeZone } from "@/lib/schedule";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Dialog, FormDialogFooter } from "@/components/ui/dialog";
import { Checkbox, FormError, Input, SearchInput, Select, Textarea } from "@/components/ui/field";

export type RecurrenceView = {
  id: Id<"recurrences">;
  contactId: Id<"contacts"> | null;
  groupId: Id<"groups"> | null;
  targetName: string;
  channel: Channel;
  content: string;
  subject: string | null;
  spec: Doc<"recurrences">["spec"];
};

type Ends = "never" | "count" | "until";
type MonthlyKind = "dayOfMonth" | "nthWeekday";

const PREVIEW = 5;

/** The weekday of a local date, 0 = Monday (the rule's numbering). */
function ruleWeekdayOf(date: string): RuleWeekday {
  const [y, m, d] = date.split("-").map(Number);
  return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) as RuleWeekday;
}

/** "2nd Tuesday" of a local date (the 5th one is "last"). */
function nthOf(date: string): 1 | 2 | 3 | 4 | -1 {
  const day = Number(date.slice(8, 10));
  const nth = Math.ceil(day / 7);
  return nth > 4 ? -1 : (nth as 1 | 2 | 3 | 4);
}

const NTH_NAMES: Record<number, string> = { 1: "first", 2: "second", 3: "third", 4: "fourth", [-1]: "last" };

/** The next occurrences from now on (a start in the past begins with the next one after now). */
function previewOccurrences(spec: RecurrenceSpec, now: number): number[] {
  const first = firstOccurrence(spec);
  if (first === null) return [];
  const rrule = toRRule(spec);
  return first > now ? [first, ...occurrencesAfter(rrule, spec.timeZone, first, PREVIEW - 1)] : occurrencesAfter(rrule, spec.timeZone, now, PREVIEW);
}

function zones(): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];
  return supported.length > 0 ? supported : ["UTC"];
}

export function RecurrenceDialog({
  open,
  editing,
  onClose,
}: {
  open: boolean;
  /** A series to edit (all future occurrences), or null to create one. */
  editing: RecurrenceView | null;
  onClose: () => void;
}) {
  const [saving, setSaving] = useState(false);
  const formId = useId();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      size="lg"
      title={editing ? "Edit all future occurrences" : "New recurring message"}
      description={
        editing
          ? `${editing.groupId ? "Broadcast to" : "To"} ${editing.targetName}. The pending occurrence is replaced by the new rule's next one.`
          : "To one contact, or a broadcast to a group, repeated on a schedule."
      }
      dismissible={!saving}
      footer={
        <FormDialogFooter formId={formId} busy={saving} onCancel={onClose}>
          {editing ? "Save changes" : "Create"}
        </FormDialogFooter>
      }
    >
      {open ? <RecurrenceForm key={editing?.id ?? "new"} editing={editing} formId={formId} onSaving={setSaving} onDone={onClose} /> : null}
    </Dialog>
  );
}

function RecurrenceForm({
  editing,
  formId,
  onSaving,
  onDone,
}: {
  editing: RecurrenceView | null;
  formId: string;
  onSaving: (saving: boolean) => void;
  onDone: () => void;
}) {
  const [now] = useState(() => Date.now());
  const initial = editing?.spec as RecurrenceSpec | undefined;
  const [targetKind, setTargetKind] = useState<"contact" | "group">(editing?.groupId ? "group" : "contact");
  const [contactQuery, setContactQuery] = useState("");
  const [contactId, setContactId] = useState<Id<"contacts"> | "">("");
  const [groupId, setGroupId] = useState<Id<"groups"> | "">("");
  const [channel, setChannel] = useState<Channel>(editing?.channel ?? "sms");
  const [content, setContent] = useState(editing?.content ?? "");
  const [subject, setSubject] = useState(editing?.subject ?? "");
  const [freq, setFreq] = useState<RecurrenceFreq>(initial?.freq ?? "weekly");
  const [interval, setInterval] = useState(String(initial?.interval ?? 1));
  const [timeZone, setTimeZone] = useState(() => initial?.timeZone ?? viewerTimeZone());
  // The first occurrence: tomorrow at 09:00 by default.
  const [start, setStart] = useState(() => {
    if (initial) return initial.start;
    const tomorrow = toDateTimeLocalValue(now + 86_400_000, viewerTimeZone());
    return `${tomorrow.slice(0, 10)}T09:00`;
  });
  // Until days are picked, a weekly rule runs on the first occurrence's weekday.
  const [pickedWeekdays, setWeekdays] = useState<RuleWeekday[] | null>(() => (initial?.weekdays as RuleWeekday[] | undefined) ?? null);
  const [monthlyKind, setMonthlyKind] = useState<MonthlyKind>(initial?.monthly?.kind ?? "dayOfMonth");
  const [ends, setEnds] = useState<Ends>(initial?.count !== undefined ? "count" : initial?.until ? "until" : "never");
  const [count, setCount] = useState(String(initial?.count ?? 10));
  const [until, setUntil] = useState(initial?.until ?? "");
  const [cancelOnReply, setCancelOnReply] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const contacts = useQuery(api.contacts.search, !editing && targetKind === "contact" && contactQuery.trim() ? { query: contactQuery, limit: 10 } : "skip");
  const groups = useQuery(api.groups.list, !editing && targetKind === "group" ? { paginationOpts: { numItems: 100, cursor: null } } : "skip");
  const [create] = useMutationWithToast(api.recurrences.create);
  const [update] = useMutationWithToast(api.recurrences.update);

  const date = start.slice(0, 10);
  const weekdays = pickedWeekdays ?? (/^\d{4}-\d{2}-\d{2}$/.test(date) ? [ruleWeekdayOf(date)] : []);
  const spec: RecurrenceSpec = {
    freq,
    interval: Number(interval),
    ...(freq === "weekly" ? { weekdays: [...weekdays].sort() } : {}),
    ...(freq === "monthly"
      ? {
          monthly:
            monthlyKind === "dayOfMonth"
              ? { kind: "dayOfMonth" as const, day: Number(date.slice(8, 10)) }
              : { kind: "nthWeekday" as const, nth: nthOf(date), weekday: ruleWeekdayOf(date) },
        }
      : {}),
    start,
    timeZone,
    ...(ends === "count" ? { count: Number(count) } : {}),
    ...(ends === "until" && until ? { until } : {}),
  };
  const problem = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(start) ? recurrenceProblem(spec) : "Enter the first occurrence's date and time.";
  const upcoming = problem ? [] : previewOccurrences(spec, now);

  function handleError(e: unknown): boolean {
    const data = appErrorOf(e);
    if (!data) return false;
    setError(data.message);
    return true;
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (problem) return setError(problem);
    if (!content.trim()) return setError("Write the message.");
    if (channel === "email" && !subject.trim()) return setError("An email needs a subject.");
    if (!editing && targetKind === "contact" && !contactId) return setError("Choose the contact it goes to.");
    if (!editing && targetKind === "group" && !groupId) return setError("Choose the group it goes to.");
    setError(undefined);
    onSaving(true);
    try {
      const text = { content, ...(channel === "email" ? { subject: subject.trim() } : {}) };
      const result = editing
        ? await update({ recurrenceId: editing.id, ...text, spec }, { handleError })
        : await create(
            {
              ...(targetKind === "contact" ? { contactId: contactId as Id<"contacts">, ...(cancelOnReply ? { cancelOnReply: true } : {}) } : { groupId: groupId as Id<"groups"> }),
              channel,
              ...text,
              spec,
            },
            { handleError },
          );
      if (!result.ok) return;
      toast.success(editing ? "Future occurrences updated" : `Recurring ${targetKind === "group" ? "broadcast" : "message"} created`);
      onDone();
    } finally {
      onSaving(false);
    }
  }

  return (
    <form id={formId} onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4">
      <FormError>{error}</FormError>
      {editing ? null : (
        <fieldset className="space-y-2">
          <legend className="mb-1.5 text-sm font-medium text-slate-800">Send to</legend>
          <div className="flex gap-4 text-sm">
            {(["contact", "group"] as const).map((k) => (
              <label key={k} className="flex items-center gap-2">
                <input type="radio" name="target" checked={targetKind === k} onChange={() => setTargetKind(k)} className="size-4 accent-indigo-600" />
                {k === "contact" ? "A contact" : "A group (a broadcast)"}
              </label>
            ))}
          </div>
          {targetKind === "contact" ? (
            <div className="grid gap-3 sm:grid-cols-2">
              <SearchInput label="Find a contact" value={contactQuery} onChange={(e) => setContactQuery(e.target.value)} placeholder="Name, phone or email" />
              <Select label="Contact" value={contactId} onChange={(e) => setContactId(e.target.value as Id<"contacts"> | "")}>
                <option value="">{contactQuery.trim() ? (contacts?.length ? "Choose…" : "No match") : "Search first…"}</option>
                {(contacts ?? []).map((c: Doc<"contacts">) => (
                  <option key={c._id} value={c._id}>
                    {c.name}
                  </option>
                ))}
              </Select>
            </div>
          ) : (
            <Select label="Group" value={groupId} onChange={(e) => setGroupId(e.target.value as Id<"groups"> | "")}>
              <option value="">Choose…</option>
              {(groups?.page ?? []).map((g) => (
                <option key={g._id} value={g._id}>
                  {g.name}
                </option>
              ))}
            </Select>
          )}
        </fieldset>
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        <Select label="Channel" value={channel} onChange={(e) => setChannel(e.target.value as Channel)} disabled={editing !== null}>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {CHANNEL_NAMES[c]}
            </option>
          ))}
        </Select>
        {channel === "email" ? <Input label="Subject" value={subject} onChange={(e) => setSubject(e.target.value)} autoComplete="off" /> : null}
      </div>
      <Textarea label="Message" value={content} onChange={(e) => setContent(e.target.value)} rows={3} />

      <fieldset className="space-y-3 rounded-lg border border-slate-200 p-3">
        <legend className="px-1 text-sm font-medium text-slate-800">Repeat</legend>
        <div className="grid gap-3 sm:grid-cols-3">
          <Select label="Repeats" value={freq} onChange={(e) => setFreq(e.target.value as RecurrenceFreq)}>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
            <option value="monthly">Monthly</option>
          </Select>
          <Input label={`Every (${freq === "daily" ? "days" : freq === "weekly" ? "weeks" : "months"})`} type="number" min={1} max={99} value={interval} onChange={(e) => setInterval(e.target.value)} />
          <Input label="First on" type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} step={60} />
        </div>
        {freq === "weekly" ? (
          <fieldset>
            <legend className="mb-1.5 text-sm font-medium text-slate-800">On</legend>
            <div className="flex flex-wrap gap-3 text-sm">
              {RULE_WEEKDAY_NAMES.map((name, i) => (
                <label key={name} className="flex items-center gap-1.5">
                  <Checkbox
                    checked={weekdays.includes(i as RuleWeekday)}
                    onChange={(e) => setWeekdays(e.target.checked ? [...weekdays, i as RuleWeekday] : weekdays.filter((d) => d !== i))}
                  />
                  {name}
                </label>
              ))}
            </div>
          </fieldset>
        ) : null}
        {freq === "monthly" ? (
          <fieldset>
            <legend className="mb-1.5 text-sm font-medium text-slate-800">On</legend>
            <div className="flex flex-wrap gap-4 text-sm">
              <label className="flex items-center gap-2">
                <input type="radio" name="monthly" checked={monthlyKind === "dayOfMonth"} onChange={() => setMonthlyKind("dayOfMonth")} className="size-4 accent-indigo-600" />
                Day {Number(date.slice(8, 10)) || "—"} of the month
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="monthly" checked={monthlyKind === "nthWeekday"} onChange={() => setMonthlyKind("nthWeekday")} className="size-4 accent-indigo-600" />
                The {NTH_NAMES[nthOf(date)]} {RULE_WEEKDAY_NAMES[ruleWeekdayOf(date)] ?? ""}
              </label>
            </div>
          </fieldset>
        ) : null}
        <Select label="Time zone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} hint="The time stays the same local time across daylight-saving changes.">
          {zones().map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </Select>
        <fieldset>
          <legend className="mb-1.5 text-sm font-medium text-slate-800">Ends</legend>
          <div className="flex flex-wrap items-center gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="ends" checked={ends === "never"} onChange={() => setEnds("never")} className="size-4 accent-indigo-600" />
              Never
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="ends" checked={ends === "count"} onChange={() => setEnds("count")} className="size-4 accent-indigo-600" />
              After
            </label>
            {ends === "count" ? <Input label="Occurrences" type="number" min={1} max={1000} value={count} onChange={(e) => setCount(e.target.value)} className="w-32" /> : null}
            <label className="flex items-center gap-2">
              <input type="radio" name="ends" checked={ends === "until"} onChange={() => setEnds("until")} className="size-4 accent-indigo-600" />
              On a date
            </label>
            {ends === "until" ? <Input label="Last date" type="date" value={until} onChange={(e) => setUntil(e.target.value)} className="w-44" /> : null}
          </div>
        </fieldset>
      </fieldset>
      {!editing && targetKind === "contact" ? (
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <Checkbox checked={cancelOnReply} onChange={(e) => setCancelOnReply(e.target.checked)} />
          Cancel an occurrence if the contact writes after it was scheduled
        </label>
      ) : null}
      <div className="rounded-md bg-slate-50 p-3 text-sm text-slate-700" aria-live="polite">
        {problem ? (
          <p>{problem}</p>
        ) : (
          <>
            <p className="font-medium text-slate-900">Repeats {describeRecurrence(spec)}</p>
            {upcoming.length > 0 ? (
              <ol aria-label="Preview of the next occurrences" className="mt-1 list-inside list-decimal">
                {upcoming.map((at) => (
                  <li key={at}>{formatDateTime(at, { timeZone })}</li>
                ))}
              </ol>
            ) : (
              <p className="mt-1">No occurrence from now on.</p>
            )}
          </>
        )}
      </div>
    </form>
  );
}
