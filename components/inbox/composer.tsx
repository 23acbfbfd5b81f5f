"use client";

/**
 * Write to a contact: channel (pre-set from the conversation's last channel; unavailable ones
 * disabled with the reason), text with a character and SMS segment count, a subject for email,
 * a media link, and "send later" in the viewer's time zone. Cmd/Ctrl+Enter sends. The message
 * shows in the thread at once (an optimistic update of the paginated thread query); a refusal
 * puts the draft back with the reason on its field.
 */
import { insertAtTop, useQuery } from "convex/react";
import { useId, useMemo, useRef, useState, useSyncExternalStore, type FormEvent } from "react";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import type { Channel } from "@/convex/schema";
import { CHANNEL_NAMES, CHANNEL_ORDER, channelAvailability, preferredChannel, type ChannelState } from "@/lib/channelAvailability";
import { appErrorOf } from "@/lib/app-error";
import { cn } from "@/lib/cn";
import { draftErrorsFromServer, hasErrors, sendArgsOf, validateDraft, type Draft, type DraftErrors } from "@/lib/composer";
import { formatDateTime } from "@/lib/format";
import { CONTENT_LIMITS } from "@/lib/outboundRules";
import { parseDateTimeLocalValue } from "@/lib/schedule";
import { smsSegments } from "@/lib/smsSegments";
import { filterTemplates, moveActive, slashQuery } from "@/lib/templateMenu";
import { useMutationWithToast, type OptimisticUpdate } from "@/lib/use-mutation-with-toast";
import { useNow } from "@/lib/use-now";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Checkbox, FormError, Input, Textarea } from "@/components/ui/field";
import { ChannelIcon } from "./channel-icon";
import { ClockIcon, InfoIcon, PaperclipIcon, SendIcon } from "./icons";
import { SchedulePicker } from "./schedule-picker";
import { RecipientPreview } from "@/components/templates/recipient-preview";
import { TemplateMenu } from "@/components/templates/template-menu";
import { WhatsAppTemplateSend } from "@/components/templates/whatsapp-template-send";

/** The new message in the thread before the server has it: "queued", or "scheduled" at its time. */
const showSentAtOnce: OptimisticUpdate<typeof api.messages.send> = (store, args) => {
  const contact = store.getQuery(api.contacts.get, { contactId: args.contactId });
  if (!contact) return;
  const now = Date.now();
  const scheduled = args.scheduledAt !== undefined;
  const message: Doc<"messages"> = {
    _id: `optimistic:${crypto.randomUUID()}` as Id<"messages">,
    _creationTime: now,
    userId: contact.userId,
    contactId: args.contactId,
    channel: args.channel,
    direction: "outbound",
    status: scheduled ? "scheduled" : "queued",
    content: args.content,
    ...(args.subject !== undefined ? { subject: args.subject } : {}),
    ...(args.mediaUrls !== undefined ? { mediaUrls: args.mediaUrls } : {}),
    at: args.scheduledAt ?? now,
    scheduledAt: args.scheduledAt ?? now,
    attempts: 0,
  };
  insertAtTop({ paginatedQuery: api.messages.thread, argsToMatch: { contactId: args.contactId }, localQueryStore: store, item: message });
};

const subscribeNothing = () => () => undefined;
/** "⌘" on Apple devices, "Ctrl" elsewhere (and while rendering on the server). */
function useModifierKeyName(): string {
  return useSyncExternalStore(
    subscribeNothing,
    () => (/Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? "⌘" : "Ctrl"),
    () => "Ctrl",
  );
}

export function Composer({
  contact,
  senderChannels,
  timeZone,
  onSending,
}: {
  contact: Doc<"contacts">;
  /** Channels the account has a sender for; undefined while loading. */
  senderChannels: ReadonlySet<Channel> | undefined;
  timeZone: string;
  /** Called as a message is sent (the thread scrolls to it). */
  onSending?: () => void;
}) {
  const now = useNow(30_000);
  const states = useMemo(() => channelAvailability(contact, now, senderChannels), [contact, now, senderChannels]);
  const [chosen, setChosen] = useState<Channel | null>(null);
  const channel = chosen ?? preferredChannel(contact, states);
  const state: ChannelState | null = channel ? states[channel] : null;

  const [content, setContent] = useState("");
  const [subject, setSubject] = useState("");
  const [mediaUrl, setMediaUrl] = useState("");
  const [showMedia, setShowMedia] = useState(false);
  const [scheduleValue, setScheduleValue] = useState<string | null>(null);
  // A scheduled follow-up can cancel itself if the contact writes first.
  const [cancelOnReply, setCancelOnReply] = useState(false);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [send] = useMutationWithToast(api.messages.send, showSentAtOnce);

  const ids = useId();
  const contentRef = useRef<HTMLTextAreaElement>(null);
  const subjectRef = useRef<HTMLInputElement>(null);
  const mediaRef = useRef<HTMLInputElement>(null);
  const scheduleRef = useRef<HTMLInputElement>(null);
  const formErrorRef = useRef<HTMLDivElement>(null);
  const modifier = useModifierKeyName();

  const email = channel === "email";
  const scheduling = scheduleValue !== null;

  // Templates: the Templates button, or "/" (and a few letters of the name) as the whole draft.
  const [menuOpen, setMenuOpen] = useState(false);
  const [active, setActive] = useState(0);
  const templates = useQuery(api.templates.list, channel ? { channel } : "skip");
  const slash = slashQuery(content);
  const menuQuery = slash ?? (menuOpen ? "" : null);
  const offered = templates && menuQuery !== null ? filterTemplates(templates, menuQuery) : undefined;
  const menuId = `${ids}-templates`;

  function pickTemplate(t: Doc<"templates">) {
    setContent(t.content);
    if (email && t.subject) setSubject(t.subject);
    setMenuOpen(false);
    setActive(0);
    clearError("content");
    requestAnimationFrame(() => contentRef.current?.focus());
  }

  function focusFirst(found: DraftErrors) {
    requestAnimationFrame(() => {
      if (found.subject) subjectRef.current?.focus();
      else if (found.content) contentRef.current?.focus();
      else if (found.mediaUrl) mediaRef.current?.focus();
      else if (found.scheduledAt) scheduleRef.current?.focus();
      else if (found.form) formErrorRef.current?.focus();
    });
  }

  function clearError(field: keyof DraftErrors) {
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!channel || !state) return;
    const scheduledAt = scheduleValue === null ? null : (parseDateTimeLocalValue(scheduleValue, timeZone) ?? Number.NaN);
    const draft: Draft = { channel, content, subject, mediaUrl, scheduledAt };
    const found = validateDraft(draft, state, Date.now(), { timeZone });
    if (scheduleValue !== null && scheduleValue.trim() === "") found.scheduledAt = "Pick a date and time, or send now.";
    if (hasErrors(found)) {
      setErrors(found);
      focusFirst(found);
      return;
    }
    setErrors({});
    // The message is in the thread already (optimistic): clear the draft now, put it back on failure.
    setContent("");
    setMediaUrl("");
    setShowMedia(false);
    setScheduleValue(null);
    onSending?.();
    contentRef.current?.focus();

    const followUp = draft.scheduledAt !== null && cancelOnReply;
    setCancelOnReply(false);
    const result = await send(
      { contactId: contact._id, ...sendArgsOf(draft), ...(followUp ? { cancelOnReply: true } : {}) },
      {
        handleError: (error) => {
          const quiet = appErrorOf(error);
          if (quiet?.code === "QUIET_HOURS" && quiet.details?.until !== undefined) {
            // Quiet hours for the contact: send anyway only if the person confirms.
            toast.warning(quiet.message, {
              duration: 15_000,
              action: {
                label: "Send anyway",
                onClick: () => void send({ contactId: contact._id, ...sendArgsOf(draft), confirmQuietHours: true }),
              },
            });
            return true;
          }
          const mapped = draftErrorsFromServer(error);
          if (!mapped) return false;
          setErrors(mapped);
          focusFirst(mapped);
          return true;
        },
      },
    );
    if (!result.ok) {
      // Restore the draft unless something new has been typed meanwhile.
      setContent((current) => (current === "" ? draft.content : current));
      setSubject((current) => current || draft.subject);
      if (draft.mediaUrl) {
        setMediaUrl((current) => current || draft.mediaUrl);
        setShowMedia(true);
      }
      if (scheduleValue !== null) setScheduleValue((current) => current ?? scheduleValue);
      if (followUp) setCancelOnReply(true);
    } else if (email) {
      setSubject("");
    }
  }

  const unavailable = CHANNEL_ORDER.map((c) => states[c]).filter((s): s is Extract<ChannelState, { available: false }> => !s.available);
  const nothingAvailable = channel === null;

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate aria-label={`Message ${contact.name}`} className="space-y-2 border-t border-slate-200 bg-white p-3 sm:p-4">
      <fieldset>
        <legend className="sr-only">Channel</legend>
        <div className="flex flex-wrap gap-1.5">
          {CHANNEL_ORDER.map((c) => {
            const s = states[c];
            const checked = channel === c;
            return (
              <label
                key={c}
                className={cn(
                  "relative inline-flex cursor-pointer items-center gap-1.5 rounded-full border px-3 py-1 text-sm font-medium",
                  "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-indigo-600",
                  checked ? "border-indigo-600 bg-indigo-600 text-white" : "border-slate-300 bg-white text-slate-800 hover:bg-slate-50",
                  !s.available && "cursor-not-allowed border-dashed bg-slate-50 text-slate-600 hover:bg-slate-50",
                  !s.available && checked && "border-red-400 bg-red-50 text-red-800",
                )}
              >
                <input
                  type="radio"
                  name={`${ids}-channel`}
                  value={c}
                  checked={checked}
                  disabled={!s.available}
                  onChange={() => {
                    setChosen(c);
                    setErrors({});
                  }}
                  aria-describedby={s.available ? undefined : `${ids}-why-${c}`}
                  className="sr-only"
                />
                <ChannelIcon channel={c} className="size-4" decorative />
                {CHANNEL_NAMES[c]}
                {!s.available ? <span className="text-xs font-normal">({s.short})</span> : null}
              </label>
            );
          })}
        </div>
        {unavailable.length > 0 ? (
          <ul className="mt-1.5 space-y-0.5 text-xs text-slate-600">
            {unavailable.map((s) => (
              // The pill's few words say enough for a missing address or an opt-out; the WhatsApp
              // window and a missing sender get the sentence from 640px (screen readers always).
              <li
                key={s.channel}
                id={`${ids}-why-${s.channel}`}
                className={
                  s.problem === "WHATSAPP_WINDOW_CLOSED" || s.problem === "NO_SENDER"
                    ? "max-sm:sr-only sm:flex sm:items-start sm:gap-1"
                    : "sr-only"
                }
              >
                <InfoIcon className="mt-px size-3.5 shrink-0 text-slate-500" />
                <span>
                  <span className="font-medium text-slate-700">{CHANNEL_NAMES[s.channel]}:</span> {s.reason}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        {!states.whatsapp.available && states.whatsapp.problem === "WHATSAPP_WINDOW_CLOSED" ? (
          <div className="mt-2">
            <WhatsAppTemplateSend contact={contact} onSending={onSending} />
          </div>
        ) : null}
        {state?.available && state.windowEndsAt !== undefined ? (
          <p className="mt-1.5 text-xs text-slate-600">WhatsApp window open until {formatDateTime(state.windowEndsAt, { timeZone })}.</p>
        ) : null}
      </fieldset>

      {errors.form ? (
        <div ref={formErrorRef} tabIndex={-1} className="outline-none">
          <FormError>{errors.form}</FormError>
        </div>
      ) : null}

      {email ? (
        <Input
          ref={subjectRef}
          label="Subject"
          value={subject}
          onChange={(e) => {
            setSubject(e.target.value);
            clearError("subject");
          }}
          maxLength={CONTENT_LIMITS.subjectMax + 50}
          error={errors.subject}
          autoComplete="off"
        />
      ) : null}

      <Textarea
        ref={contentRef}
        label="Message"
        hideLabel
        rows={3}
        placeholder={nothingAvailable ? "No channel can reach this contact" : `Write ${email ? "an email" : "a message"} to ${contact.name}…`}
        value={content}
        disabled={nothingAvailable}
        onChange={(e) => {
          setContent(e.target.value);
          setActive(0);
          clearError("content");
        }}
        onKeyDown={(e) => {
          if (menuQuery === null) return;
          const next = moveActive(e.key, active, offered?.length ?? 0);
          if (next !== null) {
            e.preventDefault();
            setActive(next);
          } else if (e.key === "Enter" && !e.metaKey && !e.ctrlKey && !e.shiftKey && offered?.[active]) {
            e.preventDefault();
            pickTemplate(offered[active]);
          } else if (e.key === "Escape") {
            e.preventDefault();
            setMenuOpen(false);
            if (slash !== null) setContent("");
          }
        }}
        aria-autocomplete="list"
        aria-controls={menuQuery !== null ? menuId : undefined}
        aria-activedescendant={menuQuery !== null && offered?.length ? `${menuId}-${active}` : undefined}
        error={errors.content}
        hint={<span className="sr-only">{`${modifier}+Enter sends. Type / for a template.`}</span>}
        className="[&_textarea]:max-h-60 [&_textarea]:min-h-20 [&_textarea]:resize-y"
      />

      {menuQuery !== null && channel ? (
        <TemplateMenu
          id={menuId}
          templates={offered}
          active={active}
          onPick={pickTemplate}
          onHover={setActive}
          emptyText={templates?.length === 0 ? "No templates yet: create them on the Templates page." : "No template matches."}
        />
      ) : null}

      {channel && !nothingAvailable ? <RecipientPreview contactId={contact._id} channel={channel} content={content} subject={email ? subject : undefined} /> : null}

      {showMedia ? (
        <Input
          ref={mediaRef}
          label="Media URL"
          type="url"
          inputMode="url"
          placeholder="https://…"
          value={mediaUrl}
          onChange={(e) => {
            setMediaUrl(e.target.value);
            clearError("mediaUrl");
          }}
          hint={email ? "An https link, attached to the email." : "An https link to an image or file (MMS)."}
          error={errors.mediaUrl}
          autoComplete="off"
        />
      ) : null}

      {scheduling ? (
        <SchedulePicker
          value={scheduleValue}
          onChange={(v) => {
            setScheduleValue(v);
            clearError("scheduledAt");
          }}
          onClear={() => {
            setScheduleValue(null);
            clearError("scheduledAt");
          }}
          timeZone={timeZone}
          now={now}
          error={errors.scheduledAt}
          inputRef={scheduleRef}
        >
          <label className="mt-2 flex items-center gap-2 text-sm text-indigo-950">
            <Checkbox checked={cancelOnReply} onChange={(e) => setCancelOnReply(e.target.checked)} />
            Cancel it if the contact replies first
          </label>
        </SchedulePicker>
      ) : null}

      <div className="flex flex-wrap items-center gap-2">
        <Button
          size="sm"
          variant="ghost"
          aria-pressed={showMedia}
          onClick={() => {
            setShowMedia((s) => !s);
            if (showMedia) setMediaUrl("");
            else requestAnimationFrame(() => mediaRef.current?.focus());
          }}
          disabled={nothingAvailable}
        >
          <PaperclipIcon className="size-4" />
          <span className="sr-only sm:not-sr-only">Media</span>
          <span className="sr-only"> link</span>
        </Button>
        <Button
          size="sm"
          variant="ghost"
          aria-pressed={scheduling}
          onClick={() => {
            if (scheduling) setScheduleValue(null);
            else {
              setScheduleValue("");
              requestAnimationFrame(() => scheduleRef.current?.focus());
            }
          }}
          disabled={nothingAvailable}
        >
          <ClockIcon className="size-4" />
          <span className="sr-only sm:not-sr-only">Send later</span>
        </Button>
        <Button
          size="sm"
          variant="ghost"
          aria-pressed={menuOpen}
          aria-expanded={menuQuery !== null}
          onClick={() => {
            setMenuOpen((o) => !o);
            setActive(0);
            requestAnimationFrame(() => contentRef.current?.focus());
          }}
          disabled={nothingAvailable}
        >
          <span aria-hidden="true" className="font-mono text-xs">/</span>
          <span className="sr-only sm:not-sr-only">Templates</span>
        </Button>
        <Counter channel={channel} content={content} />
        <Button type="submit" variant="primary" className="ml-auto" disabled={nothingAvailable} title={`${scheduling ? "Schedule" : "Send"} (${modifier}+Enter)`}>
          {scheduling ? <ClockIcon className="size-4" /> : <SendIcon className="size-4" />}
          {scheduling ? "Schedule" : "Send"}
        </Button>
      </div>
    </form>
  );
}

/** Characters, and for SMS the segments and their encoding. */
function Counter({ channel, content }: { channel: Channel | null; content: string }) {
  const length = content.length;
  if (!channel) return null;
  if (channel === "email") {
    return <span className="text-xs text-slate-600 tabular-nums">{length.toLocaleString("en-US")} characters</span>;
  }
  const over = length > CONTENT_LIMITS.textMax;
  const limit = (
    <span className={cn(over && "font-semibold text-red-700")}>
      {length.toLocaleString("en-US")}/{CONTENT_LIMITS.textMax.toLocaleString("en-US")}
    </span>
  );
  if (channel === "whatsapp") return <span className="text-xs text-slate-600 tabular-nums">{limit} characters</span>;
  const sms = smsSegments(content);
  return (
    <span className="text-xs text-slate-600 tabular-nums" data-sms-counter>
      {limit} · {sms.segments} {sms.segments === 1 ? "segment" : "segments"} · {sms.encoding}
      {sms.segments > 0 ? <span className="hidden sm:inline"> ({sms.remaining} left)</span> : null}
      {sms.nonGsm.length > 0 ? (
        <span className="hidden md:inline">
          {" "}
          because of {sms.nonGsm.slice(0, 3).map((c) => `“${c}”`).join(" ")}
          {sms.nonGsm.length > 3 ? "…" : ""}
        </span>
      ) : null}
    </span>
  );
}
