"use client";

/**
 * Start a CSV export and save it when it is ready: the export is built in the background
 * (convex/exports.ts), then its chunks are fetched one query at a time and joined into a file
 * the browser downloads (with a UTF-8 BOM, so spreadsheets read accents right).
 */
import { useConvex, useQuery } from "convex/react";
import type { FunctionArgs } from "convex/server";
import { useEffect, useRef, useState } from "react";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { toastError, useMutationWithToast } from "./use-mutation-with-toast";

export type ExportState = { phase: "idle" } | { phase: "building"; rows: number } | { phase: "downloading" } | { phase: "done"; rows: number; fileName: string };

/** Save text as a file through a temporary link. */
export function saveFile(text: string, fileName: string, type = "text/csv;charset=utf-8") {
  const url = URL.createObjectURL(new Blob(["\uFEFF", text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function useExportDownload() {
  const convex = useConvex();
  const [create] = useMutationWithToast(api.exports.create);
  const [exportId, setExportId] = useState<Id<"exports"> | null>(null);
  const [state, setState] = useState<ExportState>({ phase: "idle" });
  const exp = useQuery(api.exports.get, exportId ? { exportId } : "skip");
  const fetching = useRef<Id<"exports"> | null>(null);

  useEffect(() => {
    if (!exp || exp.status !== "ready" || fetching.current === exp._id) return;
    fetching.current = exp._id;
    const ready = exp;
    void (async () => {
      setState({ phase: "downloading" });
      try {
        const parts: string[] = [];
        for (let seq = 0; seq < ready.chunks; seq++) parts.push(await convex.query(api.exports.chunk, { exportId: ready._id, seq }));
        saveFile(parts.join(""), ready.fileName);
        setState({ phase: "done", rows: ready.rows, fileName: ready.fileName });
      } catch (error) {
        toastError(error, "The download failed");
        setState({ phase: "idle" });
      } finally {
        setExportId(null);
      }
    })();
  }, [exp, convex]);

  const building = exportId !== null && exp?.status === "building" ? { phase: "building" as const, rows: exp.rows } : null;

  async function start(args: FunctionArgs<typeof api.exports.create>) {
    setState({ phase: "building", rows: 0 });
    const result = await create(args);
    if (!result.ok) {
      setState({ phase: "idle" });
      return;
    }
    fetching.current = null;
    setExportId(result.value);
  }

  return { start, state: building ?? state, busy: exportId !== null || state.phase === "downloading" || state.phase === "building" };
}
