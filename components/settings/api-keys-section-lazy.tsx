"use client";

import { lazy, Suspense } from "react";
import { useIsClient } from "@/lib/use-is-client";
import { Card } from "@/components/ui/card";
import { SkeletonRows } from "@/components/ui/skeleton";

const Section = lazy(() => import("./api-keys-section").then((m) => ({ default: m.ApiKeysSection })));

const loading = (
  <Card title="API keys">
    <SkeletonRows rows={2} label="Loading API keys…" className="p-5" />
  </Card>
);

/** Settings → API keys, loaded in the browser right after the page: its code is not part of the page's first load. */
export function ApiKeysSection() {
  return useIsClient() ? <Suspense fallback={loading}><Section /></Suspense> : loading;
}
