"use client";

import { useQuery } from "convex/react";
import { useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import { CHANNEL_NAMES } from "@/lib/channelAvailability";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { SearchInput } from "@/components/ui/field";
import { PencilIcon, PlusIcon, TrashIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { SkeletonRows } from "@/components/ui/skeleton";
import { TemplateDialog } from "./template-dialog";
import { WhatsAppTemplatesCard } from "./whatsapp-templates-card";

/** Templates: the account's message templates (search, create, edit, delete) and its WhatsApp templates. */
export function TemplatesView() {
  const [search, setSearch] = useState("");
  const query = useDebouncedValue(search.trim(), 200);
  const templates = useQuery(api.templates.list, query ? { search: query } : {});
  const [editing, setEditing] = useState<Doc<"templates"> | "new" | null>(null);
  const [deleting, setDeleting] = useState<Doc<"templates"> | null>(null);
  const [remove] = useMutationWithToast(api.templates.remove);

  return (
    <div className="max-w-4xl space-y-6">
      <PageHeader
        title="Templates"
        description="Messages you send often, with merge fields filled in for each contact when it goes out. Insert one in the inbox with / or the Templates button."
        actions={
          <Button variant="primary" onClick={() => setEditing("new")}>
            <PlusIcon className="size-4" /> New template
          </Button>
        }
      />
      <Card>
        <div className="border-b border-slate-200 p-4">
          <SearchInput label="Search templates" hideLabel placeholder="Search templates…" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        {templates === undefined ? (
          <SkeletonRows rows={3} label="Loading templates…" />
        ) : templates.length === 0 ? (
          <EmptyState
            title={query ? "No template matches" : "No templates yet"}
            description={query ? "Try other words." : "Create one for the message you type most, e.g. “Hi {{firstName|there}}, your order is ready.”"}
          />
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Templates">
            {templates.map((t) => (
              <li key={t._id} className="flex items-start gap-3 px-5 py-4">
                <div className="min-w-0 flex-1">
                  <p className="flex flex-wrap items-center gap-2 font-medium text-slate-900">
                    {t.name}
                    <Badge tone={t.channel ? "indigo" : "neutral"}>{t.channel ? CHANNEL_NAMES[t.channel] : "Any channel"}</Badge>
                  </p>
                  {t.subject ? <p className="mt-1 text-sm text-slate-700">Subject: {t.subject}</p> : null}
                  <p className="mt-1 line-clamp-3 text-sm whitespace-pre-wrap text-slate-600">{t.content}</p>
                  {t.variables.length > 0 ? (
                    <p className="mt-1.5 flex flex-wrap gap-1">
                      {t.variables.map((v) => (
                        <code key={v} className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{`{{${v}}}`}</code>
                      ))}
                    </p>
                  ) : null}
                </div>
                <Button size="sm" variant="ghost" onClick={() => setEditing(t)} aria-label={`Edit ${t.name}`}>
                  <PencilIcon className="size-4" />
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setDeleting(t)} aria-label={`Delete ${t.name}`}>
                  <TrashIcon className="size-4" />
                </Button>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <WhatsAppTemplatesCard />
      <TemplateDialog target={editing} onClose={() => setEditing(null)} />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? "template"}?`}
        confirmLabel="Delete"
        tone="danger"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          const result = await remove({ templateId: deleting._id });
          if (result.ok) toast.success("Template deleted");
          setDeleting(null);
        }}
      >
        Messages already scheduled with it keep their text.
      </ConfirmDialog>
    </div>
  );
}
