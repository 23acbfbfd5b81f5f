"use client";

import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { api } from "@/convex/_generated/api";
import { appErrorOf, errorDetail } from "@/lib/app-error";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, FormDialogFooter } from "@/components/ui/dialog";
import { Input, Select } from "@/components/ui/field";
import { AlertIcon } from "@/components/ui/icons";

const DAY_MS = 86_400_000;
const EXPIRY_CHOICES = [
  { value: "never", label: "Never (until revoked)" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
] as const;

/**
 * Name a new key, then show it once: the full key with a copy button and a warning that it
 * will not be shown again. Closing the dialog forgets it, so Escape, × or a click outside
 * before the key was copied asks first ("Done" is a deliberate choice and closes).
 */
export function CreateApiKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [askingToClose, setAskingToClose] = useState(false);
  const [saving, setSaving] = useState(false);
  const formId = useId();
  const close = () => {
    setCreated(null);
    setCopied(false);
    setAskingToClose(false);
    onClose();
  };
  const dismiss = () => {
    if (created && !copied) setAskingToClose(true);
    else close();
  };

  return (
    <Dialog
      open={open}
      onClose={dismiss}
      title={created ? "Copy your new API key" : "Create an API key"}
      description={created ? undefined : "Name it after where it will be used, e.g. “Shop website”."}
      dismissible={!saving}
      footer={
        created ? (
          <Button variant="primary" onClick={close}>
            Done
          </Button>
        ) : (
          <FormDialogFooter formId={formId} busy={saving} onCancel={close}>
            Create key
          </FormDialogFooter>
        )
      }
    >
      {created ? (
        <>
          {askingToClose ? <CloseWithoutCopying onStay={() => setAskingToClose(false)} onClose={close} /> : null}
          <NewKey apiKey={created.key} name={created.name} onCopied={() => setCopied(true)} />
        </>
      ) : (
        <CreateForm formId={formId} onSaving={setSaving} onCreated={setCreated} />
      )}
    </Dialog>
  );
}

function CreateForm({
  formId,
  onSaving,
  onCreated,
}: {
  formId: string;
  onSaving: (saving: boolean) => void;
  onCreated: (created: { key: string; name: string }) => void;
}) {
  const [error, setError] = useState<string | undefined>();
  const nameRef = useRef<HTMLInputElement>(null);
  const [create] = useMutationWithToast(api.apiKeys.create);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const expiry = String(form.get("expiry") ?? "never");
    if (!name) {
      setError("Enter a name.");
      nameRef.current?.focus();
      return;
    }
    setError(undefined);
    onSaving(true);
    try {
      const result = await create(
        { name, ...(expiry !== "never" ? { expiresAt: Date.now() + Number(expiry) * DAY_MS } : {}) },
        {
          handleError: (e) => {
            const data = appErrorOf(e);
            if (data?.code === "INVALID_ARGUMENT" && errorDetail(data, "field") === "name") {
              setError(data.message);
              nameRef.current?.focus();
              return true;
            }
            return false;
          },
        },
      );
      if (result.ok) onCreated({ key: result.value.key, name: result.value.apiKey.name });
    } finally {
      onSaving(false);
    }
  }

  return (
    <form id={formId} onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4">
      <Input ref={nameRef} label="Name" name="name" maxLength={100} required autoComplete="off" error={error} />
      <Select label="Expires" name="expiry" defaultValue="never">
        {EXPIRY_CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </Select>
    </form>
  );
}

/** "Did you copy it?": asked when the key dialog is dismissed before the key was copied. */
function CloseWithoutCopying({ onStay, onClose }: { onStay: () => void; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div ref={ref} tabIndex={-1} role="alert" className="mb-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900 outline-none">
      <p className="font-medium">Did you copy the key?</p>
      <p className="mt-1">You have not used the copy button. Once this closes, the key cannot be shown again.</p>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button size="sm" variant="primary" onClick={onStay}>
          Back to the key
        </Button>
        <Button size="sm" variant="danger" onClick={onClose}>
          Close without copying
        </Button>
      </div>
    </div>
  );
}

function NewKey({ apiKey, name, onCopied }: { apiKey: string; name: string; onCopied: () => void }) {
  const keyId = useId();
  return (
    <div className="space-y-4">
      <div role="alert" className="flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
        <AlertIcon className="mt-0.5 size-4 shrink-0" />
        <p>
          This is the only time the key is shown. Copy it now and store it somewhere safe, such as your server&rsquo;s
          environment variables. If you lose it, revoke it and create a new one.
        </p>
      </div>
      <div className="space-y-1.5">
        <label htmlFor={keyId} className="block text-sm font-medium text-slate-800">
          API key “{name}”
        </label>
        <div className="flex gap-2">
          <input
            id={keyId}
            readOnly
            value={apiKey}
            data-autofocus
            onFocus={(e) => e.currentTarget.select()}
            spellCheck={false}
            className="block h-10 min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-3 font-mono text-sm text-slate-900 focus:outline-2 focus:outline-indigo-600"
          />
          <CopyButton value={apiKey} label="Copy API key" size="md" onCopied={onCopied} />
        </div>
      </div>
      <p className="text-sm text-slate-600">
        Send it as <code className="rounded bg-slate-100 px-1 text-xs">Authorization: Bearer {apiKey.slice(0, 13)}…</code>
      </p>
    </div>
  );
}
