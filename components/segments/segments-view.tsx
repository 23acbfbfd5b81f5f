"use client";

import { useQuery } from "convex/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { api } from "@/convex/_generated/api";
import { describeCondition } from "@/lib/segments";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PlusIcon, SegmentsIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { SkeletonRows } from "@/components/ui/skeleton";
import { SegmentDialog } from "./segment-dialog";

/** The account's segments: saved filters over contacts, to look at and to broadcast to. */
export function SegmentsView() {
  const segments = useQuery(api.segments.list);
  const fields = useQuery(api.customFields.list);
  const fieldMap = useMemo(() => new Map((fields ?? []).map((f) => [f.key, f])), [fields]);
  const [creating, setCreating] = useState(false);
  const router = useRouter();
  const newButton = (
    <Button variant="primary" onClick={() => setCreating(true)}>
      <PlusIcon className="size-4" /> New segment
    </Button>
  );
  return (
    <>
      <PageHeader title="Segments" description="Saved filters over your contacts, kept up to date: broadcast to them like to a group." actions={newButton} />
      <Card>
        {segments === undefined ? (
          <SkeletonRows rows={4} label="Loading segments…" />
        ) : segments.length === 0 ? (
          <EmptyState icon={<SegmentsIcon />} title="No segments yet" description="For example: tagged “vip”, reachable by SMS, and wrote to you in the last 90 days." action={newButton} />
        ) : (
          <ul className="divide-y divide-slate-100">
            {segments.map((s) => (
              <li key={s._id} className="px-5 py-3">
                <Link href={`/segments/${s._id}`} className="font-medium text-slate-900 hover:underline">
                  {s.name}
                </Link>
                <p className="mt-0.5 text-sm text-slate-600">
                  {s.conditions.length ? s.conditions.map((c) => describeCondition(c, fieldMap)).join(" · ") : "All contacts"}
                </p>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <SegmentDialog target={creating ? "new" : null} onClose={() => setCreating(false)} onSaved={(id) => router.push(`/segments/${id}`)} />
    </>
  );
}
