"use client";

import { useAction, useQuery } from "convex/react";
import { useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import { appErrorOf } from "@/lib/app-error";
import { formatDateTime } from "@/lib/format";
import { useMergeFields } from "@/lib/use-merge-fields";
import { toastError, useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/field";
import { SkeletonRows } from "@/components/ui/skeleton";

const STATUS_TONE: Record<string, BadgeTone> = { approved: "green", pending: "amber", received: "amber", rejected: "red", paused: "red", disabled: "red" };

/**
 * WhatsApp templates from Twilio's Content API (the simulator's without Twilio), with WhatsApp's
 * approval status, and which merge field fills each {{1}}, {{2}}… placeholder.
 */
export function WhatsAppTemplatesCard() {
  const templates = useQuery(api.whatsappTemplates.list, {});
  const sync = useAction(api.whatsappTemplateSync.sync);
  const [syncing, setSyncing] = useState(false);

  async function onSync() {
    setSyncing(true);
    try {
      const r = await sync({});
      toast.success(`Synced from ${r.source === "twilio" ? "Twilio" : "the simulator"}: ${r.added} new, ${r.updated} updated, ${r.removed} removed`);
    } catch (error) {
      toastError(error, "Could not sync WhatsApp templates");
    } finally {
      setSyncing(false);
    }
  }

  return (
    <Card
      title="WhatsApp templates"
      description="Approved templates can be sent when a contact's 24-hour WhatsApp window is closed. They are created and approved in Twilio (Content Template Builder); sync to bring them here."
      actions={
        <Button onClick={() => void onSync()} loading={syncing}>
          Sync from Twilio
        </Button>
      }
    >
      {templates === undefined ? (
        <SkeletonRows rows={2} label="Loading WhatsApp templates…" />
      ) : templates.length === 0 ? (
        <EmptyState title="No WhatsApp templates yet" description="Sync to list the templates of your Twilio account with their approval status." />
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="WhatsApp templates">
          {templates.map((t) => (
            <WhatsAppTemplateRow key={t._id} template={t} />
          ))}
        </ul>
      )}
    </Card>
  );
}

function WhatsAppTemplateRow({ template }: { template: Doc<"whatsappTemplates"> }) {
  const [mapping, setMapping] = useState<Record<string, string>>(() => Object.fromEntries(template.placeholders.map((p) => [p.key, p.mapping])));
  const [error, setError] = useState<{ key: string; message: string } | null>(null);
  const [save, saving] = useMutationWithToast(api.whatsappTemplates.setMapping);
  const fields = useMergeFields();
  const listId = `wa-fields-${template._id}`;
  const changed = template.placeholders.some((p) => (mapping[p.key] ?? "") !== p.mapping);

  return (
    <li className="px-5 py-4" aria-label={template.name}>
      <p className="flex flex-wrap items-center gap-2 font-medium text-slate-900">
        {template.name}
        <Badge tone={STATUS_TONE[template.status] ?? "neutral"}>{template.status}</Badge>
        <span className="text-xs font-normal text-slate-500">
          {template.language}
          {template.category ? ` · ${template.category.toLowerCase()}` : ""} · synced {formatDateTime(template.syncedAt)}
        </span>
      </p>
      <p className="mt-1 text-sm whitespace-pre-wrap text-slate-700">{template.body}</p>
      {template.rejectionReason ? <p className="mt-1 text-sm text-red-700">Rejected: {template.rejectionReason}</p> : null}
      {template.placeholders.length > 0 ? (
        <form
          className="mt-3 flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            void save(
              { templateId: template._id, mapping: template.placeholders.map((p) => ({ key: p.key, mapping: mapping[p.key] ?? "" })) },
              {
                success: "Mapping saved",
                handleError: (err) => {
                  const data = appErrorOf(err);
                  if (!data) return false;
                  setError({ key: String(data.details?.field ?? template.placeholders[0].key), message: data.message });
                  return true;
                },
              },
            );
          }}
        >
          <datalist id={listId}>
            {fields.map((f) => (
              <option key={f.name} value={f.name}>
                {f.label}
              </option>
            ))}
          </datalist>
          {template.placeholders.map((p) => (
            <Input
              key={p.key}
              label={`{{${p.key}}}${p.sample ? ` (${p.sample})` : ""}`}
              list={listId}
              value={mapping[p.key] ?? ""}
              placeholder="e.g. firstName|there"
              onChange={(e) => setMapping((m) => ({ ...m, [p.key]: e.target.value }))}
              error={error?.key === p.key ? error.message : undefined}
              className="w-56"
              autoComplete="off"
            />
          ))}
          <Button type="submit" size="sm" disabled={!changed} loading={saving}>
            Save mapping
          </Button>
        </form>
      ) : null}
    </li>
  );
}
