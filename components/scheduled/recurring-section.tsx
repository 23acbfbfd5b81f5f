"use client";

/**
 * Scheduled → Recurring: every recurring message and broadcast with its rule, status and next
 * occurrences; create one, edit all future occurrences or only the next one, pause, resume, cancel.
 */
import { useQuery } from "convex/react";
import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import { appErrorOf } from "@/lib/app-error";
import { formatDateTime } from "@/lib/format";
import { parseDateTimeLocalValue, toDateTimeLocalValue, viewerTimeZone } from "@/lib/schedule";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ChannelBadge } from "@/components/ui/channel-badge";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog, FormDialogFooter } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError, Textarea } from "@/components/ui/field";
import { SkeletonRows } from "@/components/ui/skeleton";
import { RecurrenceDialog, type RecurrenceView } from "./recurrence-dialog";
import { WhenField } from "./when-field";

type Series = NonNullable<ReturnType<typeof useQuery<typeof api.recurrences.list>>>[number];

const STATUS_TONE = { active: "green", paused: "amber", ended: "neutral", canceled: "neutral" } as const;

export function RecurringSection() {
  const series = useQuery(api.recurrences.list, {});
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<RecurrenceView | null>(null);
  const [editingNext, setEditingNext] = useState<Series | null>(null);
  const [canceling, setCanceling] = useState<Series | null>(null);
  const [pause] = useMutationWithToast(api.recurrences.pause);
  const [resume] = useMutationWithToast(api.recurrences.resume);
  const [cancel] = useMutationWithToast(api.recurrences.cancel);

  return (
    <Card
      title="Recurring"
      description="Messages and broadcasts that repeat. Each occurrence is an ordinary scheduled message or broadcast, listed above when it is next."
      actions={
        <Button size="sm" variant="primary" onClick={() => setCreating(true)}>
          New recurring message
        </Button>
      }
    >
      {series === undefined ? (
        <SkeletonRows rows={2} label="Loading recurring messages…" />
      ) : series.length === 0 ? (
        <EmptyState title="Nothing recurring" description="Repeat a reminder to a contact every week, or a broadcast to a group on the first Monday of the month." />
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Recurring messages and broadcasts">
          {series.map((s) => (
            <li key={s.id} className="flex flex-wrap items-start gap-x-4 gap-y-2 px-4 py-3 sm:flex-nowrap">
              <div className="min-w-0 flex-1 basis-72">
                <p className="flex flex-wrap items-center gap-2">
                  <span className="font-medium text-slate-900">
                    {s.groupId ? (
                      <>
                        Broadcast to <Link href={`/groups/${s.groupId}`} className="hover:underline">{s.targetName}</Link>
                      </>
                    ) : (
                      <Link href={`/inbox?contact=${s.contactId}`} className="hover:underline">
                        {s.targetName}
                      </Link>
                    )}
                  </span>
                  <ChannelBadge channel={s.channel} />
                  <Badge tone={STATUS_TONE[s.status]}>{s.status[0].toUpperCase() + s.status.slice(1)}</Badge>
                  {s.cancelOnReply ? <Badge tone="indigo">Cancels on reply</Badge> : null}
                </p>
                <p className="mt-0.5 text-sm text-slate-700">Repeats {s.description}</p>
                <p className="mt-0.5 line-clamp-2 text-sm break-words text-slate-600">{s.content}</p>
                {s.upcoming.length > 0 ? (
                  <div className="mt-1 text-sm text-slate-700">
                    <span className="font-medium">Next:</span>
                    <ol aria-label={`Next occurrences to ${s.targetName}`} className="inline">
                      {s.upcoming.map((at, i) => (
                        <li key={at} className="inline">
                          {i > 0 ? " · " : " "}
                          <time dateTime={new Date(at).toISOString()}>{formatDateTime(at)}</time>
                        </li>
                      ))}
                    </ol>
                  </div>
                ) : null}
                {s.lastSkipped ? (
                  <p className="mt-1 text-sm text-amber-900">
                    Skipped {formatDateTime(s.lastSkipped.at)}: {s.lastSkipped.message}
                  </p>
                ) : null}
              </div>
              <div className="flex flex-wrap gap-1">
                {s.status === "active" ? (
                  <Button size="sm" variant="ghost" onClick={() => void pause({ recurrenceId: s.id }, { success: "Paused" })}>
                    Pause<span className="sr-only"> {s.targetName}</span>
                  </Button>
                ) : null}
                {s.status === "paused" ? (
                  <Button size="sm" variant="ghost" onClick={() => void resume({ recurrenceId: s.id }, { success: "Resumed from the next occurrence" })}>
                    Resume<span className="sr-only"> {s.targetName}</span>
                  </Button>
                ) : null}
                {s.status === "active" && (s.pendingMessageId || s.pendingBroadcastId) ? (
                  <Button size="sm" variant="ghost" onClick={() => setEditingNext(s)}>
                    Edit next<span className="sr-only"> occurrence to {s.targetName}</span>
                  </Button>
                ) : null}
                {s.status === "active" || s.status === "paused" ? (
                  <>
                    <Button size="sm" variant="ghost" onClick={() => setEditing(s)}>
                      Edit all<span className="sr-only"> future occurrences to {s.targetName}</span>
                    </Button>
                    <Button size="sm" variant="danger-ghost" onClick={() => setCanceling(s)}>
                      Cancel<span className="sr-only"> recurring {s.groupId ? "broadcast" : "message"} to {s.targetName}</span>
                    </Button>
                  </>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}

      <RecurrenceDialog open={creating || editing !== null} editing={editing} onClose={() => (setCreating(false), setEditing(null))} />
      <EditNextDialog series={editingNext} onClose={() => setEditingNext(null)} />
      <ConfirmDialog
        open={canceling !== null}
        onClose={() => setCanceling(null)}
        title={`Stop the recurring ${canceling?.groupId ? "broadcast" : "message"} to ${canceling?.targetName ?? ""}?`}
        confirmLabel="Stop it"
        cancelLabel="Keep it"
        onConfirm={async () => {
          if (!canceling) return;
          const result = await cancel({ recurrenceId: canceling.id });
          if (!result.ok) throw result.error;
          toast.success("Recurring message canceled");
        }}
      >
        Its pending occurrence is canceled and no more are created. Occurrences already sent stay in the history.
      </ConfirmDialog>
    </Card>
  );
}

/** Edit only the pending occurrence of a recurring message: its text and its time. */
function EditNextDialog({ series, onClose }: { series: Series | null; onClose: () => void }) {
  const [saving, setSaving] = useState(false);
  const formId = useId();
  return (
    <Dialog
      open={series !== null}
      onClose={onClose}
      title="Edit the next occurrence"
      description={series ? `Only this occurrence to ${series.targetName} changes; the ones after it follow the rule.` : undefined}
      dismissible={!saving}
      footer={
        <FormDialogFooter formId={formId} busy={saving} onCancel={onClose}>
          Save
        </FormDialogFooter>
      }
    >
      {series ? <EditNextForm key={series.id} series={series} formId={formId} onSaving={setSaving} onDone={onClose} /> : null}
    </Dialog>
  );
}

function EditNextForm({ series, formId, onSaving, onDone }: { series: Series; formId: string; onSaving: (b: boolean) => void; onDone: () => void }) {
  const [timeZone] = useState(viewerTimeZone);
  const [now] = useState(() => Date.now());
  const [content, setContent] = useState(series.content);
  const [when, setWhen] = useState(() => toDateTimeLocalValue(series.upcoming[0] ?? now, timeZone));
  const [error, setError] = useState<string | undefined>();
  const [editOccurrence] = useMutationWithToast(api.recurrences.editOccurrence);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const at = parseDateTimeLocalValue(when, timeZone);
    if (at === null) return setError("Enter a date and time.");
    if (!content.trim()) return setError("Write the message.");
    setError(undefined);
    onSaving(true);
    try {
      const result = await editOccurrence(
        { recurrenceId: series.id, content, ...(at !== series.upcoming[0] ? { scheduledAt: at } : {}) },
        {
          handleError: (e) => {
            const data = appErrorOf(e);
            if (!data) return false;
            setError(data.message);
            return true;
          },
        },
      );
      if (!result.ok) return;
      toast.success("Next occurrence updated");
      onDone();
    } finally {
      onSaving(false);
    }
  }

  return (
    <form id={formId} onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4">
      <FormError>{error}</FormError>
      <Textarea label="Message" value={content} onChange={(e) => setContent(e.target.value)} rows={3} />
      <WhenField label="Send at" value={when} onChange={setWhen} now={now} timeZone={timeZone} />
    </form>
  );
}
