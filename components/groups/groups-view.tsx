"use client";

import { usePaginatedQuery } from "convex/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import { formatCount } from "@/lib/format";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { GroupsIcon, PlusIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { SkeletonRows } from "@/components/ui/skeleton";
import { DeleteGroupDialog } from "./delete-group-dialog";
import { GroupDialog } from "./group-dialog";

const PAGE_SIZE = 25;

export function GroupsView() {
  const groups = usePaginatedQuery(api.groups.list, {}, { initialNumItems: PAGE_SIZE });
  const [editing, setEditing] = useState<{ group: Doc<"groups"> | null } | null>(null);
  const [deleting, setDeleting] = useState<Doc<"groups"> | null>(null);
  const router = useRouter();

  const newGroupButton = (
    <Button variant="primary" onClick={() => setEditing({ group: null })}>
      <PlusIcon className="size-4" />
      New group
    </Button>
  );

  return (
    <>
      <PageHeader title="Groups" description="Lists of contacts to message together." actions={newGroupButton} />
      <Card>
        {groups.status === "LoadingFirstPage" ? (
          <SkeletonRows rows={5} label="Loading groups…" />
        ) : groups.results.length === 0 ? (
          <EmptyState
            level={2}
            icon={<GroupsIcon />}
            title="No groups yet"
            description="Group contacts, e.g. “VIP customers” or “Tuesday class”, to broadcast to them later."
            action={newGroupButton}
          />
        ) : (
          <ul className="divide-y divide-slate-100">
            {groups.results.map((group) => (
              <li key={group._id} className="flex flex-wrap items-center gap-3 px-4 py-3 sm:flex-nowrap">
                <div className="min-w-0 flex-1">
                  <Link href={`/groups/${group._id}`} className="font-medium text-slate-900 hover:text-indigo-700 hover:underline">
                    {group.name}
                  </Link>
                  {group.description ? <p className="truncate text-sm text-slate-600">{group.description}</p> : null}
                </div>
                <span className="text-sm whitespace-nowrap text-slate-600">{formatCount(group.memberCount, "member")}</span>
                <div className="flex gap-1">
                  <Button size="sm" variant="ghost" onClick={() => setEditing({ group })}>
                    Rename<span className="sr-only"> {group.name}</span>
                  </Button>
                  <Button size="sm" variant="danger-ghost" onClick={() => setDeleting(group)}>
                    Delete<span className="sr-only"> {group.name}</span>
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        )}
        {groups.status === "CanLoadMore" || groups.status === "LoadingMore" ? (
          <div className="flex justify-center border-t border-slate-200 p-3">
            <Button onClick={() => groups.loadMore(PAGE_SIZE)} loading={groups.status === "LoadingMore"}>
              Load more
            </Button>
          </div>
        ) : null}
      </Card>

      <GroupDialog
        open={editing !== null}
        group={editing?.group ?? null}
        onClose={() => setEditing(null)}
        onCreated={(groupId) => router.push(`/groups/${groupId}`)}
      />
      <DeleteGroupDialog group={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}
