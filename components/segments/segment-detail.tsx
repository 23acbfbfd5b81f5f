"use client";

import { usePaginatedQuery, useQuery } from "convex/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import { BROADCAST_STATUS_LABELS } from "@/lib/broadcastProgress";
import { formatShortDate } from "@/lib/format";
import { describeCondition } from "@/lib/segments";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { BroadcastComposer } from "@/components/broadcasts/broadcast-composer";
import { BroadcastProgressCard } from "@/components/broadcasts/broadcast-progress";
import { ContactTags } from "@/components/contacts/contact-tags";
import { PageSkeleton } from "@/components/shell/page-skeleton";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ChannelBadge } from "@/components/ui/channel-badge";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ArrowLeftIcon } from "@/components/ui/icons";
import { SkeletonRows } from "@/components/ui/skeleton";
import { SegmentCount } from "./segment-count";
import { SegmentDialog } from "./segment-dialog";

const MEMBERS_PAGE = 100;

/** A segment: its conditions, live count, members, and broadcasts to it. */
export function SegmentDetail({ segmentId }: { segmentId: Id<"segments"> }) {
  const [deleted, setDeleted] = useState(false);
  const segment = useQuery(api.segments.get, deleted ? "skip" : { segmentId });
  const fields = useQuery(api.customFields.list);
  const fieldMap = useMemo(() => new Map((fields ?? []).map((f) => [f.key, f])), [fields]);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [remove] = useMutationWithToast(api.segments.remove);
  const router = useRouter();
  const countArgs = useMemo(() => ({ segmentId }), [segmentId]);

  if (deleted) return <p role="status" className="text-sm text-slate-600">Segment deleted. Back to segments…</p>;
  if (segment === undefined) return <PageSkeleton label="Loading segment…" />;
  return (
    <>
      <Link href="/segments" className="mb-3 inline-flex items-center gap-1 text-sm font-medium text-slate-600 hover:text-slate-900">
        <ArrowLeftIcon className="size-4" /> Segments
      </Link>
      <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight break-words text-slate-900">{segment.name}</h1>
          <p className="mt-1 text-sm text-slate-600">
            {segment.conditions.length ? segment.conditions.map((c) => describeCondition(c, fieldMap)).join(" · ") : "All contacts"}
          </p>
          <p className="mt-1">
            <SegmentCount args={countArgs} />
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => setEditing(true)}>Edit</Button>
          <Button variant="danger-ghost" onClick={() => setDeleting(true)}>
            Delete
          </Button>
        </div>
      </div>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,26rem)]">
        <Card title="Contacts">
          <Members segmentId={segmentId} />
        </Card>
        <SegmentBroadcastPanel segment={segment} />
      </div>
      <SegmentDialog target={editing ? segment : null} onClose={() => setEditing(false)} />
      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        title={`Delete ${segment.name}?`}
        confirmLabel="Delete segment"
        onConfirm={async () => {
          setDeleted(true);
          const result = await remove({ segmentId });
          if (!result.ok) {
            setDeleted(false);
            throw result.error;
          }
          toast.success(`Deleted ${segment.name}`);
          router.replace("/segments");
        }}
      >
        Its contacts stay. Broadcasts already sent to it keep their messages; a scheduled one reaches nobody.
      </ConfirmDialog>
    </>
  );
}

function Members({ segmentId }: { segmentId: Id<"segments"> }) {
  const members = usePaginatedQuery(api.segments.members, { segmentId }, { initialNumItems: MEMBERS_PAGE });
  if (members.status === "LoadingFirstPage") return <SkeletonRows rows={5} label="Loading contacts…" />;
  return (
    <>
      {members.results.length === 0 && members.status === "Exhausted" ? (
        <p className="px-5 py-4 text-sm text-slate-600">No contact matches now.</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {members.results.map((c) => (
            <li key={c._id} className="flex flex-wrap items-center justify-between gap-2 px-5 py-2.5 text-sm">
              <Link href={`/inbox?contact=${c._id}`} className="font-medium text-slate-900 hover:underline">
                {c.name}
              </Link>
              <ContactTags tags={c.tags} />
            </li>
          ))}
        </ul>
      )}
      {members.status === "CanLoadMore" || members.status === "LoadingMore" ? (
        <div className="flex justify-center border-t border-slate-200 p-3">
          <Button onClick={() => members.loadMore(MEMBERS_PAGE)} loading={members.status === "LoadingMore"}>
            Look further
          </Button>
        </div>
      ) : null}
    </>
  );
}

function SegmentBroadcastPanel({ segment }: { segment: Doc<"segments"> }) {
  const [active, setActive] = useState<Id<"broadcasts"> | null>(null);
  const recent = usePaginatedQuery(api.broadcasts.listForSegment, { segmentId: segment._id }, { initialNumItems: 10 });
  return (
    <div className="space-y-6">
      <Card
        title={active ? "Broadcast progress" : "Broadcast"}
        description={active ? undefined : `One message to every contact in ${segment.name} when it is sent.`}
        actions={
          active ? (
            <Button size="sm" onClick={() => setActive(null)}>
              New broadcast
            </Button>
          ) : undefined
        }
      >
        <div className="px-5 py-4">
          {active ? (
            <BroadcastProgressCard key={active} broadcastId={active} />
          ) : (
            <BroadcastComposer audience={{ kind: "segment", segmentId: segment._id, name: segment.name, size: null }} onCreated={setActive} />
          )}
        </div>
      </Card>
      {recent.results.length > 0 ? (
        <Card title="Recent broadcasts">
          <ul className="divide-y divide-slate-100">
            {recent.results.map((b) => (
              <li key={b._id} className="flex items-center justify-between gap-2 px-5 py-2.5 text-sm">
                <Link href={`/broadcasts/${b._id}`} className="min-w-0 truncate text-slate-900 hover:underline">
                  {b.content}
                </Link>
                <span className="flex shrink-0 items-center gap-2 text-slate-600">
                  <ChannelBadge channel={b.channel} />
                  {BROADCAST_STATUS_LABELS[b.status]} · {formatShortDate(b._creationTime)}
                </span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}
