import type { Metadata } from "next";
import { Suspense } from "react";
import { InboxSkeleton } from "@/components/inbox/inbox-skeleton";
import { InboxView } from "@/components/inbox/inbox-view";

export const metadata: Metadata = { title: "Inbox" };

export default function InboxPage() {
  // The open conversation is read from the URL on the client (useSearchParams).
  return (
    <Suspense fallback={<InboxSkeleton />}>
      <InboxView />
    </Suspense>
  );
}
