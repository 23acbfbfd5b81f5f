"use client";

import { useConnection } from "@/lib/use-connection";
import { Spinner } from "@/components/ui/spinner";

/** A bar at the top of every signed-in page while the connection is down; announced politely. */
export function ConnectionBanner() {
  const connection = useConnection();
  return (
    <div role="status" aria-live="polite" className="pointer-events-none fixed inset-x-0 top-2 z-40 flex justify-center px-4">
      {connection === "online" ? null : (
        <p
          data-connection={connection}
          className="pointer-events-auto flex items-center gap-2 rounded-full bg-amber-100 px-4 py-2 text-sm font-medium text-amber-950 shadow-lg ring-1 ring-amber-300"
        >
          <Spinner className="size-3.5" />
          {connection === "offline"
            ? "You are offline. What you send waits and goes out when the connection is back."
            : "Connection lost. Reconnecting…"}
        </p>
      )}
    </div>
  );
}
