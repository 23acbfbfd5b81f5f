import type { Metadata } from "next";
import type { Id } from "@/convex/_generated/dataModel";
import { SegmentDetail } from "@/components/segments/segment-detail";

export const metadata: Metadata = { title: "Segment" };

export default async function SegmentPage({ params }: { params: Promise<{ segmentId: string }> }) {
  const { segmentId } = await params;
  return <SegmentDetail key={segmentId} segmentId={segmentId as Id<"segments">} />;
}
