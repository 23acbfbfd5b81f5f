"use client";

import { useQuery } from "convex/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { formatCount } from "@/lib/format";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ArrowLeftIcon, PlusIcon } from "@/components/ui/icons";
import { GroupBroadcastPanel } from "@/components/broadcasts/group-broadcast-panel";
import { PageSkeleton } from "@/components/shell/page-skeleton";
import { AddMembersDialog } from "./add-members-dialog";
import { DeleteGroupDialog } from "./delete-group-dialog";
import { GroupDialog } from "./group-dialog";
import { GroupMembers } from "./group-members";

export function GroupDetail({ groupId }: { groupId: Id<"groups"> }) {
  // Once deleted here, stop reading the group so the page does not fail with NOT_FOUND
  // before the redirect to the list.
  const [deleted, setDeleted] = useState(false);
  const group = useQuery(api.groups.get, deleted ? "skip" : { groupId });
  const [renaming, setRenaming] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [adding, setAdding] = useState(false);
  const router = useRouter();

  if (deleted) return <p role="status" className="text-sm text-slate-600">Group deleted. Back to groups…</p>;
  if (group === undefined) return <PageSkeleton label="Loading group…" />;

  return (
    <>
      <Link href="/groups" className="mb-3 inline-flex items-center gap-1 text-sm font-medium text-slate-600 hover:text-slate-900">
        <ArrowLeftIcon className="size-4" /> Groups
      </Link>
      <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight break-words text-slate-900">{group.name}</h1>
          <p className="mt-1 text-sm text-slate-600">
            {formatCount(group.memberCount, "member")}
            {group.description ? ` · ${group.description}` : ""}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => setRenaming(true)}>Rename</Button>
          <Button variant="danger-ghost" onClick={() => setConfirmingDelete(true)}>
            Delete
          </Button>
          <Button variant="primary" onClick={() => setAdding(true)}>
            <PlusIcon className="size-4" /> Add members
          </Button>
        </div>
      </div>

      <GroupDetailLayout
        members={
          <Card title="Members">
            <GroupMembers group={group} onAddMembers={() => setAdding(true)} />
          </Card>
        }
        // A composer, live progress and recent broadcasts to this group, on the right from 1024px.
        broadcast={<GroupBroadcastPanel group={group} />}
      />

      <GroupDialog open={renaming} group={group} onClose={() => setRenaming(false)} />
      <DeleteGroupDialog
        group={confirmingDelete ? group : null}
        onClose={() => setConfirmingDelete(false)}
        onDeleting={() => setDeleted(true)}
        onFailed={() => setDeleted(false)}
        onDeleted={() => router.replace("/groups")}
      />
      <AddMembersDialog group={group} open={adding} onClose={() => setAdding(false)} />
    </>
  );
}

/** Members on the left; the broadcast panel (when there is one) on the right from 1024px. */
function GroupDetailLayout({ members, broadcast }: { members: ReactNode; broadcast: ReactNode }) {
  if (!broadcast) return members;
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
      <div className="min-w-0">{members}</div>
      <aside aria-label="Broadcast" className="min-w-0">
        {broadcast}
      </aside>
    </div>
  );
}
