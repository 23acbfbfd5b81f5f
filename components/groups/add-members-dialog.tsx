"use client";

import { useId, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import { chunk, formatCount } from "@/lib/format";
import { MAX_MEMBERS_PER_CALL } from "@/lib/groups";
import { usePhoneFormat } from "@/lib/use-phone-format";
import { toastError, useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { useContactRows } from "@/components/contacts/use-contact-rows";
import { Button } from "@/components/ui/button";
import { Dialog, FormDialogFooter } from "@/components/ui/dialog";
import { Checkbox, SearchInput } from "@/components/ui/field";
import { CloseIcon } from "@/components/ui/icons";
import { SkeletonRows } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";

/** Find contacts (search, or browse by name) and add the picked ones to a group. */
export function AddMembersDialog({ group, open, onClose }: { group: Doc<"groups">; open: boolean; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [count, setCount] = useState(0);
  const formId = useId();
  // The picker unmounts on close; its count must not carry over to the next opening.
  const close = () => {
    setCount(0);
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title={`Add members to ${group.name}`}
      size="lg"
      dismissible={!busy}
      footer={
        <FormDialogFooter formId={formId} busy={busy} onCancel={close} submitDisabled={count === 0}>
          {count > 0 ? `Add ${formatCount(count, "contact")}` : "Add contacts"}
        </FormDialogFooter>
      }
    >
      <Picker formId={formId} group={group} onBusy={setBusy} onCount={setCount} onDone={close} />
    </Dialog>
  );
}

function Picker({
  formId,
  group,
  onBusy,
  onCount,
  onDone,
}: {
  formId: string;
  group: Doc<"groups">;
  onBusy: (busy: boolean) => void;
  onCount: (count: number) => void;
  onDone: () => void;
}) {
  const formatPhone = usePhoneFormat();
  const [search, setSearch] = useState("");
  const { mode, rows, stale, list } = useContactRows(search, { kind: "all" }, 20);
  const [picked, setPicked] = useState<ReadonlyMap<Id<"contacts">, string>>(new Map());
  const [addMembers] = useMutationWithToast(api.groups.addMembers);

  function setPick(id: Id<"contacts">, name: string, on: boolean) {
    const next = new Map(picked);
    if (on) next.set(id, name);
    else next.delete(id);
    setPicked(next);
    onCount(next.size);
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (picked.size === 0) return;
    onBusy(true);
    try {
      let added = 0;
      let already = 0;
      for (const batch of chunk([...picked.keys()], MAX_MEMBERS_PER_CALL)) {
        const result = await addMembers({ groupId: group._id, contactIds: batch }, { handleError: () => true });
        if (!result.ok) {
          toastError(result.error, added > 0 ? `Stopped after adding ${formatCount(added, "contact")}` : "Could not add the contacts");
          return;
        }
        added += result.value.added;
        already += result.value.alreadyMembers;
      }
      toast.success(`Added ${formatCount(added, "contact")} to ${group.name}`, {
        description: already > 0 ? `${formatCount(already, "contact was", "contacts were")} already in it.` : undefined,
      });
      onDone();
    } finally {
      onBusy(false);
    }
  }

  return (
    <form id={formId} onSubmit={(e) => void onSubmit(e)} className="space-y-3">
      <SearchInput
        label="Search contacts"
        placeholder="Name, phone or email"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />

      {picked.size > 0 ? (
        <div>
          <p className="mb-1 text-xs font-medium text-slate-600">Selected</p>
          <ul className="flex flex-wrap gap-1.5">
            {[...picked].map(([id, name]) => (
              <li key={id} className="flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pr-1 pl-2.5 text-sm text-indigo-900">
                {name}
                <button type="button" className="rounded-full p-0.5 hover:bg-indigo-100" onClick={() => setPick(id, name, false)}>
                  <CloseIcon className="size-3.5" />
                  <span className="sr-only">Remove {name} from the selection</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      <div className="rounded-md border border-slate-200">
        <div aria-live="polite" className="flex items-center gap-2 border-b border-slate-100 px-3 py-1.5 text-xs text-slate-600">
          {stale && mode === "search" ? (
            <>
              <Spinner className="size-3" /> Searching…
            </>
          ) : mode === "search" ? (
            `${formatCount(rows?.length ?? 0, "match", "matches")}`
          ) : (
            "All contacts, by name"
          )}
        </div>
        {rows === undefined ? (
          <SkeletonRows rows={4} label="Loading contacts…" />
        ) : rows.length === 0 ? (
          <p className="px-3 py-6 text-center text-sm text-slate-600">
            {mode === "search" ? "No contact matches that search." : "You have no contacts yet."}
          </p>
        ) : (
          <ul className="max-h-72 divide-y divide-slate-100 overflow-y-auto">
            {rows.map((contact) => (
              <li key={contact._id}>
                <label className="flex cursor-pointer items-center gap-3 px-3 py-2 text-sm hover:bg-slate-50">
                  <Checkbox checked={picked.has(contact._id)} onChange={(e) => setPick(contact._id, contact.name, e.target.checked)} />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate font-medium text-slate-900">{contact.name}</span>
                    <span className="block truncate text-slate-600">
                      {[contact.phone ? formatPhone(contact.phone) : null, contact.email].filter(Boolean).join(" · ")}
                    </span>
                  </span>
                </label>
              </li>
            ))}
            {mode === "list" && (list.status === "CanLoadMore" || list.status === "LoadingMore") ? (
              <li className="p-2">
                <Button size="sm" variant="ghost" className="w-full" loading={list.status === "LoadingMore"} onClick={() => list.loadMore(20)}>
                  Show more contacts
                </Button>
              </li>
            ) : null}
          </ul>
        )}
      </div>
    </form>
  );
}
