import { Skeleton, SkeletonRows } from "@/components/ui/skeleton";

/** What a page looks like while its route loads: a title bar and a list. */
export function PageSkeleton({ label }: { label: string }) {
  return (
    <div>
      <div className="mb-6 flex items-end justify-between gap-4">
        <div className="space-y-2">
          <Skeleton className="h-7 w-40" />
          <Skeleton className="h-4 w-64" />
        </div>
        <Skeleton className="h-10 w-32" />
      </div>
      <div className="rounded-xl border border-slate-200 bg-white">
        <SkeletonRows rows={6} label={label} />
      </div>
    </div>
  );
}
