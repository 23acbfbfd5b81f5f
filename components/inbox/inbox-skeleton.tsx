import { Skeleton } from "@/components/ui/skeleton";

/** The inbox while its route or data loads: the list pane, and the thread pane on wide screens. */
export function InboxSkeleton() {
  return (
    <div role="status" className="flex h-full min-h-0 bg-white">
      <span className="sr-only">Loading the inbox…</span>
      <div className="w-full space-y-3 border-slate-200 p-4 lg:w-80 lg:border-r xl:w-[22rem]">
        <Skeleton className="h-6 w-24" />
        <Skeleton className="h-10 w-full" />
        <Skeleton className="h-8 w-full" />
        {Array.from({ length: 6 }, (_, i) => (
          <div key={i} className="flex items-center gap-3 py-2">
            <Skeleton className="size-10 rounded-full" />
            <div className="flex-1 space-y-2">
              <Skeleton className="h-4 w-2/5" />
              <Skeleton className="h-3 w-4/5" />
            </div>
          </div>
        ))}
      </div>
      <div className="hidden flex-1 bg-slate-50 lg:block" />
    </div>
  );
}
