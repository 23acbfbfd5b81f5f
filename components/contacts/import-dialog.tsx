"use client";

/**
 * The Import contacts dialog. Its content — the import itself (import-flow.tsx, with the country
 * list and the preview, progress and undo screens) — loads the first time the dialog opens, so
 * none of it weighs on the Contacts page's first load. The import picked lives here, outside the
 * lazy part, so a reload of that part never loses it.
 */
import { lazy, useState } from "react";
import type { Id } from "@/convex/_generated/dataModel";
import { Dialog } from "@/components/ui/dialog";
import { DialogSuspense } from "@/components/ui/lazy-dialog";
import { Spinner } from "@/components/ui/spinner";

// React.lazy, not next/dynamic, whose loader would join every route's first load. The Dialog
// renders its content only while open, so nothing is fetched (or rendered on the server) before.
const ImportFlow = lazy(() => import("./import-flow"));

const loading = (
  <p role="status" className="flex items-center gap-2 text-sm text-slate-700">
    <Spinner /> Loading…
  </p>
);

export function ImportDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [importId, setImportId] = useState<Id<"imports"> | null>(null);
  const close = () => {
    setImportId(null);
    onClose();
  };
  return (
    <Dialog open={open} onClose={close} size="lg" title="Import contacts" description="From a CSV file: exported from a spreadsheet, a shop or another tool.">
      <DialogSuspense fallback={loading}>
        <ImportFlow importId={importId} onPick={setImportId} onClose={close} />
      </DialogSuspense>
    </Dialog>
  );
}
