"use client";

import { usePaginatedQuery } from "convex/react";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { chunk, formatCount } from "@/lib/format";
import { MAX_MEMBERS_PER_CALL } from "@/lib/groups";
import { toastError, useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Button } from "@/components/ui/button";
import { Dialog, FormDialogFooter } from "@/components/ui/dialog";
import { FormError, Input } from "@/components/ui/field";
import { SkeletonRows } from "@/components/ui/skeleton";
import { appErrorOf } from "@/lib/app-error";

const NEW_GROUP = "__new__";

/**
 * Add selected contacts to a group (or a new one). Large selections go in calls of at most
 * MAX_MEMBERS_PER_CALL contacts, one after the other, with progress.
 */
export function AddToGroupDialog({
  open,
  onClose,
  contactIds,
  onAdded,
}: {
  open: boolean;
  onClose: () => void;
  contactIds: Id<"contacts">[];
  onAdded?: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const formId = useId();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Add to group"
      description={`${formatCount(contactIds.length, "contact")} selected.`}
      dismissible={!busy}
      footer={
        <FormDialogFooter formId={formId} busy={busy} onCancel={onClose}>
          Add to group
        </FormDialogFooter>
      }
    >
      <AddToGroupForm formId={formId} contactIds={contactIds} onBusy={setBusy} onDone={() => { onAdded?.(); onClose(); }} />
    </Dialog>
  );
}

function AddToGroupForm({
  formId,
  contactIds,
  onBusy,
  onDone,
}: {
  formId: string;
  contactIds: Id<"contacts">[];
  onBusy: (busy: boolean) => void;
  onDone: () => void;
}) {
  const groups = usePaginatedQuery(api.groups.list, {}, { initialNumItems: 50 });
  const [choice, setChoice] = useState<string>("");
  const [newName, setNewName] = useState("");
  const [error, setError] = useState<{ group?: string; name?: string }>({});
  const [progress, setProgress] = useState<string | null>(null);
  const [createGroup] = useMutationWithToast(api.groups.create);
  const [addMembers] = useMutationWithToast(api.groups.addMembers);
  const legendId = useId();

  const noGroups = groups.status === "Exhausted" && groups.results.length === 0;
  const selected = noGroups ? NEW_GROUP : choice;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!selected) return setError({ group: "Choose a group." });
    if (selected === NEW_GROUP && !newName.trim()) return setError({ name: "Enter a name for the new group." });
    setError({});
    onBusy(true);
    try {
      let groupId: Id<"groups">;
      let groupName: string;
      if (selected === NEW_GROUP) {
        const created = await createGroup(
          { name: newName.trim() },
          {
            handleError: (e) => {
              const data = appErrorOf(e);
              if (data?.code !== "DUPLICATE_GROUP" && data?.code !== "INVALID_ARGUMENT") return false;
              setError({ name: data.message });
              return true;
            },
          },
        );
        if (!created.ok) return;
        groupId = created.value;
        groupName = newName.trim();
      } else {
        groupId = selected as Id<"groups">;
        groupName = groups.results.find((g) => g._id === groupId)?.name ?? "the group";
      }

      let added = 0;
      let already = 0;
      const batches = chunk(contactIds, MAX_MEMBERS_PER_CALL);
      for (const [i, batch] of batches.entries()) {
        if (batches.length > 1) setProgress(`Adding contacts: ${(i * MAX_MEMBERS_PER_CALL).toLocaleString("en-US")} of ${contactIds.length.toLocaleString("en-US")} done…`);
        const result = await addMembers({ groupId, contactIds: batch }, { handleError: () => true });
        if (!result.ok) {
          const done = added + already;
          toastError(result.error, done > 0 ? `Stopped after adding ${formatCount(added, "contact")} to ${groupName}` : `Could not add to ${groupName}`);
          return;
        }
        added += result.value.added;
        already += result.value.alreadyMembers;
      }
      toast.success(`Added ${formatCount(added, "contact")} to ${groupName}`, {
        description: already > 0 ? `${formatCount(already, "contact was", "contacts were")} already in it.` : undefined,
      });
      onDone();
    } finally {
      setProgress(null);
      onBusy(false);
    }
  }

  if (groups.status === "LoadingFirstPage") return <SkeletonRows rows={3} label="Loading groups…" />;

  return (
    <form id={formId} onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4">
      {progress ? <p role="status" className="text-sm text-slate-700">{progress}</p> : null}
      <fieldset aria-describedby={error.group ? `${legendId}-error` : undefined}>
        <legend id={legendId} className="mb-2 text-sm font-medium text-slate-800">
          Group
        </legend>
        <div className="max-h-64 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-1">
          {groups.results.map((group) => (
            <label key={group._id} className="flex cursor-pointer items-center gap-3 rounded px-2 py-2 text-sm hover:bg-slate-50">
              <input
                type="radio"
                name="group"
                value={group._id}
                checked={selected === group._id}
                onChange={() => setChoice(group._id)}
                className="size-4 accent-indigo-600"
              />
              <span className="min-w-0 flex-1 truncate text-slate-900">{group.name}</span>
              <span className="text-xs text-slate-600">{formatCount(group.memberCount, "member")}</span>
            </label>
          ))}
          {groups.status === "CanLoadMore" || groups.status === "LoadingMore" ? (
            <Button size="sm" variant="ghost" className="w-full" loading={groups.status === "LoadingMore"} onClick={() => groups.loadMore(50)}>
              Show more groups
            </Button>
          ) : null}
          <label className="flex cursor-pointer items-center gap-3 rounded px-2 py-2 text-sm hover:bg-slate-50">
            <input
              type="radio"
              name="group"
              value={NEW_GROUP}
              checked={selected === NEW_GROUP}
              onChange={() => setChoice(NEW_GROUP)}
              className="size-4 accent-indigo-600"
            />
            <span className="text-slate-900">{noGroups ? "A new group (you have none yet)" : "A new group"}</span>
          </label>
        </div>
        {error.group ? (
          <div id={`${legendId}-error`} className="mt-2">
            <FormError>{error.group}</FormError>
          </div>
        ) : null}
      </fieldset>
      {selected === NEW_GROUP ? (
        <Input label="New group name" value={newName} onChange={(e) => setNewName(e.target.value)} maxLength={100} error={error.name} data-autofocus={noGroups || undefined} />
      ) : null}
    </form>
  );
}
