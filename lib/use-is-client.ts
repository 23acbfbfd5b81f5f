"use client";

import { useSyncExternalStore } from "react";

const never = () => () => undefined;

/** False while rendering on the server and hydrating, true in the browser after: for client-only parts. */
export function useIsClient(): boolean {
  return useSyncExternalStore(never, () => true, () => false);
}
