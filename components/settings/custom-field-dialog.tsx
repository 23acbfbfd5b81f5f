"use client";

import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import { appErrorOf } from "@/lib/app-error";
import { FIELD_LIMITS, FIELD_TYPE_LABELS, FIELD_TYPES, type FieldType } from "@/lib/customFields";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Dialog, FormDialogFooter } from "@/components/ui/dialog";
import { Checkbox, Input, Select, Textarea } from "@/components/ui/field";

type Errors = { label?: string; options?: string };

/** Add a custom field, or rename / re-option / show-in-table an existing one (its type is fixed). */
export function CustomFieldDialog({ target, onClose }: { target: Doc<"customFields"> | "new" | null; onClose: () => void }) {
  const [saving, setSaving] = useState(false);
  const formId = useId();
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      title={target === "new" ? "Add a custom field" : `Edit ${target?.label ?? "field"}`}
      dismissible={!saving}
      footer={
        <FormDialogFooter formId={formId} busy={saving} onCancel={onClose}>
          {target === "new" ? "Add field" : "Save"}
        </FormDialogFooter>
      }
    >
      {target !== null ? (
        <FieldForm key={target === "new" ? "new" : target._id} field={target === "new" ? null : target} formId={formId} onSaving={setSaving} onDone={onClose} />
      ) : null}
    </Dialog>
  );
}

function FieldForm({
  field,
  formId,
  onSaving,
  onDone,
}: {
  field: Doc<"customFields"> | null;
  formId: string;
  onSaving: (saving: boolean) => void;
  onDone: () => void;
}) {
  const [type, setType] = useState<FieldType>(field?.type ?? "text");
  const [errors, setErrors] = useState<Errors>({});
  const [create] = useMutationWithToast(api.customFields.create);
  const [update] = useMutationWithToast(api.customFields.update);

  function handleError(error: unknown): boolean {
    const data = appErrorOf(error);
    if (!data) return false;
    if (data.code === "DUPLICATE_NAME" || data.details?.field === "label") {
      setErrors({ label: data.message });
      return true;
    }
    if (data.details?.field === "options") {
      setErrors({ options: data.message });
      return true;
    }
    return false;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const label = String(form.get("label") ?? "").trim();
    const options = String(form.get("options") ?? "")
      .split("\n")
      .map((o) => o.trim())
      .filter(Boolean);
    const showInTable = form.get("showInTable") === "on";
    if (!label) return setErrors({ label: "Enter a name." });
    if (type === "select" && options.length === 0) return setErrors({ options: "Enter at least one option, one per line." });
    setErrors({});
    onSaving(true);
    try {
      const result = field
        ? await update({ fieldId: field._id, label, showInTable, ...(type === "select" ? { options } : {}) }, { handleError })
        : await create({ label, type, showInTable, ...(type === "select" ? { options } : {}) }, { handleError });
      if (!result.ok) return;
      toast.success(field ? `Saved ${label}` : `Added ${label}`);
      onDone();
    } finally {
      onSaving(false);
    }
  }

  return (
    <form id={formId} onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4">
      <Input label="Name" name="label" defaultValue={field?.label ?? ""} maxLength={FIELD_LIMITS.labelLength} autoComplete="off" error={errors.label} />
      <Select
        label="Type"
        name="type"
        value={type}
        disabled={field !== null}
        hint={field ? "A field's type cannot change." : undefined}
        onChange={(e) => setType(e.target.value as FieldType)}
      >
        {FIELD_TYPES.map((t) => (
          <option key={t} value={t}>
            {FIELD_TYPE_LABELS[t]}
          </option>
        ))}
      </Select>
      {type === "select" ? (
        <Textarea label="Options" name="options" rows={4} defaultValue={field?.options?.join("\n") ?? ""} hint="One per line." error={errors.options} />
      ) : null}
      <label className="flex items-center gap-2 text-sm text-slate-800">
        <Checkbox name="showInTable" defaultChecked={field?.showInTable ?? false} />
        Show as a column of the contacts table
      </label>
    </form>
  );
}
