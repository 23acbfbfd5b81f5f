"use client";

import type { Id } from "@/convex/_generated/dataModel";
import type { Condition } from "@/convex/schema";
import { formatCount } from "@/lib/format";
import { useSegmentCount } from "@/lib/use-segment-count";
import { ErrorBoundary } from "@/components/ui/error-boundary";
import { Spinner } from "@/components/ui/spinner";

/** Whether conditions are complete enough to count (the server checks them fully). */
export function countable(conditions: Condition[]): boolean {
  return conditions.every((c) =>
    c.kind === "tag" ? c.tag.trim() !== "" : c.kind === "field" ? c.key !== "" && (c.op === "isSet" || c.op === "isEmpty" || (c.value !== undefined && c.value !== "")) : c.kind === "import" ? c.importId !== "" : true,
  );
}

/** "N contacts", live; while pages load, the running total. */
export function SegmentCount({ args }: { args: { segmentId: Id<"segments"> } | { conditions: Condition[] } }) {
  return (
    <ErrorBoundary fallback={() => <span className="text-sm text-red-700">The count is not available.</span>}>
      <Count args={args} />
    </ErrorBoundary>
  );
}

function Count({ args }: { args: { segmentId: Id<"segments"> } | { conditions: Condition[] } }) {
  const { count, partial, loading } = useSegmentCount(args);
  return (
    <span aria-live="polite" data-testid="segment-count" className="inline-flex items-center gap-2 text-sm font-medium text-slate-900">
      {loading ? (
        <>
          <Spinner /> {partial > 0 ? `${formatCount(partial, "contact")} so far…` : "Counting…"}
        </>
      ) : (
        formatCount(count ?? 0, "contact")
      )}
    </span>
  );
}
