"use client";

import dynamic from "next/dynamic";
import { Card } from "@/components/ui/card";
import { SkeletonRows } from "@/components/ui/skeleton";

/** Scheduled → Recurring, loaded in the browser on demand (next/dynamic): its rule editor and rrule stay out of the page's first load. */
export const RecurringSection = dynamic(() => import("./recurring-section").then((m) => m.RecurringSection), {
  ssr: false,
  loading: () => (
    <Card title="Recurring">
      <SkeletonRows rows={2} label="Loading recurring messages…" />
    </Card>
  ),
});
