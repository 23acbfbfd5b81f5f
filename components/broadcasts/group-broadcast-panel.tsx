"use client";

import { usePaginatedQuery } from "convex/react";
import Link from "next/link";
import { useState } from "react";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import { broadcastStatusLabel } from "@/lib/broadcastProgress";
import { formatShortDate } from "@/lib/format";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ChannelBadge } from "@/components/ui/channel-badge";
import { SkeletonRows } from "@/components/ui/skeleton";
import { BroadcastComposer, groupAudience } from "./broadcast-composer";
import { BroadcastProgressCard } from "./broadcast-progress";

/** How many of the account's latest broadcasts are searched for this group's (see RecentBroadcasts). */
const RECENT_WINDOW = 10;

/**
 * The group page's broadcast column: a composer, then the live progress of what was just sent,
 * and the group's recent broadcasts.
 */
export function GroupBroadcastPanel({ group }: { group: Doc<"groups"> }) {
  const [active, setActive] = useState<Id<"broadcasts"> | null>(null);
  return (
    <div className="space-y-6">
      <Card
        title={active ? "Broadcast progress" : "Broadcast"}
        description={active ? undefined : `One message to every member of ${group.name}.`}
        actions={
          active ? (
            <Button size="sm" onClick={() => setActive(null)}>
              New broadcast
            </Button>
          ) : undefined
        }
      >
        <div className="px-5 py-4">
          {active ? <BroadcastProgressCard key={active} broadcastId={active} /> : <BroadcastComposer audience={groupAudience(group)} onCreated={setActive} />}
        </div>
      </Card>
      <RecentBroadcasts group={group} activeId={active} onOpen={setActive} />
    </div>
  );
}

/** This group's latest RECENT_WINDOW broadcasts. */
function RecentBroadcasts({ group, activeId, onOpen }: { group: Doc<"groups">; activeId: Id<"broadcasts"> | null; onOpen: (id: Id<"broadcasts">) => void }) {
  const recent = usePaginatedQuery(api.broadcasts.listForGroup, { groupId: group._id }, { initialNumItems: RECENT_WINDOW });
  const mine = recent.results;
  return (
    <Card title="Recent broadcasts">
      {recent.status === "LoadingFirstPage" ? (
        <SkeletonRows rows={2} label="Loading broadcasts…" />
      ) : mine.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-600">No recent broadcasts to this group.</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {mine.map((b) => (
            <li key={b._id} className="flex items-start gap-3 px-5 py-3">
              <div className="min-w-0 flex-1">
                <p className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
                  <ChannelBadge channel={b.channel} />
                  <span>{broadcastStatusLabel(b).label}</span>
                  <span>· {formatShortDate(b.scheduledAt ?? b._creationTime)}</span>
                </p>
                <p className="mt-1 truncate text-sm text-slate-800">{b.subject ?? b.content}</p>
                <p className="text-xs text-slate-600">
                  {b.counts.delivered + b.counts.read} delivered · {b.counts.failed} failed · {b.counts.skipped} skipped
                </p>
              </div>
              <div className="flex flex-col items-end gap-1">
                {b._id === activeId ? (
                  <span className="text-xs font-medium text-indigo-700">Shown above</span>
                ) : (
                  <Button size="sm" variant="ghost" onClick={() => onOpen(b._id)}>
                    Progress<span className="sr-only"> of the broadcast of {formatShortDate(b._creationTime)}</span>
                  </Button>
                )}
                <Link href={`/broadcasts/${b._id}`} className="px-2.5 text-xs font-medium text-indigo-700 hover:underline">
                  Details
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
