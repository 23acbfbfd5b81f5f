"use client";

import { usePaginatedQuery, useQuery } from "convex/react";
import { useState } from "react";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import { useDebouncedValue } from "@/lib/use-debounced-value";

export const CONTACTS_PAGE_SIZE = 25;
export const CONTACT_SEARCH_LIMIT = 50;

/** Contacts while typing a search: the best matches; otherwise all, by name, a page at a time. */
export function useContactRows(search: string, pageSize: number = CONTACTS_PAGE_SIZE) {
  const query = useDebouncedValue(search.trim(), 250);
  const searching = query !== "";
  const list = usePaginatedQuery(api.contacts.list, searching ? "skip" : {}, { initialNumItems: pageSize });
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
