"use client";

import { useId, useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import { CHANNELS, type Channel } from "@/convex/schema";
import { appErrorOf } from "@/lib/app-error";
import { CHANNEL_NAMES } from "@/lib/channelAvailability";
import { tokenFor } from "@/lib/templates";
import { useMergeFields } from "@/lib/use-merge-fields";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Dialog, FormDialogFooter } from "@/components/ui/dialog";
import { Input, Select, Textarea } from "@/components/ui/field";

type Errors = { name?: string; content?: string; subject?: string };

/** New template, or edit one: name, channel (or any), email subject, text with merge fields. */
export function TemplateDialog({ target, onClose }: { target: Doc<"templates"> | "new" | null; onClose: () => void }) {
  const [saving, setSaving] = useState(false);
  const formId = useId();
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      title={target === "new" ? "New template" : `Edit ${target?.name ?? "template"}`}
      dismissible={!saving}
      footer={
        <FormDialogFooter formId={formId} busy={saving} onCancel={onClose}>
          {target === "new" ? "Create template" : "Save"}
        </FormDialogFooter>
      }
    >
      {target !== null ? (
        <TemplateForm key={target === "new" ? "new" : target._id} template={target === "new" ? null : target} formId={formId} onSaving={setSaving} onDone={onClose} />
      ) : null}
    </Dialog>
  );
}

function TemplateForm({
  template,
  formId,
  onSaving,
  onDone,
}: {
  template: Doc<"templates"> | null;
  formId: string;
  onSaving: (saving: boolean) => void;
  onDone: () => void;
}) {
  const [name, setName] = useState(template?.name ?? "");
  const [channel, setChannel] = useState<Channel | "any">(template?.channel ?? "any");
  const [subject, setSubject] = useState(template?.subject ?? "");
  const [content, setContent] = useState(template?.content ?? "");
  const [errors, setErrors] = useState<Errors>({});
  const [create] = useMutationWithToast(api.templates.create);
  const [update] = useMutationWithToast(api.templates.update);
  const fields = useMergeFields();
  const contentRef = useRef<HTMLTextAreaElement>(null);
  const withSubject = channel === "any" || channel === "email";

  function insertField(name: string) {
    if (!name) return;
    const el = contentRef.current;
    const token = tokenFor(name);
    const start = el?.selectionStart ?? content.length;
    const end = el?.selectionEnd ?? content.length;
    const next = content.slice(0, start) + token + content.slice(end);
    setContent(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  }

  function handleError(error: unknown): boolean {
    const data = appErrorOf(error);
    if (!data) return false;
    const field = data.details?.field;
    if (data.code === "DUPLICATE_NAME" || field === "name") return (setErrors({ name: data.message }), true);
    if (data.code === "SUBJECT_REQUIRED" || field === "subject") return (setErrors({ subject: data.message }), true);
    if (data.code === "TEMPLATE_VARIABLE_UNKNOWN" || data.code === "CONTENT_INVALID" || field === "content") {
      return (setErrors({ content: data.message }), true);
    }
    return false;
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return setErrors({ name: "Enter a name." });
    if (!content.trim()) return setErrors({ content: "Write the template." });
    setErrors({});
    onSaving(true);
    const args = {
      name,
      channel: channel === "any" ? null : channel,
      content,
      ...(withSubject && subject.trim() ? { subject } : {}),
    };
    const result = template
      ? await update({ templateId: template._id, ...args }, { handleError })
      : await create(args, { handleError });
    onSaving(false);
    if (result.ok) {
      toast.success(template ? "Template saved" : "Template created");
      onDone();
    }
  }

  return (
    <form id={formId} onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4">
      <Input label="Name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} autoComplete="off" data-autofocus />
      <Select label="Channel" value={channel} onChange={(e) => setChannel(e.target.value as Channel | "any")}>
        <option value="any">Any channel</option>
        {CHANNELS.map((c) => (
          <option key={c} value={c}>
            {CHANNEL_NAMES[c]}
          </option>
        ))}
      </Select>
      {withSubject ? (
        <Input
          label={channel === "email" ? "Email subject" : "Email subject (used when sent as an email)"}
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
          error={errors.subject}
          autoComplete="off"
        />
      ) : null}
      <Textarea
        ref={contentRef}
        label="Text"
        rows={6}
        value={content}
        onChange={(e) => setContent(e.target.value)}
        error={errors.content}
        hint="Merge fields look like {{firstName}}; add a fallback for an empty value: {{firstName|there}}. {{var.name}} is a value given with the send (REST API)."
      />
      <Select label="Insert a merge field" value="" onChange={(e) => insertField(e.target.value)}>
        <option value="">Choose a field…</option>
        {fields.map((f) => (
          <option key={f.name} value={f.name}>
            {f.label} — {tokenFor(f.name)}
          </option>
        ))}
      </Select>
    </form>
  );
}
