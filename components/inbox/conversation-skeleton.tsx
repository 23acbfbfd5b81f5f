import { Skeleton } from "@/components/ui/skeleton";

/** The thread pane while a conversation (its code or its data) loads. */
export function ConversationSkeleton() {
  return (
    <div role="status" className="flex flex-1 flex-col">
      <span className="sr-only">Loading conversation…</span>
      <div className="flex items-center gap-3 border-b border-slate-200 bg-white p-3">
        <Skeleton className="size-9 rounded-full" />
        <div className="space-y-1.5">
          <Skeleton className="h-4 w-40" />
          <Skeleton className="h-3 w-28" />
        </div>
      </div>
      <div className="flex flex-1 flex-col justify-end gap-3 p-5">
        <Skeleton className="h-10 w-1/2 rounded-2xl" />
        <Skeleton className="ml-auto h-10 w-2/5 rounded-2xl" />
      </div>
      <div className="border-t border-slate-200 bg-white p-4">
        <Skeleton className="h-20 w-full" />
      </div>
    </div>
  );
}
