"use client";

import { useState, type ReactNode } from "react";
import { Button } from "./button";
import { Dialog } from "./dialog";

export type ConfirmDialogProps = {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  /** What happens, and what goes with it. */
  children: ReactNode;
  confirmLabel: string;
  /** The label of the button that backs out (default "Cancel"; say "Keep it" when the action itself is a cancel). */
  cancelLabel?: string;
  /** Resolves when done; the dialog then closes. If it throws, the dialog stays open. */
  onConfirm: () => Promise<unknown>;
  tone?: "danger" | "primary";
};

/** "Are you sure?" for destructive actions. Focus starts on Cancel. */
export function ConfirmDialog({
  open,
  onClose,
  title,
  children,
  confirmLabel,
  cancelLabel = "Cancel",
  onConfirm,
  tone = "danger",
}: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);

  async function confirm() {
    setBusy(true);
    try {
      await onConfirm();
      onClose();
    } catch {
      // The caller reports the failure (e.g. with a toast); keep the dialog open to retry.
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      description={children}
      size="sm"
      role="alertdialog"
      dismissible={!busy}
      footer={
        <>
          <Button onClick={onClose} disabled={busy} data-autofocus>
            {cancelLabel}
          </Button>
          <Button variant={tone} loading={busy} onClick={() => void confirm()}>
            {confirmLabel}
          </Button>
        </>
      }
    />
  );
}
