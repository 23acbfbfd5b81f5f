"use client";

import { useQuery } from "convex/react";
import { useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import { FIELD_TYPE_LABELS } from "@/lib/customFields";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { PlusIcon } from "@/components/ui/icons";
import { SkeletonRows } from "@/components/ui/skeleton";
import { CustomFieldDialog } from "./custom-field-dialog";

/** Settings → Custom fields: what the account records about contacts beyond name and addresses. */
export function CustomFieldsSection() {
  const fields = useQuery(api.customFields.list);
  const [editing, setEditing] = useState<Doc<"customFields"> | "new" | null>(null);
  const [deleting, setDeleting] = useState<Doc<"customFields"> | null>(null);
  const [remove] = useMutationWithToast(api.customFields.remove);

  const addButton = (
    <Button variant="primary" onClick={() => setEditing("new")}>
      <PlusIcon className="size-4" /> Add field
    </Button>
  );

  return (
    <>
      <Card
        title="Custom fields"
        description="What you record about each contact beyond name, phone and email: shown on the contact, editable in the contacts table, filterable in segments, and filled by imports."
        actions={addButton}
      >
        {fields === undefined ? (
          <SkeletonRows rows={3} label="Loading custom fields…" />
        ) : fields.length === 0 ? (
          <EmptyState title="No custom fields yet" description="Add one for a birthday, a customer tier, a loyalty number…" />
        ) : (
          <div className="relative overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Custom fields</caption>
              <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium tracking-wide text-slate-600 uppercase">
                <tr>
                  <th scope="col" className="px-5 py-2.5">Field</th>
                  <th scope="col" className="px-3 py-2.5">Type</th>
                  <th scope="col" className="hidden px-3 py-2.5 sm:table-cell">Key (API, CSV)</th>
                  <th scope="col" className="px-5 py-2.5 text-right"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {fields.map((field) => (
                  <tr key={field._id}>
                    <th scope="row" className="px-5 py-3 font-medium text-slate-900">
                      {field.label}
                      {field.showInTable ? <Badge className="ml-2" tone="indigo">In table</Badge> : null}
                    </th>
                    <td className="px-3 py-3 text-slate-700">
                      {FIELD_TYPE_LABELS[field.type]}
                      {field.options ? <span className="block max-w-[16rem] truncate text-xs text-slate-600">{field.options.join(", ")}</span> : null}
                    </td>
                    <td className="hidden px-3 py-3 sm:table-cell"><code className="text-xs">{field.key}</code></td>
                    <td className="px-5 py-2 text-right whitespace-nowrap">
                      <Button size="sm" variant="ghost" onClick={() => setEditing(field)}>
                        Edit<span className="sr-only"> {field.label}</span>
                      </Button>
                      <Button size="sm" variant="danger-ghost" onClick={() => setDeleting(field)}>
                        Delete<span className="sr-only"> {field.label}</span>
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <CustomFieldDialog target={editing} onClose={() => setEditing(null)} />

      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete ${deleting?.label ?? "field"}?`}
        confirmLabel="Delete field"
        onConfirm={async () => {
          if (!deleting) return;
          const result = await remove({ fieldId: deleting._id });
          if (!result.ok) throw result.error;
          toast.success(`Deleted ${deleting.label}`);
        }}
      >
        Every contact loses its {deleting?.label ?? "field"} value, and segments that filter on it match nothing for it.
        This cannot be undone.
      </ConfirmDialog>
    </>
  );
}
