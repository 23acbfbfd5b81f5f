"use client";

import { lazy, Suspense } from "react";
import { useIsClient } from "@/lib/use-is-client";
import { Card } from "@/components/ui/card";
import { SkeletonRows } from "@/components/ui/skeleton";

const Section = lazy(() => import("./notifications-section"));

const loading = (
  <Card title="Notifications">
    <SkeletonRows rows={3} label="Loading notification settings…" className="p-5" />
  </Card>
);

/** Settings → Notifications, loaded in the browser on demand: its code is not part of the page's first load. */
export function NotificationsSection() {
  return useIsClient() ? <Suspense fallback={loading}><Section /></Suspense> : loading;
}
