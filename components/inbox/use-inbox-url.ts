"use client";

import { useSearchParams } from "next/navigation";
import { useCallback } from "react";
import type { Id } from "@/convex/_generated/dataModel";

export type InboxPanel = "profile" | null;
export type InboxLocation = { contactId?: Id<"contacts"> | null; panel?: InboxPanel; messageId?: Id<"messages"> | null };

/**
 * The inbox's place in the URL: `?contact=<id>` (the open conversation), `&panel=profile`
 * (the contact's details on narrow screens) and `&message=<id>` (a search result to show). Changing it uses the History API, which Next.js
 * syncs with useSearchParams, so switching conversations needs no server round trip.
 */
export function useInboxUrl() {
  const params = useSearchParams();
  const contactId = (params.get("contact") || null) as Id<"contacts"> | null;
  const panel: InboxPanel = params.get("panel") === "profile" ? "profile" : null;
  const messageId = (params.get("message") || null) as Id<"messages"> | null;

  const go = useCallback((next: InboxLocation, { replace = false }: { replace?: boolean } = {}) => {
    const url = new URL(window.location.href);
    if (next.contactId !== undefined) {
      if (next.contactId) url.searchParams.set("contact", next.contactId);
      else url.searchParams.delete("contact");
      url.searchParams.delete("panel");
      url.searchParams.delete("message");
    }
    if (next.messageId !== undefined) {
      if (next.messageId) url.searchParams.set("message", next.messageId);
      else url.searchParams.delete("message");
    }
    if (next.panel !== undefined) {
      if (next.panel) url.searchParams.set("panel", next.panel);
      else url.searchParams.delete("panel");
    }
    const target = `${url.pathname}${url.search}`;
    if (target === `${window.location.pathname}${window.location.search}`) return;
    if (replace) window.history.replaceState(null, "", target);
    else window.history.pushState(null, "", target);
  }, []);

  return { contactId, panel, messageId, go };
}

/** The link of a conversation (for real links: open in a new tab, copy). */
export function conversationHref(contactId: string): string {
  return `/inbox?contact=${encodeURIComponent(contactId)}`;
}
