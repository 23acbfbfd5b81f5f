"use client";

import { usePaginatedQuery } from "convex/react";
import Link from "next/link";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import { EMPTY_VALUE } from "@/lib/format";
import { usePhoneFormat } from "@/lib/use-phone-format";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ContactsIcon } from "@/components/ui/icons";
import { SkeletonRows } from "@/components/ui/skeleton";
import { ChannelStatus } from "@/components/contacts/channel-status";

const PAGE_SIZE = 25;

/** A group's members, a page at a time, each removable (with Undo). */
export function GroupMembers({ group, onAddMembers }: { group: Doc<"groups">; onAddMembers: () => void }) {
  const formatPhone = usePhoneFormat();
  const members = usePaginatedQuery(api.groups.listMembers, { groupId: group._id }, { initialNumItems: PAGE_SIZE });
  const [removeMembers] = useMutationWithToast(api.groups.removeMembers);
  const [addMembers] = useMutationWithToast(api.groups.addMembers);

  async function remove(contact: Doc<"contacts">) {
    const result = await removeMembers({ groupId: group._id, contactIds: [contact._id] });
    if (!result.ok) return;
    toast.success(`Removed ${contact.name} from ${group.name}`, {
      action: {
        label: "Undo",
        onClick: () => void addMembers({ groupId: group._id, contactIds: [contact._id] }),
      },
    });
  }

  if (members.status === "LoadingFirstPage") return <SkeletonRows rows={5} label="Loading members…" />;
  if (members.results.length === 0) {
    return (
      <EmptyState
        icon={<ContactsIcon />}
        title="No members yet"
        description="Add contacts to this group to message them together."
        action={
          <Button variant="primary" onClick={onAddMembers}>
            Add members
          </Button>
        }
      />
    );
  }
  return (
    <>
      <ul className="divide-y divide-slate-100">
        {members.results.map((contact) => (
          <li key={contact._id} className="flex flex-wrap items-center gap-3 px-4 py-3 sm:flex-nowrap">
            <div className="min-w-0 flex-1">
              <p className="truncate font-medium text-slate-900">{contact.name}</p>
              <p className="truncate text-sm text-slate-600">
                {[contact.phone ? formatPhone(contact.phone) : null, contact.email].filter(Boolean).join(" · ") || EMPTY_VALUE}
              </p>
            </div>
            <ChannelStatus contact={contact} />
            <div className="flex gap-1">
              <Link href={`/inbox?contact=${contact._id}`} className="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100">
                Open conversation<span className="sr-only"> with {contact.name}</span>
              </Link>
              <Button size="sm" variant="danger-ghost" onClick={() => void remove(contact)}>
                Remove<span className="sr-only"> {contact.name} from the group</span>
              </Button>
            </div>
          </li>
        ))}
      </ul>
      {members.status === "CanLoadMore" || members.status === "LoadingMore" ? (
        <div className="flex justify-center border-t border-slate-200 p-3">
          <Button onClick={() => members.loadMore(PAGE_SIZE)} loading={members.status === "LoadingMore"}>
            Load more
          </Button>
        </div>
      ) : null}
    </>
  );
}
