"use client";

/**
 * A segment's live count: every page of api.segments.count (each reads at most PAGE contacts)
 * is loaded and kept subscribed, and their matches add up. Changes to contacts update the pages
 * they fall in, so the total stays live without any one query growing with the account.
 */
import { usePaginatedQuery } from "convex/react";
import { useEffect } from "react";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import type { Condition } from "@/convex/schema";

const PAGE = 1000;

export function useSegmentCount(args: { segmentId: Id<"segments"> } | { conditions: Condition[] } | "skip") {
  const pages = usePaginatedQuery(api.segments.count, args, { initialNumItems: PAGE });
  const { status, loadMore } = pages;
  useEffect(() => {
    if (status === "CanLoadMore") loadMore(PAGE);
  }, [status, loadMore]);
  const matched = pages.results.reduce((n, p) => n + p.matched, 0);
  const scanned = pages.results.reduce((n, p) => n + p.scanned, 0);
  return { count: status === "Exhausted" ? matched : null, partial: matched, scanned, loading: status !== "Exhausted" };
}
