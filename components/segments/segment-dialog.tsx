"use client";

import { usePaginatedQuery, useQuery } from "convex/react";
import { useId, useMemo, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import type { Condition } from "@/convex/schema";
import { appErrorOf } from "@/lib/app-error";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Button } from "@/components/ui/button";
import { Dialog, FormDialogFooter } from "@/components/ui/dialog";
import { FormError, Input } from "@/components/ui/field";
import { PlusIcon } from "@/components/ui/icons";
import { ConditionEditor, newCondition } from "./condition-editor";
import { countable, SegmentCount } from "./segment-count";

/** Create a segment, or edit one: a name and its conditions, with the live count of what they match. */
export function SegmentDialog({
  target,
  onClose,
  onSaved,
}: {
  target: Doc<"segments"> | "new" | null;
  onClose: () => void;
  onSaved?: (id: Id<"segments">) => void;
}) {
  const [saving, setSaving] = useState(false);
  const formId = useId();
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      size="lg"
      title={target === "new" ? "New segment" : "Edit segment"}
      description="Contacts that meet every condition. The segment stays up to date as contacts change."
      dismissible={!saving}
      footer={
        <FormDialogFooter formId={formId} busy={saving} onCancel={onClose}>
          {target === "new" ? "Create segment" : "Save"}
        </FormDialogFooter>
      }
    >
      {target !== null ? (
        <SegmentForm key={target === "new" ? "new" : target._id} segment={target === "new" ? null : target} formId={formId} onSaving={setSaving} onDone={(id) => { onSaved?.(id); onClose(); }} />
      ) : null}
    </Dialog>
  );
}

function SegmentForm({ segment, formId, onSaving, onDone }: { segment: Doc<"segments"> | null; formId: string; onSaving: (b: boolean) => void; onDone: (id: Id<"segments">) => void }) {
  const fields = useQuery(api.customFields.list) ?? [];
  const tags = useQuery(api.tags.list) ?? [];
  const imports = usePaginatedQuery(api.imports.list, {}, { initialNumItems: 20 }).results.filter((i) => i.status === "completed" || i.status === "canceled");
  const [name, setName] = useState(segment?.name ?? "");
  const [conditions, setConditions] = useState<Condition[]>(segment?.conditions ?? [{ kind: "tag", has: true, tag: "" }]);
  const [error, setError] = useState<{ name?: string; form?: string }>({});
  const [create] = useMutationWithToast(api.segments.create);
  const [update] = useMutationWithToast(api.segments.update);
  const ready = countable(conditions);
  // One args object per set of conditions, so the count's subscriptions are kept while nothing changes.
  const countArgs = useMemo(() => ({ conditions }), [conditions]);

  function handleError(e: unknown) {
    const data = appErrorOf(e);
    if (!data) return false;
    if (data.code === "DUPLICATE_NAME" || data.details?.field === "name") setError({ name: data.message });
    else setError({ form: data.message });
    return true;
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return setError({ name: "Enter a name." });
    if (!ready) return setError({ form: "Complete every condition (or remove it)." });
    setError({});
    onSaving(true);
    try {
      if (segment) {
        const result = await update({ segmentId: segment._id, name, conditions }, { handleError });
        if (!result.ok) return;
        toast.success(`Saved ${name.trim()}`);
        onDone(segment._id);
      } else {
        const result = await create({ name, conditions }, { handleError });
        if (!result.ok) return;
        toast.success(`Created ${name.trim()}`);
        onDone(result.value);
      }
    } finally {
      onSaving(false);
    }
  }

  return (
    <form id={formId} onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4">
      {error.form ? <FormError>{error.form}</FormError> : null}
      <Input label="Name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoComplete="off" error={error.name} />
      <fieldset className="space-y-2">
        <legend className="mb-1 text-sm font-medium text-slate-800">Conditions (all must hold)</legend>
        {conditions.map((c, i) => (
          <ConditionEditor
            key={i}
            index={i}
            condition={c}
            fields={fields}
            imports={imports}
            tags={tags.map((t) => t.name)}
            onChange={(next) => setConditions((all) => all.map((x, j) => (j === i ? next : x)))}
            onRemove={() => setConditions((all) => all.filter((_, j) => j !== i))}
          />
        ))}
        {conditions.length < 10 ? (
          <Button size="sm" onClick={() => setConditions((all) => [...all, newCondition("reachable", fields, imports)])}>
            <PlusIcon className="size-4" /> Add condition
          </Button>
        ) : null}
      </fieldset>
      <p className="text-sm text-slate-700">
        Matches now: {ready ? <SegmentCount args={countArgs} /> : <span className="text-slate-600">complete the conditions to count</span>}
      </p>
    </form>
  );
}
