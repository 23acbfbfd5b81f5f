"use client";

import { useQuery } from "convex/react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { api } from "@/convex/_generated/api";
import { cn } from "@/lib/cn";
import { ChevronDownIcon, SettingsIcon, SignOutIcon } from "@/components/ui/icons";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { useSignOut } from "./use-sign-out";

function initialOf(text: string | undefined): string {
  return (text?.trim()[0] ?? "?").toUpperCase();
}

/**
 * The account button: who is signed in, with Settings and Sign out. A disclosure (button +
 * panel) that closes on Escape, an outside click or navigation.
 */
export function UserMenu({ placement = "up", compact = false }: { placement?: "up" | "down"; compact?: boolean }) {
  const viewer = useQuery(api.users.viewer);
  const [open, setOpen] = useState(false);
  const [signOut, signingOut] = useSignOut();
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const pathname = usePathname();

  // Close on navigation.
  const [lastPath, setLastPath] = useState(pathname);
  if (pathname !== lastPath) {
    setLastPath(pathname);
    setOpen(false);
  }

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const email = viewer?.email ?? viewer?.name;
  return (
    <div ref={rootRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className={cn(
          "flex w-full items-center gap-2 rounded-lg p-2 text-left text-sm text-slate-800 hover:bg-slate-100",
          compact && "w-auto",
        )}
      >
        <span aria-hidden="true" className="grid size-8 shrink-0 place-items-center rounded-full bg-indigo-100 font-semibold text-indigo-800">
          {viewer === undefined ? "" : initialOf(email)}
        </span>
        <span className={cn("min-w-0 flex-1", compact && "sr-only")}>
          <span className="sr-only">Account: </span>
          {viewer === undefined ? (
            <Skeleton className="h-4 w-32" />
          ) : (
            <span className="block truncate">{email ?? "Signed in"}</span>
          )}
        </span>
        <ChevronDownIcon className={cn("size-4 shrink-0 text-slate-500", compact && "hidden")} />
      </button>
      <div
        id={panelId}
        hidden={!open}
        className={cn(
          "absolute z-30 w-64 rounded-lg border border-slate-200 bg-white p-1 shadow-lg",
          placement === "up" ? "bottom-full left-0 mb-2" : "top-full right-0 mt-2",
        )}
      >
        <div className="border-b border-slate-100 px-3 py-2">
          <p className="text-xs text-slate-600">Signed in as</p>
          <p className="truncate text-sm font-medium text-slate-900">{email ?? "—"}</p>
        </div>
        <Link href="/settings" className="mt-1 flex items-center gap-2 rounded-md px-3 py-2 text-sm text-slate-800 hover:bg-slate-100">
          <SettingsIcon className="size-4" /> Settings
        </Link>
        <button
          type="button"
          onClick={() => void signOut()}
          disabled={signingOut}
          className="flex w-full items-center gap-2 rounded-md px-3 py-2 text-sm text-slate-800 hover:bg-slate-100 disabled:opacity-60"
        >
          {signingOut ? <Spinner /> : <SignOutIcon className="size-4" />} Sign out
        </button>
      </div>
    </div>
  );
}
