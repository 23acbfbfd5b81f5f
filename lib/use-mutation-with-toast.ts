"use client";

/**
 * The one failure→toast path for mutations: `run` resolves to a result object instead of
 * throwing, shows `describeError` in a toast on failure (unless the caller shows the error
 * inline), and an optional success toast. An optional optimistic update shows the result at
 * once (e.g. a sent message in its thread); Convex rolls it back if the mutation fails.
 */
import type { OptimisticLocalStore } from "convex/browser";
import { useMutation } from "convex/react";
import type { FunctionArgs, FunctionReference, FunctionReturnType } from "convex/server";
import { useCallback, useMemo, useRef, useState } from "react";
import { toast } from "sonner";
import { describeError } from "./errors";

export type MutationResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

export type RunOptions<T> = {
  /** Toast after success. */
  success?: string | ((value: T) => string);
  /**
   * Show the error yourself (e.g. on a form field): return true when handled, and no
   * toast is shown.
   */
  handleError?: (error: unknown) => boolean;
};

/** Show a failure as a toast, worded by the error's code. */
export function toastError(error: unknown, title?: string): void {
  const message = describeError(error);
  if (title) toast.error(title, { description: message });
  else toast.error(message);
}

export type OptimisticUpdate<M extends FunctionReference<"mutation">> = (localStore: OptimisticLocalStore, args: FunctionArgs<M>) => void;

/** `optimisticUpdate` must be a stable function (defined at module level or memoized). */
export function useMutationWithToast<M extends FunctionReference<"mutation">>(mutation: M, optimisticUpdate?: OptimisticUpdate<M>) {
  const base = useMutation(mutation);
  const mutate = useMemo(() => (optimisticUpdate ? base.withOptimisticUpdate(optimisticUpdate) : base), [base, optimisticUpdate]);
  const [pending, setPending] = useState(false);
  const inFlight = useRef(0);

  const run = useCallback(
    async (args: FunctionArgs<M>, options: RunOptions<FunctionReturnType<M>> = {}): Promise<MutationResult<FunctionReturnType<M>>> => {
      inFlight.current += 1;
      setPending(true);
      try {
        const value = (await mutate(args)) as FunctionReturnType<M>;
        const { success } = options;
        if (success) toast.success(typeof success === "function" ? success(value) : success);
        return { ok: true, value };
      } catch (error) {
        if (!options.handleError?.(error)) toastError(error);
        return { ok: false, error };
      } finally {
        inFlight.current -= 1;
        if (inFlight.current === 0) setPending(false);
      }
    },
    [mutate],
  );

  return [run, pending] as const;
}
