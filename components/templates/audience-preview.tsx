"use client";

import { useQuery } from "convex/react";
import { useState } from "react";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import type { Channel } from "@/convex/schema";
import { SKIP_REASON_LABELS } from "@/lib/broadcastProgress";
import { cn } from "@/lib/cn";
import { formatCount } from "@/lib/format";
import { useAudienceCost } from "@/lib/use-audience-cost";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { SearchInput } from "@/components/ui/field";

type Preview = {
  contactId: Id<"contacts">;
  name: string;
  content: string;
  subject?: string;
  problem?: { code: string; message: string };
  sms?: { encoding: string; segments: number; characters: number };
};

/**
 * A broadcast as its recipients will get it: the first few rendered by the server, any one on
 * demand (search a contact), and over the whole audience who would be skipped and, for SMS,
 * the segments' range and total after merge.
 */
export function AudiencePreview({
  audience,
  channel,
  content,
  subject,
  whatsappTemplateId,
}: {
  audience: { groupId: Id<"groups"> } | { segmentId: Id<"segments"> };
  channel: Channel;
  content: string;
  subject?: string;
  whatsappTemplateId?: Id<"whatsappTemplates">;
}) {
  const text = useDebouncedValue(content, 300);
  const subj = useDebouncedValue(subject ?? "", 300);
  const ready = text.trim() !== "" || whatsappTemplateId !== undefined;
  const draft = { channel, content: text, ...(subj ? { subject: subj } : {}), ...(whatsappTemplateId ? { whatsappTemplateId } : {}) };
  const first = useQuery(api.templates.previewAudience, ready ? { ...draft, ...audience, limit: 3 } : "skip");
  const cost = useAudienceCost(ready && first && first.unknown.length === 0 ? { ...draft, ...audience } : "skip");
  const [search, setSearch] = useState("");
  const term = useDebouncedValue(search.trim(), 250);
  const found = useQuery(api.contacts.search, term ? { query: term, limit: 5 } : "skip");
  const [picked, setPicked] = useState<Id<"contacts"> | null>(null);
  const one = useQuery(api.templates.preview, ready && picked ? { ...draft, contactId: picked } : "skip");

  if (!ready) return null;
  if (first === undefined) return <p className="text-sm text-slate-600">Rendering the preview…</p>;
  if (first.unknown.length > 0) {
    return (
      <p role="alert" className="text-sm font-medium text-red-700">
        {`{{${first.unknown[0]}}}`} is not a merge field of this account.
      </p>
    );
  }
  const skipped = cost ? Object.entries(cost.skipped).filter(([, n]) => n > 0) : [];
  return (
    <section aria-label="Preview per recipient" className="space-y-3 rounded-lg border border-slate-200 bg-slate-50 p-3">
      <h3 className="text-sm font-medium text-slate-900">Preview per recipient</h3>
      <ul className="space-y-2">
        {first.previews.map((p) => (
          <PreviewItem key={p.contactId} preview={p} />
        ))}
      </ul>
      <div className="space-y-2">
        <SearchInput label="Preview for another contact" placeholder="Search a contact…" value={search} onChange={(e) => setSearch(e.target.value)} />
        {found && found.length > 0 && term ? (
          <ul className="flex flex-wrap gap-1.5" aria-label="Contacts found">
            {found.map((c) => (
              <li key={c._id}>
                <button
                  type="button"
                  className={cn("rounded-full border px-2.5 py-0.5 text-xs", picked === c._id ? "border-indigo-600 bg-indigo-50" : "border-slate-300 bg-white")}
                  onClick={() => setPicked(c._id)}
                >
                  {c.name}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        {one ? (
          <ul>
            <PreviewItem preview={one.preview} />
          </ul>
        ) : null}
      </div>
      <div className="text-sm text-slate-700" data-testid="audience-cost" aria-live="polite">
        {cost === null ? (
          "Counting over the audience…"
        ) : (
          <>
            <p>
              {formatCount(cost.recipients, "recipient")} will get it{cost.complete ? "" : " (still counting)"}.
              {channel === "sms" && cost.minSegments !== null ? (
                <>
                  {" "}
                  SMS after merge:{" "}
                  <strong>
                    {cost.minSegments === cost.maxSegments ? formatCount(cost.minSegments, "segment") : `${cost.minSegments}–${cost.maxSegments} segments`}
                  </strong>{" "}
                  per message, <strong>{formatCount(cost.segments, "segment")}</strong> in total
                  {cost.ucs2 > 0 ? ` (${formatCount(cost.ucs2, "message")} in UCS-2)` : ""}.
                </>
              ) : null}
            </p>
            {skipped.length > 0 ? (
              <p>
                Skipped:{" "}
                {skipped.map(([k, n]) => `${SKIP_REASON_LABELS[k as keyof typeof SKIP_REASON_LABELS]} ${n}`).join(", ")}.
              </p>
            ) : null}
          </>
        )}
      </div>
    </section>
  );
}

function PreviewItem({ preview }: { preview: Preview }) {
  return (
    <li className={cn("rounded-md border bg-white px-3 py-2 text-sm", preview.problem ? "border-red-200" : "border-slate-200")} data-testid="recipient-preview">
      <p className="text-xs font-medium text-slate-600">
        {preview.name}
        {preview.sms ? ` · ${formatCount(preview.sms.segments, "segment")} · ${preview.sms.encoding}` : ""}
      </p>
      {preview.subject ? <p className="font-medium text-slate-900">{preview.subject}</p> : null}
      <p className="whitespace-pre-wrap text-slate-900">{preview.content}</p>
      {preview.problem ? <p className="mt-1 text-xs font-medium text-red-800">Skipped: {preview.problem.message}</p> : null}
    </li>
  );
}
