"use client";

/**
 * What an inbound email has besides its text, under the text in its thread row: its attachments
 * (names and sizes), a note if its body could not be fetched, a link to the whole text when the
 * row's text was cut, and its HTML on request. The HTML is sanitized with DOMPurify
 * (lib/emailHtml.ts), remote images and styles stay blocked until the reader loads them, and it
 * is shown in an iframe sandboxed without scripts under a CSP that allows none.
 */
import DOMPurify from "dompurify";
import { useQuery } from "convex/react";
import { useEffect, useMemo, useRef, useState } from "react";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { emailDocument, sanitizeEmailHtml } from "@/lib/emailHtml";
import { cn } from "@/lib/cn";

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function EmailBody({ messageId }: { messageId: Id<"messages"> }) {
  const body = useQuery(api.emailBodies.get, { messageId });
  const [open, setOpen] = useState(false);
  if (!body) return null; // loading, or a message without an email body
  const hasHtml = body.html !== null || body.htmlUrl !== null;
  const files = body.attachments.filter((a) => !a.inline);
  return (
    <div className="mt-2 space-y-2 text-xs text-slate-600">
      {body.fetchError ? <p role="note">The email&apos;s body could not be fetched from the provider.</p> : null}
      {files.length > 0 ? (
        <ul aria-label="Attachments" className="flex flex-wrap gap-1.5">
          {files.map((a, i) => (
            <li key={`${a.filename}-${i}`} className="rounded border border-slate-200 bg-slate-50 px-2 py-0.5">
              {a.filename} <span className="text-slate-500">({size(a.size)})</span>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="flex flex-wrap gap-3">
        {hasHtml ? (
          <button type="button" onClick={() => setOpen((o) => !o)} aria-expanded={open} className="font-medium text-indigo-700 underline underline-offset-2">
            {open ? "Hide formatted email" : "Show formatted email"}
          </button>
        ) : null}
        {body.fullTextUrl ? (
          <a href={body.fullTextUrl} target="_blank" rel="noopener noreferrer" className="font-medium text-indigo-700 underline underline-offset-2">
            Full text
          </a>
        ) : null}
      </div>
      {open && hasHtml ? <HtmlView inline={body.html} url={body.htmlUrl} /> : null}
    </div>
  );
}

function HtmlView({ inline, url }: { inline: string | null; url: string | null }) {
  const [fetched, setFetched] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [allowRemote, setAllowRemote] = useState(false);
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(120);

  useEffect(() => {
    if (inline !== null || url === null) return;
    let live = true;
    fetch(url)
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
      .then((text) => live && setFetched(text))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [inline, url]);

  const raw = inline ?? fetched;
  const clean = useMemo(
    () => (raw !== null && DOMPurify.isSupported ? sanitizeEmailHtml(DOMPurify, raw, { allowRemote }) : null),
    [raw, allowRemote],
  );

  if (failed) return <p role="note">The formatted email could not be loaded.</p>;
  if (clean === null) return <p>Loading the formatted email…</p>;
  return (
    <div className="space-y-1.5">
      {clean.blockedRemote > 0 && !allowRemote ? (
        <p className="flex flex-wrap items-center gap-2">
          <span>Remote images and styles are blocked ({clean.blockedRemote}): they can tell the sender you read this.</span>
          <button type="button" onClick={() => setAllowRemote(true)} className="font-medium text-indigo-700 underline underline-offset-2">
            Load remote images
          </button>
        </p>
      ) : null}
      <iframe
        ref={frame}
        title="Formatted email"
        // No allow-scripts: nothing in the email can run. Same origin only so its height can be read.
        sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
        referrerPolicy="no-referrer"
        srcDoc={emailDocument(clean.html, { allowRemote })}
        onLoad={() => setHeight(Math.min(2000, (frame.current?.contentDocument?.documentElement.scrollHeight ?? 120) + 8))}
        style={{ height }}
        className={cn("w-full rounded border border-slate-200 bg-white")}
      />
    </div>
  );
}
