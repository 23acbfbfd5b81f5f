"use client";

/**
 * A composer's draft kept on the server (convex/drafts.ts) as it is typed: loaded when the
 * composer opens, saved a moment after each change and at once when the composer goes away
 * (switching conversation, leaving the page), and taken over from the user's other tabs
 * while this one has nothing unsaved.
 */
import { useMutation, useQuery } from "convex/react";
import { useCallback, useEffect, useLayoutEffect, useRef } from "react";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import type { Attachment, Channel } from "@/convex/schema";

export type DraftState = {
  channel: Channel | null;
  content: string;
  subject: string;
  mediaUrl: string;
  attachments: Attachment[];
  /** The "send later" field's value, or null while it is closed. */
  schedule: string | null;
};

export const EMPTY_DRAFT: DraftState = { channel: null, content: "", subject: "", mediaUrl: "", attachments: [], schedule: null };

const SAVE_AFTER_MS = 400;
/** This tab: the server records who saved last, so a tab does not apply its own save back. */
const TAB_ID = typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : String(Math.random());

function key(d: DraftState): string {
  return JSON.stringify([d.channel, d.content, d.subject, d.mediaUrl, d.attachments.map((a) => a.storageId), d.schedule]);
}

type Stored = {
  channel?: Channel;
  content: string;
  subject?: string;
  mediaUrl?: string;
  attachments?: Attachment[];
  schedule?: string;
  clientId: string;
  updatedAt: number;
};

function fromStored(d: Stored | null): DraftState {
  if (!d) return EMPTY_DRAFT;
  return {
    channel: d.channel ?? null,
    content: d.content,
    subject: d.subject ?? "",
    mediaUrl: d.mediaUrl ?? "",
    attachments: d.attachments ?? [],
    schedule: d.schedule ?? null,
  };
}

/**
 * `current` is the composer's state; `apply` replaces it (the stored draft on load, another
 * tab's newer one). Returns whether the stored draft has been loaded, and `markSent`, which the
 * composer calls as it sends (the server deletes the draft with the send).
 */
export function useDraft(contactId: Id<"contacts">, current: DraftState, apply: (draft: DraftState) => void) {
  const stored = useQuery(api.drafts.get, { contactId }) as Stored | null | undefined;
  const save = useMutation(api.drafts.save);
  const loaded = stored !== undefined;
  // What the server has (as far as this tab knows): the composer is "dirty" when it differs.
  const saved = useRef(key(EMPTY_DRAFT));
  const latest = useRef(current);
  useLayoutEffect(() => {
    latest.current = current;
  });
  const seen = useRef(0);
  const initialized = useRef(false);

  // Load once, then follow other tabs while nothing here is unsaved.
  useEffect(() => {
    if (stored === undefined) return;
    const incoming = fromStored(stored);
    const dirty = key(latest.current) !== saved.current;
    if (!initialized.current) {
      initialized.current = true;
      // Something typed before the draft arrived wins over it.
      if (!dirty && stored) apply(incoming);
      saved.current = key(stored ? incoming : EMPTY_DRAFT);
      seen.current = stored?.updatedAt ?? 0;
      return;
    }
    if (stored && (stored.clientId === TAB_ID || stored.updatedAt <= seen.current)) return;
    seen.current = stored?.updatedAt ?? seen.current;
    if (dirty) return;
    saved.current = key(incoming);
    if (key(incoming) !== key(latest.current)) apply(incoming);
  }, [stored, apply]);

  const flush = useCallback(() => {
    const draft = latest.current;
    const k = key(draft);
    if (k === saved.current) return;
    saved.current = k;
    void save({
      contactId,
      content: draft.content,
      ...(draft.channel ? { channel: draft.channel } : {}),
      ...(draft.subject ? { subject: draft.subject } : {}),
      ...(draft.mediaUrl ? { mediaUrl: draft.mediaUrl } : {}),
      ...(draft.attachments.length ? { attachments: draft.attachments } : {}),
      ...(draft.schedule !== null ? { schedule: draft.schedule } : {}),
      clientId: TAB_ID,
    }).catch((error: unknown) => {
      // Not worth interrupting the person: the next change tries again.
      saved.current = "";
      console.warn("Saving the draft failed", error);
    });
  }, [contactId, save]);

  // Save a moment after the last change.
  const currentKey = key(current);
  useEffect(() => {
    if (!loaded || currentKey === saved.current) return;
    const timer = setTimeout(flush, SAVE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [currentKey, loaded, flush]);

  // …and at once when the composer goes (another conversation) or the page does.
  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === "hidden") flush();
    };
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", onHide);
    return () => {
      window.removeEventListener("pagehide", flush);
      document.removeEventListener("visibilitychange", onHide);
      if (loaded) flush();
    };
  }, [flush, loaded]);

  /** The message left: the server dropped the draft with it, so an empty composer is in step. */
  const markSent = useCallback(() => {
    saved.current = key(EMPTY_DRAFT);
  }, []);

  return { loaded, markSent };
}
