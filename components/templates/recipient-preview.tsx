"use client";

import { useQuery } from "convex/react";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import type { Channel } from "@/convex/schema";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { cn } from "@/lib/cn";

/**
 * The message as this contact will get it, rendered by the server's own code: shown while the
 * draft has merge fields, with what is missing and, for SMS, the segments after merge.
 */
export function RecipientPreview({ contactId, channel, content, subject }: { contactId: Id<"contacts">; channel: Channel; content: string; subject?: string }) {
  const debouncedContent = useDebouncedValue(content, 250);
  const debouncedSubject = useDebouncedValue(subject ?? "", 250);
  const args = { contactId, channel, content: debouncedContent, ...(debouncedSubject ? { subject: debouncedSubject } : {}) };
  const merged = /\{\{/.test(args.content) || /\{\{/.test(args.subject ?? "");
  const result = useQuery(api.templates.preview, merged ? args : "skip");
  if (!merged || result === undefined) return null;
  const { preview, unknown } = result;
  const problem = unknown.length > 0 ? `{{${unknown[0]}}} is not a merge field.` : preview.problem?.code.startsWith("TEMPLATE") || preview.problem?.code === "CONTENT_INVALID" ? preview.problem.message : null;
  return (
    <div data-testid="recipient-preview" className={cn("rounded-md border px-3 py-2 text-sm", problem ? "border-red-200 bg-red-50" : "border-slate-200 bg-slate-50")}>
      <p className="text-xs font-medium text-slate-600">Preview for {preview.name}</p>
      {preview.subject ? <p className="mt-0.5 font-medium text-slate-900">{preview.subject}</p> : null}
      <p className="mt-0.5 whitespace-pre-wrap text-slate-900">{preview.content}</p>
      {preview.sms ? (
        <p className="mt-1 text-xs text-slate-600" data-merged-sms>
          After merge: {preview.sms.characters} characters · {preview.sms.segments} {preview.sms.segments === 1 ? "segment" : "segments"} · {preview.sms.encoding}
        </p>
      ) : null}
      {problem ? (
        <p role="alert" className="mt-1 text-xs font-medium text-red-800">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
