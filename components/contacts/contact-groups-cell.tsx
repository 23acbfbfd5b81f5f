"use client";

import { useQuery } from "convex/react";
import Link from "next/link";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { EMPTY_VALUE } from "@/lib/format";
import { ErrorBoundary } from "@/components/ui/error-boundary";
import { Skeleton } from "@/components/ui/skeleton";

const SHOWN = 2;

/**
 * The groups of one contact. One small subscription per visible row: there is no batched
 * "groups of these contacts" query yet (see the report on missing backend functions).
 */
export function ContactGroupsCell({ contactId }: { contactId: Id<"contacts"> }) {
  // A contact deleted elsewhere makes this query fail just as its row goes away.
  return (
    <ErrorBoundary fallback={() => <span className="text-slate-500">{EMPTY_VALUE}</span>}>
      <GroupNames contactId={contactId} />
    </ErrorBoundary>
  );
}

function GroupNames({ contactId }: { contactId: Id<"contacts"> }) {
  const groups = useQuery(api.groups.listForContact, { contactId });
  if (groups === undefined) return <Skeleton className="h-4 w-16" />;
  if (groups.length === 0) return <span className="text-slate-500">{EMPTY_VALUE}</span>;
  const rest = groups.length - SHOWN;
  return (
    <span className="flex flex-wrap gap-1">
      {groups.slice(0, SHOWN).map((g) => (
        <Link
          key={g._id}
          href={`/groups/${g._id}`}
          className="max-w-[10rem] truncate rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-800 hover:bg-indigo-100"
        >
          {g.name}
        </Link>
      ))}
      {rest > 0 ? (
        <span className="px-1 text-xs text-slate-600" title={groups.slice(SHOWN).map((g) => g.name).join(", ")}>
          +{rest} more
        </span>
      ) : null}
    </span>
  );
}
