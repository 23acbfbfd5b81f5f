"use client";

import { SegmentError } from "@/components/shell/segment-error";

export default function BroadcastError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <SegmentError
      error={error}
      retry={retry}
      backHref="/groups"
      backLabel="Groups"
      fallbackMessage="This broadcast could not be loaded. The link may be wrong."
    />
  );
}
