"use client";

/**
 * A modal dialog on the native <dialog> element: `showModal()` makes the rest of the page
 * inert (the focus trap) and gives Escape for free. On top of that this component moves
 * focus into the dialog (the `data-autofocus` element, else the first control of the body,
 * else the panel),
 * returns focus to whatever opened it, closes on a backdrop click, and labels itself with
 * its title and description. Content mounts only while open, so forms start fresh. A form
 * dialog with `confirmDiscard` asks before Escape, × or a click outside throws away what was
 * typed (its Cancel button is a deliberate choice and closes at once).
 */
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { cn } from "@/lib/cn";
import { Button } from "./button";
import { CloseIcon } from "./icons";

export type DialogProps = {
  open: boolean;
  /** Called for Escape, the close button and a backdrop click. */
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  /** Buttons row at the bottom. */
  footer?: ReactNode;
  size?: "sm" | "md" | "lg";
  /** Whether Escape / backdrop / × may close it (false while saving). */
  dismissible?: boolean;
  /** Role "alertdialog" for confirmations. */
  role?: "dialog" | "alertdialog";
  /** Ask "Discard changes?" before dismissing once something was typed or changed in it. */
  confirmDiscard?: boolean;
};

const FOCUSABLE =
  'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

const widths = { sm: "max-w-sm", md: "max-w-lg", lg: "max-w-2xl" };

export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  size = "md",
  dismissible = true,
  role = "dialog",
  confirmDiscard = false,
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const returnFocusTo = useRef<HTMLElement | null>(null);
  const pressStartedOnBackdrop = useRef(false);
  const titleId = useId();
  const descriptionId = useId();
  // Whether the person typed or changed anything since it opened, and the discard question is up.
  const [edited, setEdited] = useState(false);
  const [askingDiscard, setAskingDiscard] = useState(false);
  const [openedAs, setOpenedAs] = useState(open);
  if (openedAs !== open) {
    setOpenedAs(open);
    setEdited(false);
    setAskingDiscard(false);
  }
  /** Escape, × or the backdrop: close, unless typed work would be lost (then ask). */
  const dismiss = () => {
    if (!dismissible) return;
    if (confirmDiscard && edited) setAskingDiscard(true);
    else onClose();
  };
  // Read the latest callbacks from the native listeners without re-subscribing.
  const latest = useRef({ onClose, dismissible, open, dismiss });
  useEffect(() => {
    latest.current = { onClose, dismissible, open, dismiss };
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      returnFocusTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      const panel = bodyRef.current;
      // React's autoFocus does not survive showModal(); mark the element with data-autofocus.
      const target =
        panel?.querySelector<HTMLElement>("[data-autofocus]") ??
        contentRef.current?.querySelector<HTMLElement>(FOCUSABLE) ??
        panel;
      target?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  // Restore focus after closing (also when the dialog unmounts while open).
  useEffect(() => {
    if (open) return;
    const el = returnFocusTo.current;
    returnFocusTo.current = null;
    if (el && el.isConnected) el.focus();
  }, [open]);
  useEffect(() => {
    const dialog = ref.current;
    return () => {
      if (dialog?.open) dialog.close();
      const el = returnFocusTo.current;
      if (el && el.isConnected) el.focus();
    };
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const onCancel = (event: Event) => {
      // Escape: let React state decide, so a dialog that is saving stays open.
      event.preventDefault();
      latest.current.dismiss();
    };
    const onNativeClose = () => {
      // Closed by the browser itself (e.g. a repeated Escape): keep state in sync. The event is
      // fired a task after close(), so one from our own close() can arrive after the dialog was
      // shown again: React remounting the effects of a dialog mounted open (StrictMode in
      // development, a Suspense boundary revealing it) closes and reopens it. That stale event is
      // not the user closing the dialog: only an event while the dialog is shut is.
      if (latest.current.open && !dialog.open) latest.current.onClose();
    };
    dialog.addEventListener("cancel", onCancel);
    dialog.addEventListener("close", onNativeClose);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      dialog.removeEventListener("close", onNativeClose);
    };
  }, []);

  return (
    <dialog
      ref={ref}
      role={role === "alertdialog" ? "alertdialog" : undefined}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      aria-modal="true"
      className={cn(
        "m-auto w-[calc(100%-2rem)] overflow-visible rounded-xl bg-transparent p-0 text-slate-900",
        "backdrop:bg-slate-900/50 dark:backdrop:bg-black/70",
        widths[size],
      )}
      onMouseDown={(e) => {
        pressStartedOnBackdrop.current = e.target === e.currentTarget;
      }}
      onClick={(e) => {
        if (e.target === e.currentTarget && pressStartedOnBackdrop.current) dismiss();
      }}
      onInput={() => setEdited(true)}
      onChange={() => setEdited(true)}
    >
      {open ? (
        <div ref={bodyRef} tabIndex={-1} className="max-h-[calc(100dvh-2rem)] overflow-y-auto rounded-xl bg-white shadow-xl outline-none">
          {askingDiscard ? (
            <DiscardQuestion
              onKeep={() => setAskingDiscard(false)}
              onDiscard={() => {
                setAskingDiscard(false);
                onClose();
              }}
            />
          ) : null}
          <div className="flex items-start justify-between gap-4 border-b border-slate-200 px-5 py-4">
            <div className="min-w-0">
              <h2 id={titleId} className="text-lg font-semibold text-slate-900">
                {title}
              </h2>
              {description ? (
                <div id={descriptionId} className="mt-1 text-sm text-slate-600">
                  {description}
                </div>
              ) : null}
            </div>
            <button
              type="button"
              onClick={dismiss}
              disabled={!dismissible}
              className="-m-1 rounded-md p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:opacity-50"
            >
              <CloseIcon />
              <span className="sr-only">Close</span>
            </button>
          </div>
          {children ? (
            <div ref={contentRef} className="px-5 py-4">
              {children}
            </div>
          ) : null}
          {footer ? (
            <div className="flex flex-col-reverse gap-2 border-t border-slate-200 bg-slate-50 px-5 py-3 sm:flex-row sm:justify-end">
              {footer}
            </div>
          ) : null}
        </div>
      ) : null}
    </dialog>
  );
}

/** "Discard changes?", shown at the top of a form dialog dismissed with typed work in it. */
function DiscardQuestion({ onKeep, onDiscard }: { onKeep: () => void; onDiscard: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div ref={ref} tabIndex={-1} role="alert" className="m-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 outline-none">
      <p className="font-medium">Discard what you typed?</p>
      <div className="mt-2 flex flex-wrap gap-2">
        <Button size="sm" variant="primary" onClick={onKeep}>
          Keep editing
        </Button>
        <Button size="sm" variant="danger" onClick={onDiscard}>
          Discard
        </Button>
      </div>
    </div>
  );
}

/** The footer of a dialog holding a form: Cancel, and the button that submits the form `formId`. */
export function FormDialogFooter({
  formId,
  busy,
  onCancel,
  submitDisabled,
  children,
}: {
  formId: string;
  busy: boolean;
  onCancel: () => void;
  submitDisabled?: boolean;
  /** The submit button's label. */
  children: ReactNode;
}) {
  return (
    <>
      <Button onClick={onCancel} disabled={busy}>
        Cancel
      </Button>
      <Button type="submit" form={formId} variant="primary" loading={busy} disabled={submitDisabled}>
        {children}
      </Button>
    </>
  );
}
