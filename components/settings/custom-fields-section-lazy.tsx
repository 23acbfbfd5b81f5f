"use client";

import { lazy, Suspense } from "react";
import { useIsClient } from "@/lib/use-is-client";
import { Card } from "@/components/ui/card";
import { SkeletonRows } from "@/components/ui/skeleton";

const Section = lazy(() => import("./custom-fields-section").then((m) => ({ default: m.CustomFieldsSection })));

const loading = (
  <Card title="Custom fields">
    <SkeletonRows rows={3} label="Loading custom fields…" className="p-5" />
  </Card>
);

/**
 * Settings → Custom fields, loaded in the browser on demand: its code (the field editor) is not
 * part of the page's first load, which is close to its 200 KB budget.
 */
export function CustomFieldsSection() {
  return useIsClient() ? <Suspense fallback={loading}><Section /></Suspense> : loading;
}
