"use client";

import { useQuery } from "convex/react";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import type { Channel } from "@/convex/schema";
import { appErrorOf, errorDetail } from "@/lib/app-error";
import { ERROR_CODES } from "@/lib/errors";
import { usePhoneFormat } from "@/lib/use-phone-format";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Dialog, FormDialogFooter } from "@/components/ui/dialog";
import { ErrorBoundary } from "@/components/ui/error-boundary";
import { Checkbox, FormError, Input } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";
import { CustomFieldInputs, readFieldInputs, readTags, TagsInput, type FieldErrors } from "./contact-extra-fields";

/** What the dialog edits: nothing (a new contact), a loaded contact, or one to load by id. */
export type ContactDialogTarget = { kind: "new" } | { kind: "edit"; contact: Doc<"contacts"> } | { kind: "open"; contactId: Id<"contacts"> };

type Field = "name" | "phone" | "email";
type Duplicate = { contactId: Id<"contacts">; contactName: string };
type Errors = Partial<Record<Field, string>> & {
  form?: string;
  duplicate?: Duplicate & { field: Field };
  tags?: string;
  fields?: FieldErrors;
};

const CHANNEL_LABELS: Record<Channel, string> = { sms: "SMS", whatsapp: "WhatsApp", email: "Email" };

/**
 * Create or edit a contact. Field errors from the backend land on their field; a duplicate
 * phone or email links to the contact that has it.
 */
export function ContactDialog({
  target,
  onClose,
  onOpenContact,
}: {
  target: ContactDialogTarget | null;
  onClose: () => void;
  /** Switch the dialog to another (existing) contact. */
  onOpenContact: (contactId: Id<"contacts">) => void;
}) {
  const [saving, setSaving] = useState(false);
  const formId = useId();
  const editing = target !== null && target.kind !== "new";

  return (
    <Dialog
      open={target !== null}
      confirmDiscard
      onClose={onClose}
      title={editing ? "Edit contact" : "New contact"}
      description={editing ? undefined : "A contact needs a phone number or an email address."}
      dismissible={!saving}
      footer={
        <FormDialogFooter formId={formId} busy={saving} onCancel={onClose}>
          Save
        </FormDialogFooter>
      }
    >
      {target?.kind === "open" ? (
        <ErrorBoundary fallback={(error) => <FormError>{appErrorOf(error)?.code === "NOT_FOUND" ? "That contact no longer exists." : "This contact could not be loaded."}</FormError>}>
          <LoadContact key={target.contactId} contactId={target.contactId} formId={formId} onSaving={setSaving} onDone={onClose} onOpenContact={onOpenContact} />
        </ErrorBoundary>
      ) : target ? (
        <ContactForm
          key={target.kind === "edit" ? target.contact._id : "new"}
          contact={target.kind === "edit" ? target.contact : null}
          formId={formId}
          onSaving={setSaving}
          onDone={onClose}
          onOpenContact={onOpenContact}
        />
      ) : null}
    </Dialog>
  );
}

type FormProps = {
  formId: string;
  onSaving: (saving: boolean) => void;
  onDone: () => void;
  onOpenContact: (contactId: Id<"contacts">) => void;
};

function LoadContact({ contactId, ...props }: FormProps & { contactId: Id<"contacts"> }) {
  const contact = useQuery(api.contacts.get, { contactId });
  if (contact === undefined) {
    return (
      <div role="status" className="space-y-4">
        <span className="sr-only">Loading contact…</span>
        <Skeleton className="h-10 w-full" />
        <Skeleton className="h-10 w-full" />
        <Skeleton className="h-10 w-full" />
      </div>
    );
  }
  return <ContactForm contact={contact} {...props} />;
}

function ContactForm({ contact, formId, onSaving, onDone, onOpenContact }: FormProps & { contact: Doc<"contacts"> | null }) {
  const formatPhone = usePhoneFormat();
  const initial = {
    name: contact?.name ?? "",
    phone: contact?.phone ? formatPhone(contact.phone) : "",
    email: contact?.email ?? "",
  };
  const [errors, setErrors] = useState<Errors>({});
  const [optedOut, setOptedOut] = useState(contact?.optedOut ?? { sms: false, whatsapp: false, email: false });
  const nameRef = useRef<HTMLInputElement>(null);
  const phoneRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const formErrorRef = useRef<HTMLDivElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const [create] = useMutationWithToast(api.contacts.create);
  const [update] = useMutationWithToast(api.contacts.update);
  const [setOptOut] = useMutationWithToast(api.contacts.setOptOut);
  const fieldDefs = useQuery(api.customFields.list);
  const knownTags = useQuery(api.tags.list);

  // When the dialog switches to another contact (a duplicate's "Open" link), the focused
  // button goes away: start again at the first field.
  useEffect(() => {
    const form = formRef.current;
    const dialog = form?.closest("dialog");
    if (dialog?.open && !form?.contains(document.activeElement)) nameRef.current?.focus();
  }, []);

  function show(found: Errors) {
    setErrors(found);
    requestAnimationFrame(() => {
      if (found.name) nameRef.current?.focus();
      else if (found.phone) phoneRef.current?.focus();
      else if (found.email) emailRef.current?.focus();
      else formErrorRef.current?.focus();
    });
  }

  /** Put backend errors on their field; anything else is left to the toast. */
  function fieldError(error: unknown): boolean {
    const data = appErrorOf(error);
    if (!data) return false;
    switch (data.code) {
      case "DUPLICATE_CONTACT": {
        const field = errorDetail(data, "field") === "email" ? "email" : "phone";
        const contactId = errorDetail(data, "contactId") as Id<"contacts"> | undefined;
        const contactName = errorDetail(data, "contactName") ?? "another contact";
        show({ [field]: data.message, duplicate: contactId ? { field, contactId, contactName } : undefined });
        return true;
      }
      case "INVALID_PHONE":
        show({ phone: data.message });
        return true;
      case "INVALID_EMAIL":
        show({ email: data.message });
        return true;
      case "ADDRESS_REQUIRED":
        show({ form: data.message });
        return true;
      case "INVALID_FIELD_VALUE": {
        const key = errorDetail(data, "field");
        show(key ? { fields: { [String(key)]: data.message } } : { form: data.message });
        return true;
      }
      case "LIMIT_EXCEEDED":
        if (errorDetail(data, "field") !== "tags") return false;
        show({ tags: data.message });
        return true;
      case "INVALID_ARGUMENT":
        if (errorDetail(data, "field") === "name") {
          show({ name: data.message });
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const values = {
      name: String(form.get("name") ?? "").trim(),
      phone: String(form.get("phone") ?? "").trim(),
      email: String(form.get("email") ?? "").trim(),
    };
    if (!values.name) return show({ name: "Enter a name." });
    if (!values.phone && !values.email) return show({ form: ERROR_CODES.ADDRESS_REQUIRED });
    const tags = readTags(form, contact?.tags ?? []);
    const fieldInput = fieldDefs ? readFieldInputs(form, fieldDefs, contact?.fields) : { changes: {}, errors: {} };
    if (Object.keys(fieldInput.errors).length > 0) return show({ fields: fieldInput.errors });
    const fields = fieldInput.changes;
    const hasFieldChanges = Object.keys(fields).length > 0;
    setErrors({});

    onSaving(true);
    try {
      if (!contact) {
        const result = await create(
          {
            name: values.name,
            ...(values.phone ? { phone: values.phone } : {}),
            ...(values.email ? { email: values.email } : {}),
            ...(tags?.length ? { tags } : {}),
            ...(hasFieldChanges ? { fields } : {}),
          },
          { handleError: fieldError },
        );
        if (!result.ok) return;
        toast.success(`Added ${values.name}`);
        onDone();
        return;
      }

      // Send only what changed: the audit log records which fields were edited.
      const changes: { name?: string; phone?: string | null; email?: string | null; tags?: string[]; fields?: typeof fields } = {};
      if (values.name !== initial.name) changes.name = values.name;
      if (values.phone !== initial.phone) changes.phone = values.phone || null;
      if (values.email !== initial.email) changes.email = values.email || null;
      if (tags !== null) changes.tags = tags;
      if (hasFieldChanges) changes.fields = fields;
      if (Object.keys(changes).length > 0) {
        const result = await update({ contactId: contact._id, ...changes }, { handleError: fieldError });
        if (!result.ok) return;
      }
      for (const channel of Object.keys(CHANNEL_LABELS) as Channel[]) {
        if (optedOut[channel] !== contact.optedOut[channel]) {
          const result = await setOptOut({ contactId: contact._id, channel, optedOut: optedOut[channel] });
          if (!result.ok) return;
        }
      }
      toast.success(`Saved ${values.name}`);
      onDone();
    } finally {
      onSaving(false);
    }
  }

  const duplicate = errors.duplicate;
  const duplicateLink = (field: Field) =>
    duplicate && duplicate.field === field ? (
      <>
        {" "}
        <button
          type="button"
          className="font-medium text-red-800 underline underline-offset-2"
          onClick={() => onOpenContact(duplicate.contactId)}
        >
          Open {duplicate.contactName}
        </button>
      </>
    ) : null;

  return (
    <form ref={formRef} id={formId} onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4">
      {errors.form ? (
        <div ref={formErrorRef} tabIndex={-1} className="outline-none">
          <FormError>{errors.form}</FormError>
        </div>
      ) : null}
      <Input ref={nameRef} label="Name" name="name" defaultValue={initial.name} autoComplete="off" maxLength={200} required error={errors.name} />
      <Input
        ref={phoneRef}
        label="Phone"
        name="phone"
        type="tel"
        defaultValue={initial.phone}
        autoComplete="off"
        inputMode="tel"
        hint="International format, e.g. +1 415 555 0123. Numbers without a country code use your account's region."
        error={
          errors.phone ? (
            <>
              {errors.phone}
              {duplicateLink("phone")}
            </>
          ) : undefined
        }
      />
      <Input
        ref={emailRef}
        label="Email"
        name="email"
        type="email"
        defaultValue={initial.email}
        autoComplete="off"
        inputMode="email"
        error={
          errors.email ? (
            <>
              {errors.email}
              {duplicateLink("email")}
            </>
          ) : undefined
        }
      />
      <TagsInput tags={contact?.tags ?? []} known={knownTags?.map((t) => t.name)} error={errors.tags} />
      {fieldDefs === undefined ? (
        <Skeleton className="h-10 w-full" />
      ) : (
        <CustomFieldInputs defs={fieldDefs} values={contact?.fields} errors={errors.fields ?? {}} />
      )}
      {contact ? (
        <fieldset className="rounded-md border border-slate-200 p-3">
          <legend className="px-1 text-sm font-medium text-slate-800">Opted out of</legend>
          <p className="mb-2 text-xs text-slate-600">Opted-out channels get no messages from you, e.g. after a request by phone.</p>
          <div className="flex flex-wrap gap-4">
            {(Object.keys(CHANNEL_LABELS) as Channel[]).map((channel) => (
              <label key={channel} className="flex items-center gap-2 text-sm text-slate-800">
                <Checkbox checked={optedOut[channel]} onChange={(e) => setOptedOut((o) => ({ ...o, [channel]: e.target.checked }))} />
                {CHANNEL_LABELS[channel]}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}
    </form>
  );
}
