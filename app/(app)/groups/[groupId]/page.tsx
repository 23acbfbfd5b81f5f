import type { Metadata } from "next";
import type { Id } from "@/convex/_generated/dataModel";
import { GroupDetail } from "@/components/groups/group-detail";

export const metadata: Metadata = { title: "Group" };

export default async function GroupPage({ params }: { params: Promise<{ groupId: string }> }) {
  const { groupId } = await params;
  // The id is checked by the backend: someone else's or a malformed id fails in error.tsx.
  return <GroupDetail key={groupId} groupId={groupId as Id<"groups">} />;
}
