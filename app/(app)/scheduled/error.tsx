"use client";

import { SegmentError } from "@/components/shell/segment-error";

export default function ScheduledError({ error, retry }: { error: unknown; retry: () => void }) {
  return <SegmentError error={error} retry={retry} fallbackMessage="The scheduled messages could not be loaded." />;
}
