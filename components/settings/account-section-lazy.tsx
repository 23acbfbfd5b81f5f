"use client";

import { lazy, Suspense } from "react";
import { useIsClient } from "@/lib/use-is-client";
import { Card } from "@/components/ui/card";
import { SkeletonRows } from "@/components/ui/skeleton";

const Section = lazy(async () => ({ default: (await import("./account-section")).AccountSection }));

const loading = (
  <Card title="Account">
    <SkeletonRows rows={4} label="Loading your account…" className="p-5" />
  </Card>
);

/**
 * Settings → Account, loaded in the browser after hydration (as Notifications is): its forms
 * (display name, time zone, password) are not part of /settings' first load, which has a 200 KB budget.
 */
export function AccountSection() {
  return useIsClient() ? <Suspense fallback={loading}><Section /></Suspense> : loading;
}
