import { cn } from "@/lib/cn";

/** A grey placeholder block; hidden from assistive technology (announce loading with text). */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cn("animate-pulse rounded-md bg-slate-200", className)} />;
}

/** A labelled loading region: `label` is read out, the rows are visual only. */
export function SkeletonRows({ rows = 5, label = "Loading…", className }: { rows?: number; label?: string; className?: string }) {
  return (
    <div role="status" className={cn("space-y-3 p-4", className)}>
      <span className="sr-only">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="flex items-center gap-4">
          <Skeleton className="h-4 w-4" />
          <Skeleton className="h-4 w-1/4" />
          <Skeleton className="h-4 w-1/5" />
          <Skeleton className="hidden h-4 w-1/4 sm:block" />
        </div>
      ))}
    </div>
  );
}
