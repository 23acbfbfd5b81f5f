"use client";

import { lazy, Suspense } from "react";
import { useIsClient } from "@/lib/use-is-client";

const Section = lazy(() => import("./simulator-section").then((m) => ({ default: m.SimulatorSection })));

/**
 * Settings → Simulator, loaded in the browser after hydration: a tool for trying the app without
 * a provider, so its code (the contact picker, the inbound form) is not part of /settings' first
 * load (200 KB budget). It shows nothing until loaded, as it shows nothing once Twilio and Resend
 * are configured.
 */
export function SimulatorSection() {
  return useIsClient() ? (
    <Suspense fallback={null}>
      <Section />
    </Suspense>
  ) : null;
}
