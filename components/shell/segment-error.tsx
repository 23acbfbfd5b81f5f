"use client";

import Link from "next/link";
import { useEffect } from "react";
import { appErrorOf } from "@/lib/app-error";
import { describeError } from "@/lib/errors";
import { signInPathFor } from "@/lib/routes";
import { Button, buttonClasses } from "@/components/ui/button";
import { AlertIcon } from "@/components/ui/icons";

/** The body of an error.tsx: what went wrong in words, and a way on. */
export function SegmentError({
  error,
  retry,
  backHref,
  backLabel,
  fallbackMessage,
}: {
  error: unknown;
  retry: () => void;
  backHref?: string;
  backLabel?: string;
  /** Said instead of the generic text when the error carries no app code. */
  fallbackMessage?: string;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const code = appErrorOf(error)?.code;

  return (
    <div role="alert" className="mx-auto max-w-md rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm">
      <div className="mx-auto mb-3 grid size-10 place-items-center rounded-full bg-red-50 text-red-700">
        <AlertIcon />
      </div>
      <h2 className="text-lg font-semibold text-slate-900">
        {code === "NOT_FOUND" ? "Not found" : "This page could not be loaded"}
      </h2>
      <p className="mt-1 text-sm text-slate-600">{code || !fallbackMessage ? describeError(error) : fallbackMessage}</p>
      <div className="mt-5 flex flex-wrap justify-center gap-2">
        {code === "UNAUTHENTICATED" ? (
          <Link href={signInPathFor(typeof window === "undefined" ? "/" : window.location.pathname)} className={buttonClasses({ variant: "primary" })}>
            Go to sign in
          </Link>
        ) : code === "NOT_FOUND" ? null : (
          <Button variant="primary" onClick={retry}>
            Try again
          </Button>
        )}
        {backHref ? (
          <Link href={backHref} className={buttonClasses()}>
            {backLabel ?? "Back"}
          </Link>
        ) : null}
      </div>
    </div>
  );
}
