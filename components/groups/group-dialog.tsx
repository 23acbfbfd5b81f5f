"use client";

import { useId, useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import { appErrorOf, errorDetail } from "@/lib/app-error";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Dialog, FormDialogFooter } from "@/components/ui/dialog";
import { Input, Textarea } from "@/components/ui/field";

/** Create a group (`group` null) or rename one / change its description. */
export function GroupDialog({
  open,
  group,
  onClose,
  onCreated,
}: {
  open: boolean;
  group: Doc<"groups"> | null;
  onClose: () => void;
  onCreated?: (groupId: Id<"groups">) => void;
}) {
  const [saving, setSaving] = useState(false);
  const formId = useId();
  return (
    <Dialog
      open={open}
      confirmDiscard
      onClose={onClose}
      // Not "Rename group": its accessible name would also match a getByLabel("Name").
      title={group ? "Edit group" : "New group"}
      dismissible={!saving}
      footer={
        <FormDialogFooter formId={formId} busy={saving} onCancel={onClose}>
          Save
        </FormDialogFooter>
      }
    >
      <GroupForm formId={formId} group={group} onSaving={setSaving} onDone={onClose} onCreated={onCreated} />
    </Dialog>
  );
}

function GroupForm({
  formId,
  group,
  onSaving,
  onDone,
  onCreated,
}: {
  formId: string;
  group: Doc<"groups"> | null;
  onSaving: (saving: boolean) => void;
  onDone: () => void;
  onCreated?: (groupId: Id<"groups">) => void;
}) {
  const [errors, setErrors] = useState<{ name?: string; description?: string }>({});
  const nameRef = useRef<HTMLInputElement>(null);
  const descriptionRef = useRef<HTMLTextAreaElement>(null);
  const [create] = useMutationWithToast(api.groups.create);
  const [update] = useMutationWithToast(api.groups.update);

  function show(found: { name?: string; description?: string }) {
    setErrors(found);
    requestAnimationFrame(() => (found.name ? nameRef : descriptionRef).current?.focus());
  }

  function fieldError(error: unknown): boolean {
    const data = appErrorOf(error);
    if (data?.code === "DUPLICATE_GROUP") {
      show({ name: data.message });
      return true;
    }
    if (data?.code === "INVALID_ARGUMENT") {
      const field = errorDetail(data, "field");
      if (field === "name" || field === "description") {
        show({ [field]: data.message });
        return true;
      }
    }
    return false;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const description = String(form.get("description") ?? "").trim();
    if (!name) return show({ name: "Enter a name." });
    setErrors({});
    onSaving(true);
    try {
      if (!group) {
        const result = await create({ name, ...(description ? { description } : {}) }, { handleError: fieldError });
        if (!result.ok) return;
        toast.success(`Created ${name}`);
        onDone();
        onCreated?.(result.value);
        return;
      }
      const changes: { name?: string; description?: string } = {};
      if (name !== group.name) changes.name = name;
      if (description !== (group.description ?? "")) changes.description = description;
      if (Object.keys(changes).length > 0) {
        const result = await update({ groupId: group._id, ...changes }, { handleError: fieldError });
        if (!result.ok) return;
        toast.success(`Saved ${name}`);
      }
      onDone();
    } finally {
      onSaving(false);
    }
  }

  return (
    <form id={formId} onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4">
      <Input ref={nameRef} label="Name" name="name" defaultValue={group?.name ?? ""} maxLength={100} required autoComplete="off" error={errors.name} />
      <Textarea
        ref={descriptionRef}
        label="Description"
        name="description"
        defaultValue={group?.description ?? ""}
        maxLength={1000}
        hint="Optional. What the group is for."
        error={errors.description}
      />
    </form>
  );
}
