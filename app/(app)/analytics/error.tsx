"use client";

import { SegmentError } from "@/components/shell/segment-error";

export default function AnalyticsError({ error, retry }: { error: unknown; retry: () => void }) {
  return <SegmentError error={error} retry={retry} fallbackMessage="The analytics could not be loaded. Try again, or pick another range." />;
}
