"use client";

import { SegmentError } from "@/components/shell/segment-error";

export default function GroupError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <SegmentError
      error={error}
      retry={retry}
      backHref="/groups"
      backLabel="All groups"
      fallbackMessage="This group could not be loaded. The link may be wrong, or the group was deleted."
    />
  );
}
