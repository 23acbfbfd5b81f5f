"use client";

import { useId, useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { appErrorOf } from "@/lib/app-error";
import { ERROR_CODES } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { parseDateTimeLocalValue, toDateTimeLocalValue } from "@/lib/schedule";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Dialog, FormDialogFooter } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import { WhenField } from "./when-field";
import { useTimeZone } from "@/lib/use-time-zone";

export type RescheduleTarget =
  | { kind: "message"; id: Id<"messages">; at: number; title: string }
  | { kind: "broadcast"; id: Id<"broadcasts">; at: number; title: string };

/** Move a scheduled message or broadcast to another time; a time in the past is refused inline. */
export function RescheduleDialog({ target, onClose }: { target: RescheduleTarget | null; onClose: () => void }) {
  const [saving, setSaving] = useState(false);
  const formId = useId();
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      title="Reschedule"
      description={target ? `${target.title}, now due ${formatDateTime(target.at)}.` : undefined}
      dismissible={!saving}
      footer={
        <FormDialogFooter formId={formId} busy={saving} onCancel={onClose}>
          Reschedule
        </FormDialogFooter>
      }
    >
      {target ? <RescheduleForm key={`${target.kind}-${target.id}`} target={target} formId={formId} onSaving={setSaving} onDone={onClose} /> : null}
    </Dialog>
  );
}

function RescheduleForm({
  target,
  formId,
  onSaving,
  onDone,
}: {
  target: RescheduleTarget;
  formId: string;
  onSaving: (saving: boolean) => void;
  onDone: () => void;
}) {
  const timeZone = useTimeZone();
  const [now] = useState(() => Date.now());
  const [value, setValue] = useState(() => toDateTimeLocalValue(target.at, timeZone));
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | undefined>();
  const inputRef = useRef<HTMLInputElement>(null);
  const [rescheduleMessage] = useMutationWithToast(api.messages.reschedule);
  const [rescheduleBroadcast] = useMutationWithToast(api.broadcasts.reschedule);

  function fail(message: string) {
    setError(message);
    requestAnimationFrame(() => inputRef.current?.focus());
  }

  function handleError(e: unknown): boolean {
    const data = appErrorOf(e);
    if (data?.code === "SCHEDULE_IN_PAST" || (data?.code === "INVALID_ARGUMENT" && data.details?.field === "scheduledAt")) {
      fail(data.message);
      return true;
    }
    if (data?.code === "INVALID_STATE" || data?.code === "WHATSAPP_WINDOW_CLOSED") {
      setFormError(data.message);
      return true;
    }
    return false;
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const at = parseDateTimeLocalValue(value, timeZone);
    if (at === null) return fail("Enter a date and time.");
    if (at <= Date.now()) return fail(ERROR_CODES.SCHEDULE_IN_PAST);
    setError(undefined);
    setFormError(undefined);
    onSaving(true);
    try {
      const result =
        target.kind === "message"
          ? await rescheduleMessage({ messageId: target.id, scheduledAt: at }, { handleError })
          : await rescheduleBroadcast({ broadcastId: target.id, scheduledAt: at }, { handleError });
      if (!result.ok) return;
      toast.success(`Rescheduled for ${formatDateTime(at)}`);
      onDone();
    } finally {
      onSaving(false);
    }
  }

  return (
    <form id={formId} onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4">
      <FormError>{formError}</FormError>
      <WhenField ref={inputRef} label="New time" value={value} onChange={setValue} error={error} now={now} timeZone={timeZone} />
    </form>
  );
}
