"use client";

import dynamic from "next/dynamic";
import { Card } from "@/components/ui/card";
import { SkeletonRows } from "@/components/ui/skeleton";

/**
 * Settings → Scheduling and automation, loaded in the browser on demand (next/dynamic): its code
 * (hours and automatic-reply editors) is not part of the page's first load, which is at its 200 KB budget.
 */
export const AutomationSection = dynamic(() => import("./automation-section").then((m) => m.AutomationSection), {
  ssr: false,
  loading: () => (
    <Card title="Scheduling and automation">
      <SkeletonRows rows={3} label="Loading scheduling settings…" className="p-5" />
    </Card>
  ),
});
