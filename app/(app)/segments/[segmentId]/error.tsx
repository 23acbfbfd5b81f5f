"use client";

import { SegmentError } from "@/components/shell/segment-error";

export default function SegmentPageError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <SegmentError
      error={error}
      retry={retry}
      backHref="/segments"
      backLabel="All segments"
      fallbackMessage="This segment could not be loaded. The link may be wrong, or the segment was deleted."
    />
  );
}
