"use client";

import { useQuery } from "convex/react";
import Link from "next/link";
import { audienceHref } from "@/lib/routes";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { Card } from "@/components/ui/card";
import { ArrowLeftIcon } from "@/components/ui/icons";
import { PageSkeleton } from "@/components/shell/page-skeleton";
import { BroadcastProgressView } from "./broadcast-progress";
import { BroadcastRecipients } from "./broadcast-recipients";

/** A broadcast's own page: what was sent to which group, and its live progress. */
export function BroadcastDetail({ broadcastId }: { broadcastId: Id<"broadcasts"> }) {
  const broadcast = useQuery(api.broadcasts.get, { broadcastId });
  if (broadcast === undefined) return <PageSkeleton label="Loading broadcast…" />;
  return (
    <div className="max-w-3xl">
      <Link href={audienceHref(broadcast)} className="mb-3 inline-flex items-center gap-1 text-sm font-medium text-slate-600 hover:text-slate-900">
        <ArrowLeftIcon className="size-4" /> {broadcast.groupName}
      </Link>
      <h1 className="mb-6 text-2xl font-semibold tracking-tight break-words text-slate-900">Broadcast to {broadcast.groupName}</h1>
      <Card>
        <div className="px-5 py-4">
          <BroadcastProgressView broadcast={broadcast} />
        </div>
      </Card>
      {broadcast.status !== "scheduled" ? (
        <Card className="mt-6">
          <div className="px-5 py-4">
            <BroadcastRecipients broadcast={broadcast} />
          </div>
        </Card>
      ) : null}
    </div>
  );
}
