"use client";

import { useQuery } from "convex/react";
import { useId, useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import { describeError } from "@/lib/errors";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Button } from "@/components/ui/button";
import { FormError, Select } from "@/components/ui/field";

/**
 * When a contact's 24-hour WhatsApp window is closed, free text is not allowed: offer the
 * account's approved WhatsApp templates instead, previewed for this contact, sent with Twilio's
 * ContentSid and ContentVariables.
 */
export function WhatsAppTemplateSend({ contact, onSending }: { contact: Doc<"contacts">; onSending?: () => void }) {
  const templates = useQuery(api.whatsappTemplates.list, { approvedOnly: true });
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<Id<"whatsappTemplates"> | "">("");
  const [error, setError] = useState<string | null>(null);
  const [send, sending] = useMutationWithToast(api.messages.send);
  const id = useId();
  const templateId = chosen || templates?.[0]?._id;
  const preview = useQuery(
    api.templates.preview,
    open && templateId ? { contactId: contact._id, channel: "whatsapp", content: "", whatsappTemplateId: templateId } : "skip",
  );
  if (templates === undefined || templates.length === 0) return null;

  if (!open) {
    return (
      <Button size="sm" onClick={() => setOpen(true)}>
        Send a WhatsApp template
      </Button>
    );
  }
  const problem = preview?.preview.problem;
  return (
    <section aria-labelledby={`${id}-title`} className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50/50 p-3">
      <h3 id={`${id}-title`} className="text-sm font-medium text-slate-900">
        WhatsApp template (allowed outside the 24-hour window)
      </h3>
      <Select label="Approved template" value={templateId} onChange={(e) => setChosen(e.target.value as Id<"whatsappTemplates">)}>
        {templates.map((t) => (
          <option key={t._id} value={t._id}>
            {t.name} ({t.language})
          </option>
        ))}
      </Select>
      {preview ? (
        <p className="rounded bg-white px-3 py-2 text-sm whitespace-pre-wrap text-slate-900" data-testid="whatsapp-template-preview">
          {preview.preview.content}
        </p>
      ) : null}
      {problem ? <FormError>{problem.message}</FormError> : null}
      {error ? <FormError>{error}</FormError> : null}
      <div className="flex gap-2">
        <Button
          variant="primary"
          size="sm"
          loading={sending}
          disabled={!templateId || Boolean(problem)}
          onClick={() => {
            if (!templateId) return;
            setError(null);
            onSending?.();
            void send(
              { contactId: contact._id, channel: "whatsapp", content: "", whatsappTemplateId: templateId },
              {
                handleError: (e) => {
                  setError(describeError(e));
                  return true;
                },
              },
            ).then((r) => {
              if (r.ok) {
                toast.success("WhatsApp template sent");
                setOpen(false);
              }
            });
          }}
        >
          Send template
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </section>
  );
}
