"use client";

import dynamic from "next/dynamic";
import { Card } from "@/components/ui/card";
import { SkeletonRows } from "@/components/ui/skeleton";

/** Settings → Notifications, loaded on demand: its code is not part of the page's first load. */
export const NotificationsSection = dynamic(() => import("./notifications-section"), {
  ssr: false,
  loading: () => (
    <Card title="Notifications">
      <SkeletonRows rows={3} label="Loading notification settings…" className="p-5" />
    </Card>
  ),
});
