"use client";

import { useId, useState, type FormEvent } from "react";
import { useExportDownload } from "@/lib/use-export-download";
import { formatCount } from "@/lib/format";
import { Dialog, FormDialogFooter } from "@/components/ui/dialog";
import { Input } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Export the messages of a date range (whole days, UTC) as a CSV file, one row per message. */
export function ExportMessagesDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const formId = useId();
  const download = useExportDownload();
  const [error, setError] = useState<string | undefined>();
  const [now] = useState(() => Date.now());

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const from = Date.parse(`${String(form.get("from"))}T00:00:00Z`);
    const to = Date.parse(`${String(form.get("to"))}T00:00:00Z`) + DAY;
    if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return setError("Pick a first day on or before the last day.");
    if (to - from > 366 * DAY) return setError("Export at most a year at a time.");
    setError(undefined);
    void download.start({ kind: "messages", from, to });
  }

  const state = download.state;
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Export messages"
      description="One row per message: when, direction, channel, status, contact, addresses and text."
      footer={
        <FormDialogFooter formId={formId} busy={download.busy} onCancel={onClose}>
          Export CSV
        </FormDialogFooter>
      }
    >
      <form id={formId} onSubmit={onSubmit} noValidate className="grid gap-4 sm:grid-cols-2">
        <Input label="First day (UTC)" name="from" type="date" defaultValue={isoDay(now - 29 * DAY)} error={error} />
        <Input label="Last day (UTC)" name="to" type="date" defaultValue={isoDay(now)} />
      </form>
      <p role="status" className="mt-3 min-h-5 text-sm text-slate-700">
        {state.phase === "building" ? (
          <span className="flex items-center gap-2">
            <Spinner /> Building the file… {formatCount(state.rows, "message")} so far
          </span>
        ) : state.phase === "downloading" ? (
          <span className="flex items-center gap-2">
            <Spinner /> Downloading…
          </span>
        ) : state.phase === "done" ? (
          `Saved ${state.fileName} (${formatCount(state.rows, "message")}).`
        ) : null}
      </p>
    </Dialog>
  );
}
