"use client";

/**
 * Dialogs whose code loads on demand (React.lazy): apart from dialog.tsx, which every page
 * loads, so only the pages that split a dialog off carry these.
 */
import { Suspense, useEffect, useRef, type ReactNode } from "react";
import { Dialog } from "./dialog";
import { Spinner } from "./spinner";

// The controls Dialog focuses when it opens (dialog.tsx keeps its own copy: exported from there,
// the selector weighed on every page's first load).
const FOCUSABLE =
  'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/**
 * Content of an open dialog that loads on demand (React.lazy inside): a Suspense boundary with
 * `fallback` meanwhile. The dialog gives focus when it opens, to the loading state then; when the
 * content arrives and the focus is still on the dialog itself, it moves to the content's first
 * control, as it would have had the content been there at once.
 */
export function DialogSuspense({ fallback, children }: { fallback: ReactNode; children: ReactNode }) {
  return (
    <Suspense fallback={fallback}>
      <FocusOnArrival>{children}</FocusOnArrival>
    </Suspense>
  );
}

function FocusOnArrival({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = ref.current;
    const active = document.activeElement;
    // Still on an element around this content: the dialog's panel, focused with the loading state.
    if (!root || !(active instanceof HTMLElement) || active === root || !active.contains(root)) return;
    (root.querySelector<HTMLElement>("[data-autofocus]") ?? root.querySelector<HTMLElement>(FOCUSABLE))?.focus();
  }, []);
  return <div ref={ref}>{children}</div>;
}

/**
 * A dialog whose code is still loading (a React.lazy dialog's Suspense fallback): its title and a
 * loading state, open at once. The real dialog replaces it in the same commit and takes the focus.
 */
export function DialogLoading({ title, onClose }: { title: ReactNode; onClose: () => void }) {
  return (
    <Dialog open onClose={onClose} title={title}>
      <p role="status" className="flex items-center gap-2 text-sm text-slate-700">
        <Spinner /> Loading…
      </p>
    </Dialog>
  );
}
