"use client";

import { useQuery } from "convex/react";
import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { formatCount } from "@/lib/format";
import { splitTags, TAG_LIMITS } from "@/lib/tags";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Dialog, FormDialogFooter } from "@/components/ui/dialog";
import { Input } from "@/components/ui/field";

/** Add tags to, or remove tags from, the selected contacts (in calls of TAG_LIMITS.perCall). */
export function TagContactsDialog({
  mode,
  contactIds,
  onClose,
  onDone,
}: {
  mode: "add" | "remove" | null;
  contactIds: Id<"contacts">[];
  onClose: () => void;
  onDone: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const formId = useId();
  const known = useQuery(api.tags.list, mode ? {} : "skip");
  const [apply] = useMutationWithToast(api.tags.apply);
  const adding = mode === "add";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const tags = splitTags(String(new FormData(event.currentTarget).get("tags") ?? ""));
    if (tags.length === 0) return setError("Enter at least one tag.");
    setError(undefined);
    setBusy(true);
    try {
      let changed = 0;
      for (let i = 0; i < contactIds.length; i += TAG_LIMITS.perCall) {
        const slice = contactIds.slice(i, i + TAG_LIMITS.perCall);
        const result = await apply({ contactIds: slice, add: adding ? tags : [], remove: adding ? [] : tags });
        if (!result.ok) return;
        changed += result.value.changed;
      }
      toast.success(`${adding ? "Tagged" : "Untagged"} ${formatCount(changed, "contact")}`);
      onDone();
      onClose();
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      open={mode !== null}
      onClose={onClose}
      title={adding ? "Add tags" : "Remove tags"}
      description={`${adding ? "Tag" : "Untag"} ${formatCount(contactIds.length, "selected contact")}.`}
      dismissible={!busy}
      footer={
        <FormDialogFooter formId={formId} busy={busy} onCancel={onClose}>
          {adding ? "Add tags" : "Remove tags"}
        </FormDialogFooter>
      }
    >
      <form id={formId} onSubmit={(e) => void onSubmit(e)} noValidate>
        <Input label="Tags" name="tags" autoComplete="off" list="bulk-known-tags" hint="Separate tags with commas." error={error} />
        <datalist id="bulk-known-tags">{known?.map((t) => <option key={t._id} value={t.name} />)}</datalist>
      </form>
    </Dialog>
  );
}
