import type { Metadata } from "next";
import type { Id } from "@/convex/_generated/dataModel";
import { BroadcastDetail } from "@/components/broadcasts/broadcast-detail";

export const metadata: Metadata = { title: "Broadcast" };

export default async function BroadcastPage({ params }: { params: Promise<{ broadcastId: string }> }) {
  const { broadcastId } = await params;
  // The backend checks the id: someone else's or a malformed one fails in error.tsx.
  return <BroadcastDetail key={broadcastId} broadcastId={broadcastId as Id<"broadcasts">} />;
}
