"use client";

import { usePaginatedQuery, useQuery } from "convex/react";
import { useMemo, useState } from "react";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import { useDebouncedValue } from "@/lib/use-debounced-value";

export const CONTACTS_PAGE_SIZE = 25;
export const CONTACT_SEARCH_LIMIT = 50;

/** What the table shows when not searching: everyone, a tag's contacts, or a segment's. */
export type ContactFilter = { kind: "all" } | { kind: "tag"; tag: string } | { kind: "segment"; segmentId: Id<"segments"> };

/**
 * Contacts while typing a search: the best matches; otherwise all (or the filter's), by name, a
 * page at a time. A filtered page reads `pageSize` contacts and shows those that match.
 */
export function useContactRows(search: string, filter: ContactFilter = { kind: "all" }, pageSize: number = CONTACTS_PAGE_SIZE) {
  const query = useDebouncedValue(search.trim(), 250);
  const searching = query !== "";
  const filterArgs = useMemo(
    () =>
      filter.kind === "tag"
        ? { conditions: [{ kind: "tag" as const, has: true, tag: filter.tag }] }
        : filter.kind === "segment"
          ? { segmentId: filter.segmentId }
          : null,
    [filter],
  );
  const all = usePaginatedQuery(api.contacts.list, searching || filterArgs ? "skip" : {}, { initialNumItems: pageSize });
  const filtered = usePaginatedQuery(api.segments.members, !searching && filterArgs ? filterArgs : "skip", { initialNumItems: pageSize * 4 });
  const list = filterArgs ? filtered : all;
  const matches = useQuery(api.contacts.search, searching ? { query, limit: CONTACT_SEARCH_LIMIT } : "skip");

  // Keep showing the previous matches while the next search runs, instead of flashing empty.
  // (Adjusting state while rendering: https://react.dev/learn/you-might-not-need-an-effect)
  const [lastMatches, setLastMatches] = useState<Doc<"contacts">[] | undefined>(undefined);
  if (matches !== undefined && matches !== lastMatches) setLastMatches(matches);
  if (!searching && lastMatches !== undefined) setLastMatches(undefined);

  if (searching) {
    return {
      mode: "search" as const,
      rows: matches ?? lastMatches,
      stale: matches === undefined || query !== search.trim(),
      capped: (matches?.length ?? 0) >= CONTACT_SEARCH_LIMIT,
      list,
    };
  }
  return {
    mode: "list" as const,
    rows: list.status === "LoadingFirstPage" ? undefined : list.results,
    stale: query !== search.trim(),
    capped: false,
    list,
  };
}
