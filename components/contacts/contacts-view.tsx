"use client";

import { useQuery } from "convex/react";
import { lazy, Suspense, useState } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import { formatCount } from "@/lib/format";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DialogLoading } from "@/components/ui/lazy-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { SearchInput, Select } from "@/components/ui/field";
import { ContactsIcon, PlusIcon, SearchIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { SkeletonRows } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { ContactDialog, type ContactDialogTarget } from "./contact-dialog";
import { ContactsTable } from "./contacts-table";
import { ImportDialog } from "./import-dialog";
import { useExportDownload } from "@/lib/use-export-download";
import { useLatch } from "@/lib/use-latch";
import { CONTACTS_PAGE_SIZE, CONTACT_SEARCH_LIMIT, useContactRows, type ContactFilter } from "./use-contact-rows";

// Dialogs only some visits open load on demand (React.lazy, not next/dynamic, whose loader would
// join every route's first load): the messages export when first opened, the bulk actions once
// contacts are selected. Each stays mounted after, so it opens and closes like any dialog.
const ExportMessagesDialog = lazy(() => import("./export-messages-dialog").then((m) => ({ default: m.ExportMessagesDialog })));
const TagContactsDialog = lazy(() => import("./tag-contacts-dialog").then((m) => ({ default: m.TagContactsDialog })));
const AddToGroupDialog = lazy(() => import("@/components/groups/add-to-group-dialog").then((m) => ({ default: m.AddToGroupDialog })));

export function ContactsView() {
  const [search, setSearch] = useState("");
  const [filter, setFilter] = useState<ContactFilter>({ kind: "all" });
  const { mode, rows, stale, capped, list } = useContactRows(search, filter);
  const tags = useQuery(api.tags.list);
  const segments = useQuery(api.segments.list);
  const [dialog, setDialog] = useState<ContactDialogTarget | null>(null);
  const [deleting, setDeleting] = useState<Doc<"contacts"> | null>(null);
  // Selected contacts, by id, with their names (they may scroll out of a search).
  const [selected, setSelected] = useState<ReadonlyMap<Id<"contacts">, string>>(new Map());
  const [addingToGroup, setAddingToGroup] = useState(false);
  const [tagging, setTagging] = useState<"add" | "remove" | null>(null);
  const fieldDefs = useQuery(api.customFields.list);
  const [importing, setImporting] = useState(false);
  const [exportingMessages, setExportingMessages] = useState(false);
  const contactsExport = useExportDownload();
  const [remove] = useMutationWithToast(api.contacts.remove);
  const exportDialogWanted = useLatch(exportingMessages);
  const bulkDialogsWanted = useLatch(selected.size > 0);

  function toggle(contact: Doc<"contacts">, checked: boolean) {
    setSelected((prev) => {
      const next = new Map(prev);
      if (checked) next.set(contact._id, contact.name);
      else next.delete(contact._id);
      return next;
    });
  }

  function toggleAll(checked: boolean) {
    if (!rows) return;
    setSelected((prev) => {
      const next = new Map(prev);
      for (const c of rows) {
        if (checked) next.set(c._id, c.name);
        else next.delete(c._id);
      }
      return next;
    });
  }

  async function confirmDelete(contact: Doc<"contacts">) {
    const result = await remove({ contactId: contact._id });
    if (!result.ok) throw result.error;
    const { memberships, notes } = result.value;
    const parts = [];
    if (memberships > 0) parts.push(`removed from ${formatCount(memberships, "group")}`);
    if (notes > 0) parts.push(`${formatCount(notes, "note")} deleted`);
    toast.success(`Deleted ${contact.name}`, { description: parts.length ? `${parts.join(", ")}.` : undefined });
    setSelected((prev) => {
      if (!prev.has(contact._id)) return prev;
      const next = new Map(prev);
      next.delete(contact._id);
      return next;
    });
  }

  const newContactButton = (
    <Button variant="primary" onClick={() => setDialog({ kind: "new" })}>
      <PlusIcon className="size-4" />
      New contact
    </Button>
  );
  const headerActions = (
    <>
      <Button onClick={() => setImporting(true)}>Import CSV</Button>
      <Button loading={contactsExport.busy} onClick={() => void contactsExport.start({ kind: "contacts" })}>
        Export contacts
      </Button>
      <Button onClick={() => setExportingMessages(true)}>Export messages</Button>
      {newContactButton}
    </>
  );

  return (
    <>
      <PageHeader title="Contacts" description="Everyone you talk to, with their channels and groups." actions={headerActions} />

      <Card>
        <div className="flex flex-wrap items-center gap-3 border-b border-slate-200 p-4">
          <SearchInput
            label="Search contacts"
            hideLabel
            placeholder="Search by name, phone or email"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            className="min-w-0 flex-1 basis-64"
          />
          <Select
            label="Show"
            hideLabel
            className="w-52"
            value={filter.kind === "all" ? "" : filter.kind === "tag" ? `tag:${filter.tag}` : `segment:${filter.segmentId}`}
            onChange={(e) => {
              const v = e.target.value;
              setFilter(v.startsWith("tag:") ? { kind: "tag", tag: v.slice(4) } : v.startsWith("segment:") ? { kind: "segment", segmentId: v.slice(8) as Id<"segments"> } : { kind: "all" });
            }}
          >
            <option value="">All contacts</option>
            {tags?.length ? (
              <optgroup label="Tagged">
                {tags.map((t) => (
                  <option key={t._id} value={`tag:${t.name}`}>
                    {t.name} ({t.count.toLocaleString("en-US")})
                  </option>
                ))}
              </optgroup>
            ) : null}
            {segments?.length ? (
              <optgroup label="Segments">
                {segments.map((s) => (
                  <option key={s._id} value={`segment:${s._id}`}>
                    {s.name}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </Select>
          <div aria-live="polite" className="flex min-h-5 items-center gap-2 text-sm text-slate-600">
            {stale && mode === "search" ? (
              <>
                <Spinner /> Searching…
              </>
            ) : mode === "search" && rows ? (
              capped ? `Showing the best ${CONTACT_SEARCH_LIMIT} matches` : formatCount(rows.length, "match", "matches")
            ) : null}
          </div>
        </div>

        {selected.size > 0 ? (
          <div className="flex flex-wrap items-center gap-3 border-b border-indigo-100 bg-indigo-50 px-4 py-2 text-sm">
            <span className="font-medium text-indigo-900">{selected.size.toLocaleString("en-US")} selected</span>
            <Button size="sm" variant="primary" onClick={() => setAddingToGroup(true)}>
              Add to group
            </Button>
            <Button size="sm" onClick={() => setTagging("add")}>
              Add tags
            </Button>
            <Button size="sm" onClick={() => setTagging("remove")}>
              Remove tags
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setSelected(new Map())}>
              Clear selection
            </Button>
          </div>
        ) : null}

        {rows === undefined ? (
          <SkeletonRows rows={6} label="Loading contacts…" />
        ) : rows.length === 0 ? (
          mode === "search" ? (
            <EmptyState level={2} icon={<SearchIcon />} title="No matches" description={`No contact matches “${search.trim()}”. Try a name, a phone number or an email.`} />
          ) : (
            <EmptyState
            level={2}
              icon={<ContactsIcon />}
              title="No contacts yet"
              description="Add the people you message. Contacts also appear here when they write to you."
              action={newContactButton}
            />
          )
        ) : (
          <div className={stale ? "opacity-60 transition-opacity" : undefined}>
            <ContactsTable
              contacts={rows}
              selected={selected}
              onToggle={toggle}
              onToggleAll={toggleAll}
              onEdit={(contact) => setDialog({ kind: "edit", contact })}
              onDelete={setDeleting}
              columns={fieldDefs?.filter((f) => f.showInTable) ?? []}
              caption={mode === "search" ? "Contacts matching the search" : "Contacts, by name"}
            />
          </div>
        )}

        {mode === "list" && (list.status === "CanLoadMore" || list.status === "LoadingMore") ? (
          <div className="flex justify-center border-t border-slate-200 p-3">
            <Button onClick={() => list.loadMore(CONTACTS_PAGE_SIZE)} loading={list.status === "LoadingMore"}>
              Load more
            </Button>
          </div>
        ) : null}
      </Card>

      <ContactDialog target={dialog} onClose={() => setDialog(null)} onOpenContact={(contactId) => setDialog({ kind: "open", contactId })} />

      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete ${deleting?.name ?? "contact"}?`}
        confirmLabel="Delete contact"
        onConfirm={() => (deleting ? confirmDelete(deleting) : Promise.resolve())}
      >
        This permanently deletes the contact together with its group memberships, its notes and its messages. It
        cannot be undone.
      </ConfirmDialog>

      <ImportDialog open={importing} onClose={() => setImporting(false)} />
      {exportDialogWanted ? (
        <Suspense fallback={<DialogLoading title="Export messages" onClose={() => setExportingMessages(false)} />}>
          <ExportMessagesDialog open={exportingMessages} onClose={() => setExportingMessages(false)} />
        </Suspense>
      ) : null}

      {bulkDialogsWanted ? (
        <Suspense
          fallback={
            tagging ? (
              <DialogLoading title={tagging === "add" ? "Add tags" : "Remove tags"} onClose={() => setTagging(null)} />
            ) : addingToGroup ? (
              <DialogLoading title="Add to group" onClose={() => setAddingToGroup(false)} />
            ) : null
          }
        >
          <TagContactsDialog mode={tagging} contactIds={[...selected.keys()]} onClose={() => setTagging(null)} onDone={() => undefined} />
          <AddToGroupDialog
            open={addingToGroup}
            onClose={() => setAddingToGroup(false)}
            contactIds={[...selected.keys()]}
            onAdded={() => setSelected(new Map())}
          />
        </Suspense>
      ) : null}
    </>
  );
}
