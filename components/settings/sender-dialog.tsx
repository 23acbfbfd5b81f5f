"use client";

import { useAction } from "convex/react";
import { useId, useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc } from "@/convex/_generated/dataModel";
import { CHANNELS, type Channel } from "@/convex/schema";
import { appErrorOf, errorDetail } from "@/lib/app-error";
import { CHANNEL_NAMES } from "@/lib/channelAvailability";
import { usePhoneFormat } from "@/lib/use-phone-format";
import { toastError, useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Dialog, FormDialogFooter } from "@/components/ui/dialog";
import { Input, Select } from "@/components/ui/field";
import { PROVIDER_NAMES } from "./provider-badge";

type Field = "address" | "label" | "messagingServiceSid" | "ratePerSecond";
type Errors = Partial<Record<Field, string>>;

/** Add a sender identity (`sender` null) or change its label, Messaging Service and rate. */
export function SenderDialog({
  open,
  sender,
  initialChannel,
  configured,
  onClose,
}: {
  open: boolean;
  sender: Doc<"senders"> | null;
  initialChannel?: Channel;
  configured: { twilio: boolean; resend: boolean };
  onClose: () => void;
}) {
  const [saving, setSaving] = useState(false);
  const formId = useId();
  return (
    <Dialog
      open={open}
      confirmDiscard
      onClose={onClose}
      title={sender ? "Edit sender" : "Add a sender"}
      description={sender ? undefined : "A number or address your messages are sent from."}
      dismissible={!saving}
      footer={
        <FormDialogFooter formId={formId} busy={saving} onCancel={onClose}>
          {sender ? "Save" : "Add sender"}
        </FormDialogFooter>
      }
    >
      <SenderForm
        key={sender?._id ?? `new-${initialChannel ?? ""}`}
        formId={formId}
        sender={sender}
        initialChannel={initialChannel ?? "sms"}
        configured={configured}
        onSaving={setSaving}
        onDone={onClose}
      />
    </Dialog>
  );
}

function SenderForm({
  formId,
  sender,
  initialChannel,
  configured,
  onSaving,
  onDone,
}: {
  formId: string;
  sender: Doc<"senders"> | null;
  initialChannel: Channel;
  configured: { twilio: boolean; resend: boolean };
  onSaving: (saving: boolean) => void;
  onDone: () => void;
}) {
  const formatPhone = usePhoneFormat();
  const [channel, setChannel] = useState<Channel>(sender?.channel ?? initialChannel);
  const [errors, setErrors] = useState<Errors>({});
  const addressRef = useRef<HTMLInputElement>(null);
  const labelRef = useRef<HTMLInputElement>(null);
  const sidRef = useRef<HTMLInputElement>(null);
  const rateRef = useRef<HTMLInputElement>(null);
  const [createUnchecked] = useMutationWithToast(api.senders.create);
  const [updateUnchecked] = useMutationWithToast(api.senders.update);
  // With Twilio credentials set, Twilio numbers and Messaging Services are checked with Twilio (an action).
  const createChecked = useAction(api.twilioSenders.create);
  const updateChecked = useAction(api.twilioSenders.update);

  const provider = sender?.provider ?? (channel === "email" ? (configured.resend ? "resend" : "simulator") : configured.twilio ? "twilio" : "simulator");
  const isEmail = channel === "email";
  const checkWithTwilio = provider === "twilio" && configured.twilio;

  async function checked<T>(run: () => Promise<T>, handleError: (error: unknown) => boolean): Promise<{ ok: boolean }> {
    try {
      await run();
      return { ok: true };
    } catch (error) {
      if (!handleError(error)) toastError(error);
      return { ok: false };
    }
  }
  type CreateArgs = Parameters<typeof createChecked>[0];
  type UpdateArgs = Parameters<typeof updateChecked>[0];
  const create = (args: CreateArgs, options: { handleError: (error: unknown) => boolean }) =>
    checkWithTwilio ? checked(() => createChecked(args), options.handleError) : createUnchecked(args, options);
  const update = (args: UpdateArgs, options: { handleError: (error: unknown) => boolean }) =>
    checkWithTwilio && typeof args.messagingServiceSid === "string"
      ? checked(() => updateChecked(args), options.handleError)
      : updateUnchecked(args, options);

  function show(found: Errors) {
    setErrors(found);
    const first = (["address", "label", "messagingServiceSid", "ratePerSecond"] as const).find((f) => found[f]);
    const refs = { address: addressRef, label: labelRef, messagingServiceSid: sidRef, ratePerSecond: rateRef };
    if (first) requestAnimationFrame(() => refs[first].current?.focus());
  }

  function fieldError(error: unknown): boolean {
    const data = appErrorOf(error);
    if (!data) return false;
    const field = errorDetail(data, "field");
    if (data.code === "DUPLICATE_SENDER" && field === "messagingServiceSid") {
      show({ messagingServiceSid: data.message });
      return true;
    }
    if (data.code === "INVALID_PHONE" || data.code === "INVALID_EMAIL" || data.code === "DUPLICATE_SENDER") {
      show({ address: data.message });
      return true;
    }
    if (data.code === "INVALID_ARGUMENT" && field === "address") {
      show({ address: data.message });
      return true;
    }
    if (data.code === "INVALID_ARGUMENT" && (field === "messagingServiceSid" || field === "ratePerSecond")) {
      show({ [field]: data.message });
      return true;
    }
    return false;
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const address = String(form.get("address") ?? "").trim();
    const label = String(form.get("label") ?? "").trim();
    const sid = String(form.get("messagingServiceSid") ?? "").trim();
    const rateText = String(form.get("ratePerSecond") ?? "").trim();
    const rate = rateText === "" ? undefined : Number(rateText);
    if (!sender && !address) return show({ address: isEmail ? "Enter the from-address." : "Enter the phone number." });
    if (rate !== undefined && !(rate >= 0.1 && rate <= 1000)) return show({ ratePerSecond: "Enter a rate between 0.1 and 1000 per second." });
    setErrors({});
    onSaving(true);
    try {
      if (!sender) {
        const result = await create(
          {
            channel,
            address,
            ...(label ? { label } : {}),
            ...(!isEmail && sid ? { messagingServiceSid: sid } : {}),
            ...(rate !== undefined ? { ratePerSecond: rate } : {}),
          },
          { handleError: fieldError },
        );
        if (!result.ok) return;
        toast.success(`Added ${CHANNEL_NAMES[channel]} sender ${isEmail ? address : formatPhone(address) || address}`);
        onDone();
        return;
      }
      const changes: { label?: string; messagingServiceSid?: string | null; ratePerSecond?: number } = {};
      if (label !== (sender.label ?? "")) changes.label = label;
      if (!isEmail && sid !== (sender.messagingServiceSid ?? "")) changes.messagingServiceSid = sid || null;
      if (rate !== undefined && rate !== sender.ratePerSecond) changes.ratePerSecond = rate;
      if (Object.keys(changes).length > 0) {
        const result = await update({ senderId: sender._id, ...changes }, { handleError: fieldError });
        if (!result.ok) return;
        toast.success("Sender saved");
      }
      onDone();
    } finally {
      onSaving(false);
    }
  }

  return (
    <form id={formId} onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-4">
      {sender ? (
        <p className="text-sm text-slate-700">
          {CHANNEL_NAMES[sender.channel]} · <span className="font-medium text-slate-900">{isEmail ? sender.address : formatPhone(sender.address)}</span>
        </p>
      ) : (
        <Select label="Channel" name="channel" value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {CHANNEL_NAMES[c]}
            </option>
          ))}
        </Select>
      )}
      {sender ? null : (
        <Input
          ref={addressRef}
          key={isEmail ? "email" : "phone"}
          label={isEmail ? "From address" : channel === "whatsapp" ? "WhatsApp number" : "Phone number"}
          name="address"
          type={isEmail ? "email" : "tel"}
          inputMode={isEmail ? "email" : "tel"}
          autoComplete="off"
          required
          placeholder={isEmail ? "hello@yourshop.com" : "+1 415 555 0123"}
          hint={
            isEmail
              ? "An address on a domain verified in Resend."
              : channel === "whatsapp"
                ? "The number registered as a WhatsApp sender in Twilio, in international format."
                : "A Twilio number that can send SMS, in international format."
          }
          error={errors.address}
        />
      )}
      <p className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700">
        Sends through <span className="font-medium text-slate-900">{PROVIDER_NAMES[provider]}</span>
        {provider === "simulator" ? ": nothing leaves the app, deliveries are simulated." : "."}
      </p>
      <Input ref={labelRef} label="Label" name="label" defaultValue={sender?.label ?? ""} maxLength={100} autoComplete="off" hint="Optional, e.g. “Main shop line”." error={errors.label} />
      {isEmail ? null : (
        <Input
          ref={sidRef}
          label="Messaging Service SID"
          name="messagingServiceSid"
          defaultValue={sender?.messagingServiceSid ?? ""}
          autoComplete="off"
          spellCheck={false}
          placeholder="MG…"
          hint="Optional: send from a Twilio Messaging Service's number pool."
          error={errors.messagingServiceSid}
        />
      )}
      <Input
        ref={rateRef}
        label="Messages per second"
        name="ratePerSecond"
        type="number"
        inputMode="decimal"
        min={0.1}
        max={1000}
        step="any"
        defaultValue={sender?.ratePerSecond ?? ""}
        hint={sender ? "Broadcasts are paced to this rate." : "Optional: leave empty for the provider's usual limit. Broadcasts are paced to it."}
        error={errors.ratePerSecond}
      />
    </form>
  );
}
