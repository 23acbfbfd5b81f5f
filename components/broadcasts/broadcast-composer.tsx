"use client";

import { useQuery } from "convex/react";
import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import { CHANNELS, type Channel } from "@/convex/schema";
import { appErrorOf } from "@/lib/app-error";
import { skipReasons } from "@/lib/broadcastProgress";
import { CHANNEL_NAMES } from "@/lib/channelAvailability";
import { ERROR_CODES } from "@/lib/errors";
import { formatCount, formatDateTime } from "@/lib/format";
import { CONTENT_LIMITS } from "@/lib/outboundRules";
import { parseDateTimeLocalValue, quickScheduleTimes, toDateTimeLocalValue } from "@/lib/schedule";
import { smsSegments } from "@/lib/smsSegments";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Button } from "@/components/ui/button";
import { Checkbox, FormError, Input, Textarea } from "@/components/ui/field";
import { Dialog } from "@/components/ui/dialog";
import { WhenField } from "@/components/scheduled/when-field";
import { AudiencePreview } from "@/components/templates/audience-preview";
import { Select } from "@/components/ui/field";
import { useAudienceCost, type AudienceCostArgs } from "@/lib/use-audience-cost";
import { useTimeZone } from "@/lib/use-time-zone";

type Field = "content" | "subject" | "when" | "cap";
type Errors = Partial<Record<Field, string>> & { form?: React.ReactNode };
type Draft = {
  channel: Channel;
  content: string;
  subject?: string;
  scheduledAt?: number;
  /** "At 09:00 on this date in each recipient's time zone" instead of one instant. */
  localTime?: { date: string; time: string };
  frequencyCapDays?: number;
  whatsappTemplateId?: Id<"whatsappTemplates">;
};

/** What the text costs: SMS segments and encoding, or characters against the channel's limit. */
function ContentMeter({ channel, content }: { channel: Channel; content: string }) {
  const max = channel === "email" ? CONTENT_LIMITS.emailMax : CONTENT_LIMITS.textMax;
  const over = content.length > max;
  let detail: string | null = null;
  if (channel === "sms" && content.length > 0) {
    const s = smsSegments(content);
    detail =
      `${formatCount(s.segments, "segment")} (${s.encoding})` +
      (s.encoding === "UCS-2" && s.nonGsm.length > 0 ? ` because of ${s.nonGsm.slice(0, 3).map((c) => `“${c}”`).join(" ")}` : "") +
      ` · ${s.remaining} left in this one`;
  }
  return (
    <span aria-live="polite" className={over ? "block font-medium text-red-700" : "block"}>
      {content.length.toLocaleString("en-US")} / {max.toLocaleString("en-US")} characters{detail ? ` · ${detail}` : ""}
      {channel === "sms" ? <span className="sr-only">. Each segment is billed as one SMS per member.</span> : null}
    </span>
  );
}

/** Who a broadcast goes to: a group's members, or the contacts a segment matches when it is sent. */
export type Audience =
  | { kind: "group"; groupId: Id<"groups">; name: string; size: number }
  | { kind: "segment"; segmentId: Id<"segments">; name: string; size: number | null };

export function groupAudience(group: Doc<"groups">): Audience {
  return { kind: "group", groupId: group._id, name: group.name, size: group.memberCount };
}

/**
 * Write a broadcast to a group or a segment: channel, text (with SMS segments), optional time.
 * Sending asks for confirmation with the audience's size; `onCreated` gets the new id.
 */
export function BroadcastComposer({ audience, onCreated }: { audience: Audience; onCreated: (id: Id<"broadcasts">) => void }) {
  const timeZone = useTimeZone();
  const [channel, setChannel] = useState<Channel>("sms");
  const [content, setContent] = useState("");
  const [subject, setSubject] = useState("");
  const [later, setLater] = useState(false);
  const [when, setWhen] = useState("");
  const [recipientLocal, setRecipientLocal] = useState(false);
  const [capOn, setCapOn] = useState(false);
  const [capDays, setCapDays] = useState("7");
  const [now, setNow] = useState(0);
  const [errors, setErrors] = useState<Errors>({});
  const [confirming, setConfirming] = useState<Draft | null>(null);
  // A saved template fills the text; on WhatsApp an approved template reaches closed windows too.
  const templates = useQuery(api.templates.list, { channel });
  const whatsappTemplates = useQuery(api.whatsappTemplates.list, channel === "whatsapp" ? { approvedOnly: true } : "skip");
  const [whatsappTemplateId, setWhatsappTemplateId] = useState<Id<"whatsappTemplates"> | "">("");
  const waTemplate = channel === "whatsapp" ? whatsappTemplates?.find((t) => t._id === whatsappTemplateId) : undefined;
  const [create] = useMutationWithToast(api.broadcasts.create);
  const contentRef = useRef<HTMLTextAreaElement>(null);
  const subjectRef = useRef<HTMLInputElement>(null);
  const whenRef = useRef<HTMLInputElement>(null);
  const capRef = useRef<HTMLInputElement>(null);

  function show(found: Errors) {
    setErrors(found);
    const first = (["subject", "content", "when", "cap"] as const).find((f) => found[f]);
    const refs = { subject: subjectRef, content: contentRef, when: whenRef, cap: capRef };
    if (first) requestAnimationFrame(() => refs[first].current?.focus());
  }

  function toggleLater(on: boolean) {
    setLater(on);
    if (on && !when) {
      const t = Date.now();
      setNow(t);
      setWhen(toDateTimeLocalValue(quickScheduleTimes(t, timeZone)[0].at, timeZone));
    } else if (on) {
      setNow(Date.now());
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found: Errors = {};
    if (channel === "email" && !subject.trim()) found.subject = ERROR_CODES.SUBJECT_REQUIRED;
    if (!content.trim() && !waTemplate) found.content = "Write the message.";
    else if (content.length > (channel === "email" ? CONTENT_LIMITS.emailMax : CONTENT_LIMITS.textMax)) found.content = "The message is too long.";
    let scheduledAt: number | undefined;
    let localTime: Draft["localTime"];
    if (later) {
      const at = parseDateTimeLocalValue(when, timeZone);
      if (at === null) found.when = "Enter a date and time.";
      // In each recipient's zone: the server checks that the earliest zone's time is still ahead.
      else if (recipientLocal) localTime = { date: when.slice(0, 10), time: when.slice(11, 16) };
      else if (at <= Date.now()) found.when = ERROR_CODES.SCHEDULE_IN_PAST;
      else scheduledAt = at;
    }
    const cap = Number(capDays);
    if (capOn && (!Number.isInteger(cap) || cap < 1 || cap > 365)) found.cap = "Enter a number of days from 1 to 365.";
    if (Object.keys(found).length > 0) return show(found);
    setErrors({});
    setConfirming({
      channel,
      content: waTemplate ? "" : content,
      ...(channel === "email" ? { subject: subject.trim() } : {}),
      ...(scheduledAt ? { scheduledAt } : {}),
      ...(localTime ? { localTime } : {}),
      ...(capOn ? { frequencyCapDays: cap } : {}),
      ...(waTemplate ? { whatsappTemplateId: waTemplate._id } : {}),
    });
  }

  function fieldError(error: unknown): boolean {
    const data = appErrorOf(error);
    switch (data?.code) {
      case "CONTENT_INVALID":
      case "TEMPLATE_VARIABLE_UNKNOWN":
        show({ content: data.message });
        return true;
      case "TEMPLATE_NOT_APPROVED":
        show({ form: data.message });
        return true;
      case "SUBJECT_REQUIRED":
        show({ subject: data.message });
        return true;
      case "SCHEDULE_IN_PAST":
        show({ when: data.message });
        return true;
      case "INVALID_ARGUMENT":
        if (data.details?.field === "frequencyCapDays") {
          show({ cap: data.message });
          return true;
        }
        if (data.details?.field !== "scheduledAt" && data.details?.field !== "localTime") return false;
        show({ when: data.message });
        return true;
      case "NO_SENDER":
        show({
          form: (
            <>
              No {CHANNEL_NAMES[channel]} sender is set up.{" "}
              <Link href="/settings#senders" className="font-medium underline">
                Add one in Settings
              </Link>
              .
            </>
          ),
        });
        return true;
      default:
        return false;
    }
  }

  async function send(draft: Draft) {
    const to = audience.kind === "group" ? { groupId: audience.groupId } : { segmentId: audience.segmentId };
    const result = await create({ ...to, ...draft }, { handleError: fieldError });
    if (!result.ok) {
      setConfirming(null);
      return;
    }
    toast.success(
      draft.localTime
        ? `Broadcast scheduled for ${draft.localTime.time} on ${draft.localTime.date} in each recipient's time zone`
        : draft.scheduledAt
          ? `Broadcast scheduled for ${formatDateTime(draft.scheduledAt)}`
          : `Broadcasting to ${audience.name}`,
    );
    setConfirming(null);
    setContent("");
    setSubject("");
    setLater(false);
    setWhen("");
    setRecipientLocal(false);
    onCreated(result.value);
  }

  if (audience.size === 0) {
    return (
      <p className="text-sm text-slate-600">
        {audience.kind === "group" ? "Add members to this group to broadcast to them." : "No contact matches this segment now."}
      </p>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label={`Broadcast to ${audience.name}`}>
      <FormError>{errors.form}</FormError>
      <fieldset>
        <legend className="mb-1.5 text-sm font-medium text-slate-800">Channel</legend>
        <div className="flex flex-wrap gap-2">
          {CHANNELS.map((c) => (
            <label
              key={c}
              className="flex cursor-pointer items-center gap-2 rounded-md border border-slate-300 px-3 py-1.5 text-sm has-[:checked]:border-indigo-600 has-[:checked]:bg-indigo-50 has-[:checked]:text-indigo-900"
            >
              <input type="radio" name="channel" value={c} checked={channel === c} onChange={() => setChannel(c)} className="size-4 accent-indigo-600" />
              {CHANNEL_NAMES[c]}
            </label>
          ))}
        </div>
        {channel === "whatsapp" && !waTemplate ? (
          <p className="mt-1.5 text-xs text-slate-600">
            Only members who messaged you on WhatsApp in the last 24 hours can get free text; the others are skipped. An approved
            template reaches everyone.
          </p>
        ) : null}
      </fieldset>
      {channel === "whatsapp" && whatsappTemplates && whatsappTemplates.length > 0 ? (
        <Select label="WhatsApp template" value={whatsappTemplateId} onChange={(e) => setWhatsappTemplateId(e.target.value as Id<"whatsappTemplates"> | "")}>
          <option value="">Free text (24-hour window only)</option>
          {whatsappTemplates.map((t) => (
            <option key={t._id} value={t._id}>
              {t.name} ({t.language})
            </option>
          ))}
        </Select>
      ) : null}
      {!waTemplate && templates && templates.length > 0 ? (
        <Select
          label="Start from a template"
          value=""
          onChange={(e) => {
            const t = templates.find((x) => x._id === e.target.value);
            if (!t) return;
            setContent(t.content);
            if (channel === "email" && t.subject) setSubject(t.subject);
            if (errors.content) setErrors((prev) => ({ ...prev, content: undefined }));
          }}
        >
          <option value="">Choose a template…</option>
          {templates.map((t) => (
            <option key={t._id} value={t._id}>
              {t.name}
            </option>
          ))}
        </Select>
      ) : null}
      {channel === "email" ? (
        <Input
          ref={subjectRef}
          label="Subject"
          value={subject}
          onChange={(e) => {
            setSubject(e.target.value);
            if (errors.subject) setErrors((prev) => ({ ...prev, subject: undefined }));
          }}
          maxLength={CONTENT_LIMITS.subjectMax}
          autoComplete="off"
          error={errors.subject}
        />
      ) : null}
      {waTemplate ? (
        <p className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm whitespace-pre-wrap text-slate-800">{waTemplate.body}</p>
      ) : null}
      <Textarea
        ref={contentRef}
        label="Message"
        className={waTemplate ? "hidden" : undefined}
        value={content}
        onChange={(e) => {
          setContent(e.target.value);
          if (errors.content) setErrors((prev) => ({ ...prev, content: undefined }));
        }}
        rows={5}
        error={errors.content}
        hint={
          <>
            <ContentMeter channel={channel} content={content} />
            <span className="block">Merge fields such as {"{{firstName|there}}"} are filled in for each recipient. Ctrl+Enter (⌘+Enter) continues.</span>
          </>
        }
      />
      <AudiencePreview
        audience={audience.kind === "group" ? { groupId: audience.groupId } : { segmentId: audience.segmentId }}
        channel={channel}
        content={waTemplate ? "" : content}
        subject={channel === "email" ? subject : undefined}
        whatsappTemplateId={waTemplate?._id}
      />
      <label className="flex items-center gap-2 text-sm text-slate-800">
        <Checkbox checked={later} onChange={(e) => toggleLater(e.target.checked)} />
        Schedule for later
      </label>
      {later ? (
        <>
          <WhenField ref={whenRef} label="Send at" value={when} onChange={setWhen} error={errors.when} now={now} timeZone={timeZone} />
          <label className="flex items-center gap-2 text-sm text-slate-800">
            <Checkbox checked={recipientLocal} onChange={(e) => setRecipientLocal(e.target.checked)} />
            At this time in each recipient&apos;s time zone
          </label>
          {recipientLocal ? (
            <p className="-mt-2 text-xs text-slate-600">
              Each member gets it at {when.slice(11, 16) || "that time"} their time (contacts without a time zone: the account&apos;s, Settings → Scheduling).
            </p>
          ) : null}
        </>
      ) : null}
      <div className="space-y-2">
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <Checkbox
            checked={capOn}
            onChange={(e) => {
              setCapOn(e.target.checked);
              if (errors.cap) setErrors((prev) => ({ ...prev, cap: undefined }));
            }}
          />
          Skip contacts sent a broadcast recently
        </label>
        {capOn ? (
          <Input
            ref={capRef}
            label="Days since their last broadcast"
            type="number"
            inputMode="numeric"
            min={1}
            max={365}
            value={capDays}
            onChange={(e) => {
              setCapDays(e.target.value);
              if (errors.cap) setErrors((prev) => ({ ...prev, cap: undefined }));
            }}
            hint="Members who were sent any broadcast within this many days are skipped (counted as frequency cap)."
            error={errors.cap}
            className="max-w-xs"
          />
        ) : null}
      </div>
      <Button type="submit" variant="primary" className="w-full">
        {later ? "Schedule broadcast…" : audience.size === null ? "Send to the segment…" : `Send to ${formatCount(audience.size, audience.kind === "group" ? "member" : "contact")}…`}
      </Button>

      <ConfirmSend audience={audience} draft={confirming} onClose={() => setConfirming(null)} onConfirm={send} />
    </form>
  );
}

function ConfirmSend({
  audience,
  draft,
  onClose,
  onConfirm,
}: {
  audience: Audience;
  draft: Draft | null;
  onClose: () => void;
  onConfirm: (draft: Draft) => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const members = audience.size === null ? `everyone in ${audience.name}` : formatCount(audience.size, audience.kind === "group" ? "member" : "contact");
  const segments = draft?.channel === "sms" ? smsSegments(draft.content).segments : 0;
  // Who it reaches and who is skipped and why, counted over the whole audience with the fan-out's
  // rules (once the text's merge fields are known: the count refuses unknown ones).
  const costArgs: AudienceCostArgs | null = draft
    ? {
        ...(audience.kind === "group" ? { groupId: audience.groupId } : { segmentId: audience.segmentId }),
        channel: draft.channel,
        content: draft.content,
        ...(draft.subject !== undefined ? { subject: draft.subject } : {}),
        ...(draft.whatsappTemplateId ? { whatsappTemplateId: draft.whatsappTemplateId } : {}),
      }
    : null;
  const known = useQuery(api.templates.previewAudience, costArgs ? { ...costArgs, limit: 1 } : "skip");
  const unknown = known?.unknown[0];
  const cost = useAudienceCost(costArgs && known && unknown === undefined ? costArgs : "skip");
  const skipped = cost ? skipReasons(cost.skipped) : [];
  const skippedTotal = skipped.reduce((n, r) => n + r.count, 0);
  return (
    <Dialog
      open={draft !== null}
      onClose={onClose}
      role="alertdialog"
      size="sm"
      dismissible={!busy}
      title={draft?.scheduledAt || draft?.localTime ? `Schedule for ${members}?` : `Send to ${members} now?`}
      description={
        draft ? (
          <>
            {CHANNEL_NAMES[draft.channel]} to everyone in {audience.name}
            {draft.localTime
              ? `, at ${draft.localTime.time} on ${draft.localTime.date} in each recipient's time zone`
              : draft.scheduledAt
                ? `, at ${formatDateTime(draft.scheduledAt)}`
                : ""}
            .{draft.frequencyCapDays ? ` Members sent a broadcast in the last ${formatCount(draft.frequencyCapDays, "day")} are skipped.` : ""}
            {audience.kind === "segment" ? " The segment's contacts are taken when it is sent." : ""}
            {segments > 1 ? ` Each SMS is ${segments} segments before merge.` : ""}
          </>
        ) : undefined
      }
      footer={
        <>
          <Button onClick={onClose} disabled={busy} data-autofocus>
            Back
          </Button>
          <Button
            variant="primary"
            loading={busy}
            onClick={() => {
              if (!draft) return;
              setBusy(true);
              void onConfirm(draft).finally(() => setBusy(false));
            }}
          >
            {draft?.scheduledAt || draft?.localTime ? "Schedule" : "Send now"}
          </Button>
        </>
      }
    >
      <div aria-live="polite" className="text-sm text-slate-800">
        {unknown !== undefined ? (
          <p className="font-medium text-red-700">{`{{${unknown}}} is not a merge field of this account.`}</p>
        ) : cost === null ? (
          <p className="text-slate-600">Checking who it reaches…</p>
        ) : (
          <>
            <p>
              <strong className="font-semibold">{cost.recipients.toLocaleString("en-US")}</strong> will get it
              {skipped.length > 0 ? (
                <>
                  ; <strong className="font-semibold">{skippedTotal.toLocaleString("en-US")}</strong> will be skipped:
                </>
              ) : (
                "; nobody is skipped."
              )}
              {cost.complete ? "" : " (still counting)"}
            </p>
            {skipped.length > 0 ? (
              <ul className="mt-1 list-disc space-y-0.5 pl-5 text-slate-700">
                {skipped.map((r) => (
                  <li key={r.reason}>
                    {r.label}: {r.count.toLocaleString("en-US")}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        )}
      </div>
    </Dialog>
  );
}
