"use client";

/**
 * What a broadcast costs over its whole audience, live: every page of api.templates.audienceCost
 * (each renders at most a page of recipients with the server's own code) is loaded and added up —
 * recipients, skips by reason, and for SMS the segments' range and total after merge.
 */
import { usePaginatedQuery } from "convex/react";
import { useEffect } from "react";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import type { Channel, SendVariables } from "@/convex/schema";

const PAGE = 500;

export type AudienceCostArgs = {
  channel: Channel;
  content: string;
  subject?: string;
  variables?: SendVariables;
  whatsappTemplateId?: Id<"whatsappTemplates">;
} & ({ groupId: Id<"groups"> } | { segmentId: Id<"segments"> });

export type AudienceCost = {
  recipients: number;
  skipped: { noAddress: number; optedOut: number; whatsappWindowClosed: number; missingVariable: number; contentTooLong: number };
  segments: number;
  minSegments: number | null;
  maxSegments: number | null;
  ucs2: number;
  /** Every page is in. */
  complete: boolean;
};

export function useAudienceCost(args: AudienceCostArgs | "skip"): AudienceCost | null {
  const pages = usePaginatedQuery(api.templates.audienceCost, args, { initialNumItems: PAGE });
  const { status, loadMore } = pages;
  useEffect(() => {
    if (status === "CanLoadMore") loadMore(PAGE);
  }, [status, loadMore]);
  if (args === "skip" || status === "LoadingFirstPage") return null;
  const sum: AudienceCost = {
    recipients: 0,
    skipped: { noAddress: 0, optedOut: 0, whatsappWindowClosed: 0, missingVariable: 0, contentTooLong: 0 },
    segments: 0,
    minSegments: null,
    maxSegments: null,
    ucs2: 0,
    complete: status === "Exhausted",
  };
  for (const p of pages.results) {
    sum.recipients += p.recipients;
    for (const k of Object.keys(sum.skipped) as Array<keyof AudienceCost["skipped"]>) sum.skipped[k] += p.skipped[k];
    sum.segments += p.segments;
    sum.ucs2 += p.ucs2;
    if (p.minSegments !== null) sum.minSegments = Math.min(sum.minSegments ?? p.minSegments, p.minSegments);
    if (p.maxSegments !== null) sum.maxSegments = Math.max(sum.maxSegments ?? p.maxSegments, p.maxSegments);
  }
  return sum;
}
