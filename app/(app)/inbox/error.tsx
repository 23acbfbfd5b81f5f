"use client";

import { SegmentError } from "@/components/shell/segment-error";

export default function InboxError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <div className="p-4 sm:p-8">
      <SegmentError error={error} retry={retry} fallbackMessage="The inbox could not be loaded. Try again in a moment." />
    </div>
  );
}
