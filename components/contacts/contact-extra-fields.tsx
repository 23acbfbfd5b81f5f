"use client";

/**
 * The contact form's tags and custom fields: one input per field, by type, named
 * `field:<key>`, and how the form's values become the `fields` and `tags` of a write.
 */
import type { Doc } from "@/convex/_generated/dataModel";
import { FIELD_LIMITS, parseFieldText, type FieldValue } from "@/lib/customFields";
import { splitTags, TAG_LIMITS } from "@/lib/tags";
import { Input, Select } from "@/components/ui/field";

type FieldDoc = Doc<"customFields">;
export type FieldErrors = Record<string, string>;

const inputName = (key: string) => `field:${key}`;

/** A value as the form shows it (dates stay YYYY-MM-DD, yes/no as "yes"/"no"). */
function formValue(def: FieldDoc, value: FieldValue | undefined): string {
  if (value === undefined) return "";
  if (def.type === "boolean") return value ? "yes" : "no";
  return String(value);
}

export function TagsInput({ tags, known, error }: { tags: readonly string[]; known: readonly string[] | undefined; error?: string }) {
  return (
    <>
      <Input
        label="Tags"
        name="tags"
        defaultValue={tags.join(", ")}
        autoComplete="off"
        list="known-tags"
        hint={`Separate tags with commas; up to ${TAG_LIMITS.perContact}.`}
        error={error}
      />
      <datalist id="known-tags">{known?.map((t) => <option key={t} value={t} />)}</datalist>
    </>
  );
}

export function CustomFieldInputs({ defs, values, errors }: { defs: FieldDoc[]; values: Record<string, FieldValue> | undefined; errors: FieldErrors }) {
  if (defs.length === 0) return null;
  return (
    <fieldset className="space-y-4 rounded-md border border-slate-200 p-3">
      <legend className="px-1 text-sm font-medium text-slate-800">Custom fields</legend>
      {defs.map((def) => {
        const common = { label: def.label, name: inputName(def.key), defaultValue: formValue(def, values?.[def.key]), error: errors[def.key] };
        switch (def.type) {
          case "boolean":
            return (
              <Select key={def.key} {...common}>
                <option value="">—</option>
                <option value="yes">Yes</option>
                <option value="no">No</option>
              </Select>
            );
          case "select":
            return (
              <Select key={def.key} {...common}>
                <option value="">—</option>
                {def.options?.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </Select>
            );
          case "date":
            return <Input key={def.key} type="date" {...common} />;
          case "number":
            return <Input key={def.key} type="text" inputMode="decimal" autoComplete="off" {...common} />;
          case "text":
            return <Input key={def.key} autoComplete="off" maxLength={FIELD_LIMITS.textLength} {...common} />;
        }
      })}
    </fieldset>
  );
}

/**
 * The custom field values the form changed (null clears one), or the fields whose text is not
 * valid for their type.
 */
export function readFieldInputs(
  form: FormData,
  defs: FieldDoc[],
  current: Record<string, FieldValue> | undefined,
): { changes: Record<string, FieldValue | null>; errors: FieldErrors } {
  const changes: Record<string, FieldValue | null> = {};
  const errors: FieldErrors = {};
  for (const def of defs) {
    const text = String(form.get(inputName(def.key)) ?? "");
    // Dates come from a date input (YYYY-MM-DD), so read them ISO-first.
    const parsed = parseFieldText(def, text, true);
    if (!parsed.ok) {
      errors[def.key] = parsed.message;
      continue;
    }
    const before = current?.[def.key];
    if (parsed.value === null ? before !== undefined : parsed.value !== before) changes[def.key] = parsed.value;
  }
  return { changes, errors };
}

/** The tags typed, cleaned; `null` when they are the same as before. */
export function readTags(form: FormData, current: readonly string[]): string[] | null {
  const tags = splitTags(String(form.get("tags") ?? ""));
  const same = tags.length === current.length && tags.every((t, i) => t === current[i]);
  return same ? null : tags;
}
