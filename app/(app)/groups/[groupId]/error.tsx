"use client";

import { SegmentError } from "@/components/shell/segment-error";

export default function GroupError({ error, retry }: { error: unknown; retry: () => void }) {
  return <SegmentError error={error} retry={retry} backHref="/groups" backLabel="All groups" />;
}
