"use client";

import { useQuery } from "convex/react";
import { api } from "@/convex/_generated/api";
import type { Id } from "@/convex/_generated/dataModel";
import { ErrorBoundary } from "@/components/ui/error-boundary";
import { usePhoneFormat } from "@/lib/use-phone-format";

function Address({ to }: { to: string | undefined }) {
  const formatPhone = usePhoneFormat(to?.startsWith("+") ?? false);
  if (!to) return <>Unknown recipient</>;
  return <>{to.startsWith("+") ? formatPhone(to) : to}</>;
}

/**
 * A message's recipient by name. Messages carry only the contact's id and address: one small
 * subscription per row (there is no batched "contacts of these messages" query).
 */
export function ContactName({ contactId, to }: { contactId: Id<"contacts">; to?: string }) {
  return (
    <ErrorBoundary fallback={() => <Address to={to} />}>
      <Name contactId={contactId} to={to} />
    </ErrorBoundary>
  );
}

function Name({ contactId, to }: { contactId: Id<"contacts">; to?: string }) {
  const contact = useQuery(api.contacts.get, { contactId });
  return contact ? <bdi>{contact.name}</bdi> : <Address to={to} />;
}
