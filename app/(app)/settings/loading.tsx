import { Skeleton } from "@/components/ui/skeleton";

export default function Loading() {
  return (
    <div role="status" className="max-w-3xl space-y-6">
      <span className="sr-only">Loading settings…</span>
      <Skeleton className="h-8 w-40" />
      <Skeleton className="h-48 w-full rounded-xl" />
    </div>
  );
}
