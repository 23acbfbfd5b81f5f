"use client";

import { useEffect, useState } from "react";
import { toast } from "sonner";
import { cn } from "@/lib/cn";
import { Button, type ButtonSize, type ButtonVariant } from "./button";

/**
 * Copies `value` to the clipboard. Its accessible name is `label` (e.g. "Copy API key");
 * after a copy the visible text says "Copied" for a moment and a status line announces it.
 */
export function CopyButton({
  value,
  label = "Copy",
  visibleLabel = "Copy",
  size = "sm",
  variant = "secondary",
  className,
  onCopied,
}: {
  value: string;
  /** The accessible name: say what is copied. */
  label?: string;
  visibleLabel?: string;
  size?: ButtonSize;
  variant?: ButtonVariant;
  className?: string;
  onCopied?: () => void;
}) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      onCopied?.();
    } catch {
      // Clipboard access can be refused (permissions, insecure origin): the value is on screen.
      toast.error("Could not copy to the clipboard", { description: "Select the text and copy it by hand." });
    }
  }

  return (
    <>
      <Button size={size} variant={variant} className={cn("min-w-20", className)} aria-label={label} onClick={() => void copy()}>
        <svg viewBox="0 0 24 24" className="size-4" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
          {copied ? (
            <path d="M20 6 9 17l-5-5" />
          ) : (
            <>
              <rect x="9" y="9" width="12" height="12" rx="2" />
              <path d="M5 15H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1h10a1 1 0 0 1 1 1v1" />
            </>
          )}
        </svg>
        {copied ? "Copied" : visibleLabel}
      </Button>
      <span role="status" className="sr-only">
        {copied ? "Copied to the clipboard" : ""}
      </span>
    </>
  );
}
