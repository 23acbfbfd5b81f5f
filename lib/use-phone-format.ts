"use client";

/**
 * Phone numbers for display without putting libphonenumber (~28 KB gzip) into any route's first
 * load: E.164 as is until the formatter has loaded, on first need, then "+1 415 555 0123".
 * Components show numbers through this hook, never by importing `lib/phone` themselves.
 */
import { useEffect, useReducer } from "react";

type Format = (e164: string) => string;
let format: Format | null = null;
let loading: Promise<void> | null = null;
const asIs: Format = (e164) => e164;

export function usePhoneFormat(needed = true): Format {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!needed || format) return;
    let live = true;
    loading ??= import("@/lib/phone").then((m) => {
      format = m.formatPhone;
    });
    loading.then(
      () => live && rerender(),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [needed]);
  return format ?? asIs;
}
