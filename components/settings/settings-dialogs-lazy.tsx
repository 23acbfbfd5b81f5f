"use client";

/**
 * The dialogs Settings opens (add or edit a sender, create an API key), loaded in the browser
 * right after hydration rather than in /settings' first load (200 KB budget). They are mounted
 * from then on, closed, as before: opening one does not wait for its code, and one opened
 * before the code arrived shows as soon as it does (the dialog opens when it mounts open).
 */
import { lazy, Suspense, type ComponentProps } from "react";
import { useIsClient } from "@/lib/use-is-client";

const LazySenderDialog = lazy(() => import("./sender-dialog").then((m) => ({ default: m.SenderDialog })));
const LazyCreateApiKeyDialog = lazy(() => import("./create-api-key-dialog").then((m) => ({ default: m.CreateApiKeyDialog })));

export function SenderDialog(props: ComponentProps<typeof LazySenderDialog>) {
  return useIsClient() ? (
    <Suspense fallback={null}>
      <LazySenderDialog {...props} />
    </Suspense>
  ) : null;
}

export function CreateApiKeyDialog(props: ComponentProps<typeof LazyCreateApiKeyDialog>) {
  return useIsClient() ? (
    <Suspense fallback={null}>
      <LazyCreateApiKeyDialog {...props} />
    </Suspense>
  ) : null;
}
