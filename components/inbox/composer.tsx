"use client";

/**
 * Write to a contact: channel (pre-set from the conversation's last channel; unavailable ones
 * disabled with the reason), text with a character and SMS segment count, a subject for email,
 * files (picked, dropped or pasted; uploaded to Convex storage and checked against the
 * channel's limits), a media link, and "send later" in the viewer's time zone. Cmd/Ctrl+Enter
 * sends. Everything is a draft kept on the server as it is typed (lib/use-draft.ts). The
 * message shows in the thread at once (an optimistic update of the paginated thread query); a
 * refusal puts the draft back with the reason on its field.
 */
import { insertAtTop, useMutation, useQuery } from "convex/react";
import type { FunctionArgs } from "convex/server";
import { useId, useMemo, useRef, useState, useSyncExternalStore, type FormEvent } from "react";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import type { Attachment, Channel } from "@/convex/schema";
import { formatBytes, UPLOAD_TYPES } from "@/lib/attachments";
import { CHANNEL_NAMES, CHANNEL_ORDER, channelAvailability, preferredChannel, type ChannelState } from "@/lib/channelAvailability";
import { appErrorOf } from "@/lib/app-error";
import { cn } from "@/lib/cn";
import { draftErrorsFromServer, hasErrors, sendArgsOf, validateDraft, type Draft, type DraftErrors } from "@/lib/composer";
import { formatDateTime } from "@/lib/format";
import { CONTENT_LIMITS } from "@/lib/outboundRules";
import { parseDateTimeLocalValue } from "@/lib/schedule";
import { smsSegments } from "@/lib/smsSegments";
import { filterTemplates, moveActive, slashQuery } from "@/lib/templateMenu";
import { EMPTY_DRAFT, useDraft, type DraftState } from "@/lib/use-draft";
import { useMutationWithToast, type OptimisticUpdate } from "@/lib/use-mutation-with-toast";
import { useNow } from "@/lib/use-now";
import { useUploads, type Uploading } from "@/lib/use-uploads";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Checkbox, FormError, Input, Textarea } from "@/components/ui/field";
import { AlertIcon, CloseIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { ChannelIcon } from "./channel-icon";
import { ClockIcon, InfoIcon, LinkIcon, PaperclipIcon, SendIcon } from "./icons";
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

/** A Send click this soon after a send (a double click) does nothing rather than flag an empty message. */
const REPEAT_CLICK_MS = 800;

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
  const [draft, setDraft] = useState<DraftState>(EMPTY_DRAFT);
  const update = (patch: Partial<DraftState>) => setDraft((d) => ({ ...d, ...patch }));
  const { content, subject, mediaUrl, attachments, schedule: scheduleValue } = draft;
  const chosen = draft.channel && states[draft.channel] ? draft.channel : null;
  const channel = chosen ?? preferredChannel(contact, states);
  const state: ChannelState | null = channel ? states[channel] : null;
  const [showMediaToggle, setShowMedia] = useState(false);
  const showMedia = showMediaToggle || mediaUrl !== "";
  // A scheduled follow-up can cancel itself if the contact writes first.
  const [cancelOnReply, setCancelOnReply] = useState(false);
  const [errors, setErrors] = useState<DraftErrors>({});
  const [send] = useMutationWithToast(api.messages.send, showSentAtOnce);
  const discard = useMutation(api.attachments.discard);
  const { loaded, markSent } = useDraft(contact._id, draft, setDraft);
  const { upload, uploading } = useUploads(contact._id);
  // Where each file can be seen (fresh uploads know it; a restored draft asks).
  const [knownUrls, setKnownUrls] = useState<Record<string, string | null>>({});
  const missing = attachments.filter((a) => !(a.storageId in knownUrls)).map((a) => a.storageId);
  const fetched = useQuery(api.attachments.urls, missing.length ? { storageIds: missing } : "skip");
  const urls = useMemo(() => ({ ...Object.fromEntries((fetched ?? []).map((f) => [f.storageId, f.url])), ...knownUrls }), [fetched, knownUrls]);
  const [dragging, setDragging] = useState(false);

  const ids = useId();
  const contentRef = useRef<HTMLTextAreaElement>(null);
  const subjectRef = useRef<HTMLInputElement>(null);
  const mediaRef = useRef<HTMLInputElement>(null);
  const scheduleRef = useRef<HTMLInputElement>(null);
  const fileRef = useRef<HTMLInputElement>(null);
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
    update({ content: t.content, ...(email && t.subject ? { subject: t.subject } : {}) });
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
      else if (found.attachments) fileRef.current?.focus();
      else if (found.scheduledAt) scheduleRef.current?.focus();
      else if (found.form) formErrorRef.current?.focus();
    });
  }

  function clearError(field: keyof DraftErrors) {
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  }

  /** Upload dropped, pasted or picked files and add them to the draft; a refusal shows on the files' row. */
  async function addFiles(files: readonly File[]) {
    if (files.length === 0) return;
    clearError("attachments");
    for (const file of files) {
      const result = await upload(file);
      if ("error" in result) {
        setErrors((e) => ({ ...e, attachments: result.error }));
        continue;
      }
      setKnownUrls((k) => ({ ...k, [result.attachment.storageId]: result.url }));
      setDraft((d) => ({ ...d, attachments: [...d.attachments.filter((a) => a.storageId !== result.attachment.storageId), result.attachment] }));
    }
  }

  function removeAttachment(storageId: Id<"_storage">) {
    setDraft((d) => ({ ...d, attachments: d.attachments.filter((a) => a.storageId !== storageId) }));
    clearError("attachments");
    // The file is deleted unless a message carries it; failing that, the clean-up takes it.
    discard({ storageId }).catch((error: unknown) => console.warn("Discarding the file failed", error));
  }

  /** When the last message left this composer: a second click right after a send is not an empty message. */
  const lastSentAt = useRef(0);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!channel || !state) return;
    const empty = content.trim() === "" && mediaUrl.trim() === "" && attachments.length === 0;
    if (empty && Date.now() - lastSentAt.current < REPEAT_CLICK_MS) return;
    if (uploading.length > 0) {
      setErrors({ attachments: "Wait for the files to finish uploading." });
      return;
    }
    const scheduledAt = scheduleValue === null ? null : (parseDateTimeLocalValue(scheduleValue, timeZone) ?? Number.NaN);
    const request: Draft = { channel, content, subject, mediaUrl, scheduledAt, attachments };
    const found = validateDraft(request, state, Date.now(), { timeZone });
    if (scheduleValue !== null && scheduleValue.trim() === "") found.scheduledAt = "Pick a date and time, or send now.";
    if (hasErrors(found)) {
      setErrors(found);
      focusFirst(found);
      return;
    }
    setErrors({});
    lastSentAt.current = Date.now();
    // The message is in the thread already (optimistic): clear the draft now, put it back on failure.
    const sent = draft;
    markSent();
    setDraft((d) => ({ ...d, content: "", mediaUrl: "", attachments: [], schedule: null }));
    setShowMedia(false);
    onSending?.();
    contentRef.current?.focus();

    const followUp = request.scheduledAt !== null && cancelOnReply;
    setCancelOnReply(false);
    const args = sendArgsOf(request) as Omit<FunctionArgs<typeof api.messages.send>, "contactId">;
    const result = await send(
      { contactId: contact._id, ...args, ...(followUp ? { cancelOnReply: true } : {}) },
      {
        handleError: (error) => {
          const quiet = appErrorOf(error);
          if (quiet?.code === "QUIET_HOURS" && quiet.details?.until !== undefined) {
            // Quiet hours for the contact: send anyway only if the person confirms.
            toast.warning(quiet.message, {
              duration: 15_000,
              action: {
                label: "Send anyway",
                onClick: () => void send({ contactId: contact._id, ...args, confirmQuietHours: true }),
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
      setDraft((d) => ({
        ...d,
        content: d.content === "" ? sent.content : d.content,
        subject: d.subject || sent.subject,
        mediaUrl: d.mediaUrl || sent.mediaUrl,
        attachments: d.attachments.length ? d.attachments : sent.attachments,
        schedule: d.schedule ?? sent.schedule,
      }));
      if (followUp) setCancelOnReply(true);
    } else if (email) {
      update({ subject: "" });
    }
  }

  const unavailable = CHANNEL_ORDER.map((c) => states[c]).filter((s): s is Extract<ChannelState, { available: false }> => !s.available);
  const nothingAvailable = channel === null;

  return (
    <form
      onSubmit={(e) => void onSubmit(e)}
      noValidate
      aria-label={`Message ${contact.name}`}
      aria-busy={!loaded}
      data-composer
      data-draft-loaded={loaded ? "" : undefined}
      onDragOver={(e) => {
        if (nothingAvailable || !e.dataTransfer.types.includes("Files")) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!e.dataTransfer.files.length) return;
        e.preventDefault();
        setDragging(false);
        void addFiles(Array.from(e.dataTransfer.files));
      }}
      className={cn(
        "relative space-y-2 border-t border-slate-200 bg-white p-3 pb-[max(0.75rem,env(safe-area-inset-bottom))] sm:p-4",
        dragging && "outline-2 -outline-offset-4 outline-indigo-600 outline-dashed",
      )}
    >
      {dragging ? (
        <div aria-hidden="true" className="pointer-events-none absolute inset-0 z-10 grid place-items-center bg-white/80 text-sm font-medium text-indigo-800">
          Drop images or PDFs to attach them
        </div>
      ) : null}
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
                    update({ channel: c });
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
            update({ subject: e.target.value });
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
          update({ content: e.target.value });
          setActive(0);
          clearError("content");
        }}
        onPaste={(e) => {
          const files = Array.from(e.clipboardData.files);
          if (files.length === 0) return;
          e.preventDefault();
          void addFiles(files);
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
            if (slash !== null) update({ content: "" });
          }
        }}
        aria-autocomplete="list"
        aria-controls={menuQuery !== null ? menuId : undefined}
        aria-activedescendant={menuQuery !== null && offered?.length ? `${menuId}-${active}` : undefined}
        error={errors.content}
        hint={<span className="sr-only">{`${modifier}+Enter sends. Type / for a template. Paste or drop images and PDFs to attach them.`}</span>}
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

      <Attachments
        attachments={attachments}
        uploading={uploading}
        urls={urls}
        error={errors.attachments}
        errorId={`${ids}-files-error`}
        onRemove={removeAttachment}
      />

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
            update({ mediaUrl: e.target.value });
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
            update({ schedule: v });
            clearError("scheduledAt");
          }}
          onClear={() => {
            update({ schedule: null });
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
        <input
          ref={fileRef}
          type="file"
          multiple
          accept={UPLOAD_TYPES.join(",")}
          className="sr-only"
          tabIndex={-1}
          aria-hidden="true"
          onChange={(e) => {
            void addFiles(Array.from(e.target.files ?? []));
            e.target.value = "";
          }}
        />
        <Button
          size="sm"
          variant="ghost"
          onClick={() => fileRef.current?.click()}
          disabled={nothingAvailable}
          aria-describedby={errors.attachments ? `${ids}-files-error` : undefined}
        >
          <PaperclipIcon className="size-4" />
          <span className="sr-only sm:not-sr-only">Attach</span>
          <span className="sr-only"> a file</span>
        </Button>
        <Button
          size="sm"
          variant="ghost"
          aria-pressed={showMedia}
          onClick={() => {
            if (showMedia) {
              setShowMedia(false);
              update({ mediaUrl: "" });
            } else {
              setShowMedia(true);
              requestAnimationFrame(() => mediaRef.current?.focus());
            }
          }}
          disabled={nothingAvailable}
        >
          <LinkIcon className="size-4" />
          <span aria-hidden="true" className="hidden sm:inline">
            Link
          </span>
          <span className="sr-only">Media link</span>
        </Button>
        <Button
          size="sm"
          variant="ghost"
          aria-pressed={scheduling}
          onClick={() => {
            if (scheduling) update({ schedule: null });
            else {
              update({ schedule: "" });
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

/** The files going with the message: thumbnails of images, names and sizes, each with Remove. */
function Attachments({
  attachments,
  uploading,
  urls,
  error,
  errorId,
  onRemove,
}: {
  attachments: readonly Attachment[];
  uploading: readonly Uploading[];
  urls: Record<string, string | null>;
  error?: string;
  errorId: string;
  onRemove: (storageId: Id<"_storage">) => void;
}) {
  if (attachments.length === 0 && uploading.length === 0 && !error) return null;
  return (
    <div className="space-y-1.5">
      {attachments.length + uploading.length > 0 ? (
        <ul aria-label="Attached files" className="flex flex-wrap gap-2">
          {attachments.map((a) => {
            const url = urls[a.storageId];
            return (
              <li key={a.storageId} className="flex max-w-full items-center gap-2 rounded-md border border-slate-200 bg-slate-50 py-1 pr-1 pl-1.5 text-xs">
                {a.contentType.startsWith("image/") && url ? (
                  // eslint-disable-next-line @next/next/no-img-element -- a file in Convex storage
                  <img src={url} alt="" className="size-8 rounded object-cover" />
                ) : (
                  <PaperclipIcon className="size-4 shrink-0 text-slate-500" />
                )}
                <span className="min-w-0">
                  <span className="block max-w-[12rem] truncate font-medium text-slate-800" dir="auto">
                    {a.name}
                  </span>
                  <span className="block text-slate-600">{formatBytes(a.size)}</span>
                </span>
                <button
                  type="button"
                  onClick={() => onRemove(a.storageId)}
                  className="rounded p-1 text-slate-600 hover:bg-slate-200 hover:text-slate-900"
                >
                  <CloseIcon className="size-3.5" />
                  <span className="sr-only">Remove {a.name}</span>
                </button>
              </li>
            );
          })}
          {uploading.map((u) => (
            <li key={u.id} className="flex items-center gap-2 rounded-md border border-dashed border-slate-300 px-2 py-1.5 text-xs text-slate-700">
              <Spinner className="size-3" />
              <span className="max-w-[12rem] truncate">Uploading {u.name}…</span>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p id={errorId} role="alert" className="flex items-start gap-1.5 text-sm text-red-700">
          <AlertIcon className="mt-0.5 size-4 shrink-0" />
          {error}
        </p>
      ) : null}
    </div>
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
