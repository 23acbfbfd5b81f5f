"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import { EMPTY_VALUE, formatDateTime, formatShortDate } from "@/lib/format";
import { usePhoneFormat } from "@/lib/use-phone-format";
import { useMediaQuery } from "@/lib/use-media-query";
import { Button, buttonClasses } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/field";
import { ChatIcon, PencilIcon, TrashIcon } from "@/components/ui/icons";
import { formatFieldValue } from "@/lib/customFields";
import { ChannelStatus } from "./channel-status";
import { ContactTags } from "./contact-tags";
import { ContactGroupsCell } from "./contact-groups-cell";

export function ContactsTable({
  contacts,
  selected,
  onToggle,
  onToggleAll,
  onEdit,
  onDelete,
  caption,
  columns = [],
}: {
  contacts: Doc<"contacts">[];
  /** Custom fields shown as columns (those marked "show in table"). */
  columns?: Doc<"customFields">[];
  selected: ReadonlyMap<Id<"contacts">, string>;
  onToggle: (contact: Doc<"contacts">, checked: boolean) => void;
  onToggleAll: (checked: boolean) => void;
  onEdit: (contact: Doc<"contacts">) => void;
  onDelete: (contact: Doc<"contacts">) => void;
  caption: string;
}) {
  const formatPhone = usePhoneFormat();
  // The groups column needs a query per row: only subscribe where the column shows (2xl).
  const showGroups = useMediaQuery("(min-width: 96rem)");
  const selectedHere = contacts.filter((c) => selected.has(c._id)).length;
  const allRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (allRef.current) allRef.current.indeterminate = selectedHere > 0 && selectedHere < contacts.length;
  }, [selectedHere, contacts.length]);

  return (
    // `relative` keeps the absolutely positioned sr-only labels inside the scroller, so they
    // do not widen the page.
    <div className="relative overflow-x-auto">
      <table className="w-full border-collapse text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium tracking-wide text-slate-600 uppercase">
          <tr>
            <th scope="col" className="w-10 py-3 pr-2 pl-4">
              <Checkbox
                ref={allRef}
                aria-label="Select all contacts shown"
                checked={contacts.length > 0 && selectedHere === contacts.length}
                onChange={(e) => onToggleAll(e.target.checked)}
              />
            </th>
            <th scope="col" className="px-2.5 py-3">Name</th>
            <th scope="col" className="hidden px-2.5 py-3 lg:table-cell">Phone</th>
            <th scope="col" className="hidden px-2.5 py-3 xl:table-cell">Email</th>
            <th scope="col" className="hidden px-2.5 py-3 lg:table-cell">Channels</th>
            <th scope="col" className="hidden px-2.5 py-3 md:table-cell">Tags</th>
            {columns.map((f) => (
              <th key={f._id} scope="col" className="hidden px-2.5 py-3 whitespace-nowrap xl:table-cell">
                {f.label}
              </th>
            ))}
            <th scope="col" className="hidden px-2.5 py-3 2xl:table-cell">Groups</th>
            <th scope="col" className="hidden px-2.5 py-3 whitespace-nowrap xl:table-cell">Last contact</th>
            <th scope="col" className="px-2.5 py-3 text-right">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {contacts.map((contact) => {
            const phone = contact.phone ? formatPhone(contact.phone) : null;
            return (
              <tr key={contact._id} className={selected.has(contact._id) ? "bg-indigo-50/60" : "hover:bg-slate-50"}>
                <td className="py-3 pr-2 pl-4 align-top">
                  <Checkbox
                    aria-label={`Select ${contact.name}`}
                    checked={selected.has(contact._id)}
                    onChange={(e) => onToggle(contact, e.target.checked)}
                  />
                </td>
                <th scope="row" className="px-2.5 py-3 align-top font-medium text-slate-900">
                  <span dir="auto" className="block max-w-[9rem] truncate text-start sm:max-w-[11rem] xl:max-w-[14rem]" title={contact.name}>{contact.name}</span>
                  {/* Narrower screens: what the hidden columns hold, under the name. */}
                  <span className="block max-w-[9rem] truncate font-normal text-slate-600 sm:max-w-[11rem] lg:hidden">{phone ?? contact.email}</span>
                  {phone && contact.email ? (
                    <span className="hidden truncate font-normal text-slate-600 lg:block xl:hidden">{contact.email}</span>
                  ) : null}
                  <span className="mt-1 block lg:hidden">
                    <ChannelStatus contact={contact} />
                  </span>
                </th>
                <td className="hidden px-2.5 py-3 align-top whitespace-nowrap text-slate-700 lg:table-cell">{phone ?? <Dash />}</td>
                <td className="hidden px-2.5 py-3 align-top text-slate-700 xl:table-cell">
                  {contact.email ? <span className="block max-w-[13rem] truncate" title={contact.email}>{contact.email}</span> : <Dash />}
                </td>
                <td className="hidden px-2.5 py-3 align-top lg:table-cell">
                  <ChannelStatus contact={contact} />
                </td>
                <td className="hidden px-2.5 py-3 align-top md:table-cell">
                  <ContactTags tags={contact.tags} />
                </td>
                {columns.map((f) => {
                  const value = contact.fields?.[f.key];
                  return (
                    <td key={f._id} className="hidden max-w-[12rem] truncate px-2.5 py-3 align-top text-slate-700 xl:table-cell">
                      {value === undefined ? <Dash /> : formatFieldValue(f, value)}
                    </td>
                  );
                })}
                <td className="hidden px-2.5 py-3 align-top 2xl:table-cell">
                  {showGroups ? <ContactGroupsCell contactId={contact._id} /> : null}
                </td>
                <td className="hidden px-2.5 py-3 align-top whitespace-nowrap text-slate-700 xl:table-cell">
                  {contact.lastMessageAt ? (
                    <time dateTime={new Date(contact.lastMessageAt).toISOString()} title={formatDateTime(contact.lastMessageAt)}>
                      {formatShortDate(contact.lastMessageAt)}
                    </time>
                  ) : (
                    <Dash />
                  )}
                </td>
                <td className="px-2.5 py-2 align-top">
                  <div className="flex justify-end gap-0.5 lg:gap-1">
                    <Link
                      href={`/inbox?contact=${contact._id}`}
                      className={buttonClasses({ variant: "ghost", size: "sm" })}
                      title="Open conversation"
                    >
                      <ChatIcon className="size-4" />
                      <span className="sr-only">Open conversation with {contact.name}</span>
                    </Link>
                    {/* Icons only below 1024px; the accessible names stay "Edit <name>" / "Delete <name>". */}
                    <Button size="sm" variant="ghost" onClick={() => onEdit(contact)} title="Edit">
                      <PencilIcon className="size-4 lg:hidden" />
                      <span className="sr-only lg:not-sr-only">Edit</span>
                      <span className="sr-only"> {contact.name}</span>
                    </Button>
                    <Button size="sm" variant="danger-ghost" onClick={() => onDelete(contact)} title="Delete">
                      <TrashIcon className="size-4 lg:hidden" />
                      <span className="sr-only lg:not-sr-only">Delete</span>
                      <span className="sr-only"> {contact.name}</span>
                    </Button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Dash() {
  return (
    <span className="text-slate-500">
      <span aria-hidden="true">{EMPTY_VALUE}</span>
      <span className="sr-only">none</span>
    </span>
  );
}
