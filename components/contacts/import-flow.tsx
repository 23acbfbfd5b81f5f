"use client";

/**
 * The CSV import, inside the Import contacts dialog (import-dialog.tsx loads this module when the
 * dialog first opens): drop or choose a file (uploaded to Convex file storage), see the preview
 * (new, updated, skipped and invalid rows, the first problems, the column mapping), adjust the
 * options, run it with live progress, cancel it, download the rows that failed, and undo it.
 * Everything follows the import document live, so closing and reopening picks it up.
 */
import { useMutation, usePaginatedQuery, useQuery } from "convex/react";
import { getCountries } from "libphonenumber-js";
import { useMemo, useRef, useState, type DragEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import { describeError } from "@/lib/errors";
import { formatCount, formatDateTime } from "@/lib/format";
import { browserRegion, DUPLICATE_POLICY_LABELS, STANDARD_TARGET_LABELS } from "@/lib/importTargets";
import { useExportDownload } from "@/lib/use-export-download";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FormError, Input, Select } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";

type Import = Doc<"imports">;
type Policy = Import["options"]["onDuplicate"];

const STATUS: Record<Import["status"], { label: string; tone: BadgeTone }> = {
  analyzing: { label: "Reading the file", tone: "indigo" },
  ready: { label: "Ready to import", tone: "indigo" },
  staging: { label: "Importing", tone: "indigo" },
  running: { label: "Importing", tone: "indigo" },
  completed: { label: "Imported", tone: "green" },
  canceled: { label: "Canceled", tone: "neutral" },
  failed: { label: "Failed", tone: "red" },
  undoing: { label: "Undoing", tone: "amber" },
  undone: { label: "Undone", tone: "neutral" },
};

/** The file picker, or the import picked (its preview, progress or result). */
export default function ImportFlow({
  importId,
  onPick,
  onClose,
}: {
  importId: Id<"imports"> | null;
  onPick: (importId: Id<"imports"> | null) => void;
  onClose: () => void;
}) {
  return importId ? <ImportView importId={importId} onAnother={() => onPick(null)} onClose={onClose} /> : <Pick onPicked={onPick} />;
}

/** Drop zone and file button, and the recent imports to reopen. */
function Pick({ onPicked }: { onPicked: (id: Id<"imports">) => void }) {
  const generateUploadUrl = useMutation(api.imports.generateUploadUrl);
  const create = useMutation(api.imports.create);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const recent = usePaginatedQuery(api.imports.list, {}, { initialNumItems: 5 });

  async function upload(file: File) {
    setError(null);
    if (file.size > 10 * 1024 * 1024) return setError("Files are at most 10 MB.");
    setBusy(file.name);
    try {
      const url = await generateUploadUrl({});
      const res = await fetch(url, { method: "POST", headers: { "Content-Type": file.type || "text/csv" }, body: file });
      if (!res.ok) throw new Error(`upload failed (${res.status})`);
      const { storageId } = (await res.json()) as { storageId: Id<"_storage"> };
      onPicked(await create({ storageId, fileName: file.name, options: { defaultCountry: browserRegion() } }));
    } catch (e) {
      setError((e as { data?: unknown }).data ? describeError(e) : "The file could not be uploaded. Try again.");
    } finally {
      setBusy(null);
    }
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) void upload(file);
  }

  return (
    <div className="space-y-5">
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid="import-dropzone"
        className={`flex flex-col items-center gap-3 rounded-lg border-2 border-dashed p-8 text-center ${over ? "border-indigo-500 bg-indigo-50" : "border-slate-300"}`}
      >
        {busy ? (
          <p className="flex items-center gap-2 text-sm text-slate-700" role="status">
            <Spinner /> Uploading {busy}…
          </p>
        ) : (
          <>
            <p className="text-sm text-slate-700">Drop a CSV file here, or</p>
            <Button variant="primary" onClick={() => input.current?.click()}>
              Choose a CSV file
            </Button>
            <p className="text-xs text-slate-600">
              Up to 50,000 rows and 10 MB. UTF-8 or Windows (Excel) text, separated by commas or semicolons. Columns
              such as name, phone, mobile, email, tags and your custom fields are recognised from the header row.
            </p>
          </>
        )}
        <input
          ref={input}
          type="file"
          accept=".csv,.txt,text/csv"
          className="sr-only"
          aria-label="CSV file to import"
          tabIndex={-1}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (file) void upload(file);
          }}
        />
      </div>
      {error ? <FormError>{error}</FormError> : null}
      {recent.results.length > 0 ? (
        <section aria-labelledby="recent-imports">
          <h3 id="recent-imports" className="text-sm font-semibold text-slate-900">
            Recent imports
          </h3>
          <ul className="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200">
            {recent.results.map((imp) => (
              <li key={imp._id} className="flex items-center justify-between gap-3 px-3 py-2 text-sm">
                <span className="min-w-0 truncate">
                  <span className="font-medium text-slate-900">{imp.fileName}</span>{" "}
                  <span className="text-slate-600">{formatDateTime(imp._creationTime)}</span>
                </span>
                <span className="flex shrink-0 items-center gap-2">
                  <Badge tone={STATUS[imp.status].tone}>{STATUS[imp.status].label}</Badge>
                  <Button size="sm" variant="ghost" onClick={() => onPicked(imp._id)}>
                    Open<span className="sr-only"> {imp.fileName}</span>
                  </Button>
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

function ImportView({ importId, onAnother, onClose }: { importId: Id<"imports">; onAnother: () => void; onClose: () => void }) {
  const imp = useQuery(api.imports.get, { importId });
  if (imp === undefined) {
    return (
      <p role="status" className="flex items-center gap-2 text-sm text-slate-700">
        <Spinner /> Loading…
      </p>
    );
  }
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="min-w-0 truncate text-sm font-medium text-slate-900">{imp.fileName}</p>
        <Badge tone={STATUS[imp.status].tone}>{STATUS[imp.status].label}</Badge>
      </div>
      {imp.status === "analyzing" ? (
        <p role="status" className="flex items-center gap-2 text-sm text-slate-700">
          <Spinner /> Reading the file and checking it against your contacts…
        </p>
      ) : imp.status === "ready" ? (
        <Preview imp={imp} />
      ) : imp.status === "failed" && imp.staged === 0 ? (
        <Failed imp={imp} onAnother={onAnother} />
      ) : (
        <Progress imp={imp} onAnother={onAnother} onClose={onClose} />
      )}
    </div>
  );
}

function Failed({ imp, onAnother }: { imp: Import; onAnother: () => void }) {
  return (
    <div className="space-y-4">
      <FormError>{imp.error?.message ?? "This file could not be imported."}</FormError>
      <Button variant="primary" onClick={onAnother}>
        Choose another file
      </Button>
    </div>
  );
}

function Count({ label, value, tone }: { label: string; value: number; tone?: "red" | "amber" }) {
  return (
    <div className="rounded-lg border border-slate-200 px-3 py-2">
      <dt className="text-xs font-medium text-slate-600">{label}</dt>
      <dd className={`text-xl font-semibold ${tone === "red" && value > 0 ? "text-red-700" : tone === "amber" && value > 0 ? "text-amber-800" : "text-slate-900"}`}>
        {value.toLocaleString("en-US")}
      </dd>
    </div>
  );
}

function Problems({ problems, title }: { problems: Array<{ row: number; message: string }>; title: string }) {
  if (problems.length === 0) return null;
  return (
    <section aria-label={title}>
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      <ul className="mt-1 max-h-40 space-y-1 overflow-y-auto text-sm text-slate-700">
        {problems.map((p) => (
          <li key={`${p.row}-${p.message}`}>
            <span className="font-medium">Row {p.row}:</span> {p.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

function useCountryOptions() {
  return useMemo(() => {
    const names = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(["en"], { type: "region" }) : null;
    return getCountries()
      .map((code) => ({ code, name: names?.of(code) ?? code }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, []);
}

/** The preview, the options (changing one redoes the preview) and the button that runs it. */
function Preview({ imp }: { imp: Import }) {
  const a = imp.analysis!;
  const fields = useQuery(api.customFields.list);
  const groups = useQuery(api.groups.list, { paginationOpts: { numItems: 200, cursor: null } });
  const countries = useCountryOptions();
  const [setOptions, settingOptions] = useMutationWithToast(api.imports.setOptions);
  const [start, starting] = useMutationWithToast(api.imports.start);
  const [tag, setTag] = useState(imp.options.tag ?? "");
  const [groupName, setGroupName] = useState(imp.options.newGroupName ?? "");
  const writes = a.preview.new + a.preview.updated;

  const targets = [
    { value: "", label: "Ignore" },
    ...Object.entries(STANDARD_TARGET_LABELS).map(([value, label]) => ({ value, label })),
    ...(fields ?? []).map((f) => ({ value: `field:${f.key}`, label: `${f.label} (custom field)` })),
  ];

  const update = (options: Parameters<typeof setOptions>[0]["options"]) => void setOptions({ importId: imp._id, options });

  return (
    <div className="space-y-5">
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4" aria-label="Preview">
        <Count label="New contacts" value={a.preview.new} />
        <Count label="Updated" value={a.preview.updated} />
        <Count label="Skipped" value={a.preview.skipped} tone="amber" />
        <Count label="Invalid" value={a.preview.invalid} tone="red" />
      </dl>
      <p className="text-xs text-slate-600">
        {formatCount(a.rows, "row")} read ({a.encoding}, separated by {a.delimiter === "\t" ? "tabs" : `“${a.delimiter}”`}
        {a.hasHeader ? ", with a header row" : ", no header row"}). Nothing has been written yet.
      </p>
      <Problems problems={a.problems} title="First problems" />

      <div className="grid gap-4 sm:grid-cols-2">
        <Select label="Numbers without a country code are from" value={imp.options.defaultCountry} disabled={settingOptions} onChange={(e) => update({ defaultCountry: e.target.value })}>
          {countries.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </Select>
        <Select
          label="Rows matching an existing contact (phone or email)"
          value={imp.options.onDuplicate}
          disabled={settingOptions}
          onChange={(e) => update({ onDuplicate: e.target.value as Policy })}
        >
          {(Object.keys(DUPLICATE_POLICY_LABELS) as Policy[]).map((p) => (
            <option key={p} value={p}>
              {DUPLICATE_POLICY_LABELS[p]}
            </option>
          ))}
        </Select>
        <Input label="Tag every imported contact" value={tag} onChange={(e) => setTag(e.target.value)} onBlur={() => tag !== (imp.options.tag ?? "") && update({ tag: tag.trim() || undefined })} placeholder="e.g. Spring fair" autoComplete="off" />
        <div className="space-y-1.5">
          <Select
            label="Add them to a group"
            value={imp.options.groupId ?? (imp.options.newGroupName !== undefined ? "__new" : "")}
            disabled={settingOptions}
            onChange={(e) => {
              const value = e.target.value;
              if (value === "__new") update({ groupId: undefined, newGroupName: groupName.trim() || `Import ${new Date().toISOString().slice(0, 10)}` });
              else update({ groupId: value ? (value as Id<"groups">) : undefined, newGroupName: undefined });
            }}
          >
            <option value="">No group</option>
            <option value="__new">A new group…</option>
            {groups?.page.map((g) => (
              <option key={g._id} value={g._id}>
                {g.name}
              </option>
            ))}
          </Select>
          {imp.options.newGroupName !== undefined ? (
            <Input
              label="New group's name"
              value={groupName || imp.options.newGroupName}
              onChange={(e) => setGroupName(e.target.value)}
              onBlur={() => groupName.trim() && groupName !== imp.options.newGroupName && update({ newGroupName: groupName.trim() })}
              autoComplete="off"
            />
          ) : null}
        </div>
      </div>

      <section aria-labelledby="column-mapping">
        <h3 id="column-mapping" className="text-sm font-semibold text-slate-900">
          Columns
        </h3>
        <div className="mt-2 overflow-x-auto rounded-md border border-slate-200">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Column</th>
                <th scope="col" className="px-3 py-2">First values</th>
                <th scope="col" className="px-3 py-2">Import as</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {a.headers.map((header, col) => (
                <tr key={col}>
                  <th scope="row" className="px-3 py-2 font-medium text-slate-900">{header || `Column ${col + 1}`}</th>
                  <td className="max-w-[14rem] truncate px-3 py-2 text-slate-600">
                    {a.sample
                      .map((r) => r[col] ?? "")
                      .filter(Boolean)
                      .slice(0, 3)
                      .join(" · ")}
                  </td>
                  <td className="px-3 py-1.5">
                    <Select
                      label={`Import ${header || `column ${col + 1}`} as`}
                      hideLabel
                      value={a.mapping[col] ?? ""}
                      disabled={settingOptions}
                      onChange={(e) => {
                        const mapping = a.headers.map((_, i) => (i === col ? e.target.value : (a.mapping[i] ?? "")));
                        // A target is used once: another column that had it is ignored now.
                        update({ mapping: mapping.map((t, i) => (i !== col && t !== "" && t === e.target.value ? "" : t)) });
                      }}
                    >
                      {targets.map((t) => (
                        <option key={t.value} value={t.value}>
                          {t.label}
                        </option>
                      ))}
                    </Select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <div className="flex flex-wrap items-center justify-end gap-3 border-t border-slate-200 pt-4">
        {settingOptions ? (
          <span className="flex items-center gap-2 text-sm text-slate-600">
            <Spinner /> Updating the preview…
          </span>
        ) : null}
        <Button variant="primary" loading={starting} disabled={writes === 0 || settingOptions} onClick={() => void start({ importId: imp._id })}>
          {writes === 0 ? "Nothing to import" : `Import ${formatCount(writes, "contact")}`}
        </Button>
      </div>
    </div>
  );
}

/** Running, finished, canceled or undone: live progress, counts, failed rows, cancel and undo. */
function Progress({ imp, onAnother, onClose }: { imp: Import; onAnother: () => void; onClose: () => void }) {
  const [cancel, canceling] = useMutationWithToast(api.imports.cancel);
  const [undo] = useMutationWithToast(api.imports.undo);
  const [confirmUndo, setConfirmUndo] = useState(false);
  const download = useExportDownload();
  const total = imp.total || imp.analysis?.rows || 0;
  const pct = total ? Math.round((imp.processed / total) * 100) : 0;
  const active = imp.status === "staging" || imp.status === "running";
  const failedRows = imp.counts.invalid + imp.counts.failed;
  const c = imp.counts;

  return (
    <div className="space-y-5">
      {active || imp.status === "undoing" ? (
        <div>
          <div className="flex justify-between text-sm text-slate-700">
            <span>{imp.status === "undoing" ? "Undoing…" : imp.status === "staging" ? "Preparing rows…" : "Writing contacts…"}</span>
            {imp.status !== "undoing" ? <span>{pct}%</span> : null}
          </div>
          <div
            className="mt-1 h-2 overflow-hidden rounded-full bg-slate-200"
            role="progressbar"
            aria-label="Import progress"
            aria-valuemin={0}
            aria-valuemax={total}
            aria-valuenow={imp.processed}
          >
            <div className="h-full bg-indigo-600 transition-all" style={{ width: `${imp.status === "undoing" ? 100 : pct}%` }} />
          </div>
          <p className="mt-1 text-xs text-slate-600">
            {imp.processed.toLocaleString("en-US")} of {total.toLocaleString("en-US")} rows
          </p>
        </div>
      ) : null}
      {imp.status === "undone" ? (
        <p className="text-sm text-slate-700">This import was undone: the contacts it created are deleted and the ones it changed are as they were.</p>
      ) : null}
      {imp.status === "canceled" ? <p className="text-sm text-slate-700">Canceled. Rows written before that stay (you can undo them).</p> : null}
      {imp.status === "failed" ? <FormError>{imp.error?.message ?? "The import stopped."}</FormError> : null}

      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-3" aria-label="Import counts">
        <Count label="Created" value={c.created} />
        <Count label="Updated" value={c.updated} />
        <Count label="Unchanged" value={c.unchanged} />
        <Count label="Skipped" value={c.skipped} tone="amber" />
        <Count label="Invalid" value={c.invalid} tone="red" />
        <Count label="Failed" value={c.failed} tone="red" />
      </dl>
      <Problems problems={[...(imp.analysis?.problems ?? []), ...imp.problems].sort((x, y) => x.row - y.row).slice(0, 50)} title="Rows not imported (first ones)" />

      <div className="flex flex-wrap items-center justify-end gap-2 border-t border-slate-200 pt-4">
        {active ? (
          <Button variant="danger" loading={canceling} onClick={() => void cancel({ importId: imp._id }, { success: "Import canceled" })}>
            Cancel import
          </Button>
        ) : null}
        {!active && failedRows > 0 ? (
          <Button loading={download.busy} onClick={() => void download.start({ kind: "importFailures", importId: imp._id })}>
            Download failed rows ({failedRows.toLocaleString("en-US")})
          </Button>
        ) : null}
        {imp.status === "completed" || imp.status === "canceled" || (imp.status === "failed" && imp.staged > 0) ? (
          <Button variant="danger-ghost" onClick={() => setConfirmUndo(true)}>
            Undo import
          </Button>
        ) : null}
        {!active && imp.status !== "undoing" ? (
          <>
            <Button onClick={onAnother}>Import another file</Button>
            <Button variant="primary" onClick={onClose}>
              Done
            </Button>
          </>
        ) : null}
      </div>
      {download.state.phase === "done" ? (
        <p className="text-right text-xs text-slate-600" role="status">
          Saved {download.state.fileName}.
        </p>
      ) : null}

      <ConfirmDialog
        open={confirmUndo}
        onClose={() => setConfirmUndo(false)}
        title="Undo this import?"
        confirmLabel="Undo import"
        onConfirm={async () => {
          const result = await undo({ importId: imp._id });
          if (!result.ok) throw result.error;
          toast.success("Undoing the import");
        }}
      >
        The {formatCount(c.created, "contact")} it created are deleted (with anything added to them since, such as
        messages and notes), and the {formatCount(c.updated, "contact")} it changed get their earlier values back.
      </ConfirmDialog>
    </div>
  );
}
