"use client";

/** A contact's notes: add, edit and delete, `@mentions` highlighted, private notes marked. */
import { usePaginatedQuery } from "convex/react";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { api } from "@/convex/_generated/api";
import type { Doc, Id } from "@/convex/_generated/dataModel";
import { appErrorOf } from "@/lib/app-error";
import { formatDateTime } from "@/lib/format";
import { splitMentions } from "@/lib/mentions";
import { useConnection } from "@/lib/use-connection";
import { useMutationWithToast } from "@/lib/use-mutation-with-toast";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClasses } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Checkbox, Textarea } from "@/components/ui/field";
import { PencilIcon, TrashIcon } from "@/components/ui/icons";
import { Skeleton } from "@/components/ui/skeleton";
import { ClockIcon, LockIcon } from "./icons";

const NOTES_PAGE_SIZE = 10;
export const NOTE_MAX_LENGTH = 5000;

/** The field error for a refused note, or null to leave it to the toast. */
function noteError(error: unknown): string | null {
  const data = appErrorOf(error);
  return data && (data.code === "INVALID_ARGUMENT" || data.code === "LIMIT_EXCEEDED") ? data.message : null;
}

function checkContent(content: string): string | null {
  const trimmed = content.trim();
  if (trimmed === "") return "Write something first.";
  if (trimmed.length > NOTE_MAX_LENGTH) return `Notes are at most ${NOTE_MAX_LENGTH.toLocaleString("en-US")} characters.`;
  return null;
}

export function Notes({ contactId, headingLevel = 3 }: { contactId: Id<"contacts">; headingLevel?: 2 | 3 }) {
  const notes = usePaginatedQuery(api.notes.listForContact, { contactId }, { initialNumItems: NOTES_PAGE_SIZE });
  const [deleting, setDeleting] = useState<Doc<"notes"> | null>(null);
  const [remove] = useMutationWithToast(api.notes.remove);
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const headingId = useId();

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <Heading id={headingId} className="text-sm font-semibold text-slate-900">
        Notes
      </Heading>
      <NoteForm contactId={contactId} />
      {notes.status === "LoadingFirstPage" ? (
        <div role="status" className="space-y-2">
          <span className="sr-only">Loading notes…</span>
          <Skeleton className="h-14 w-full" />
          <Skeleton className="h-14 w-full" />
        </div>
      ) : notes.results.length === 0 ? (
        <p className="text-sm text-slate-600">No notes yet. Notes are for your team, never sent to the contact.</p>
      ) : (
        <ul className="space-y-2">
          {notes.results.map((note) => (
            <NoteItem key={note._id} note={note} onDelete={() => setDeleting(note)} />
          ))}
        </ul>
      )}
      {notes.status === "CanLoadMore" || notes.status === "LoadingMore" ? (
        <Button size="sm" variant="ghost" loading={notes.status === "LoadingMore"} onClick={() => notes.loadMore(NOTES_PAGE_SIZE)}>
          Show older notes
        </Button>
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => setDeleting(null)}
        title="Delete this note?"
        confirmLabel="Delete note"
        onConfirm={async () => {
          if (!deleting) return;
          const result = await remove({ noteId: deleting._id });
          if (!result.ok) throw result.error;
          toast.success("Note deleted");
        }}
      >
        {deleting ? `“${deleting.content.slice(0, 140)}${deleting.content.length > 140 ? "…" : ""}” will be gone for good.` : null}
      </ConfirmDialog>
    </section>
  );
}

function NoteForm({ contactId }: { contactId: Id<"contacts"> }) {
  const [content, setContent] = useState("");
  const [isPrivate, setIsPrivate] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [create, saving] = useMutationWithToast(api.notes.create);
  // Written while offline, a note waits in the client and is saved once the connection is back.
  const connection = useConnection();
  const waiting = saving && connection !== "online";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = checkContent(content);
    if (problem) return setError(problem);
    setError(null);
    const result = await create(
      { contactId, content, isPrivate },
      {
        handleError: (e) => {
          const message = noteError(e);
          if (message) setError(message);
          return message !== null;
        },
      },
    );
    if (result.ok) {
      setContent("");
      setIsPrivate(false);
    }
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="space-y-2">
      <Textarea
        label="Add a note"
        hideLabel
        rows={2}
        placeholder="Add a note… mention a teammate with @name"
        value={content}
        onChange={(e) => {
          setContent(e.target.value);
          if (error) setError(null);
        }}
        error={error}
      />
      <div className="flex items-center justify-between gap-2">
        <label className="flex items-center gap-2 text-sm text-slate-800">
          <Checkbox checked={isPrivate} onChange={(e) => setIsPrivate(e.target.checked)} />
          Private <span className="text-xs text-slate-600">(only you)</span>
        </label>
        {waiting ? (
          <p role="status" className="inline-flex items-center gap-1 text-sm font-medium text-amber-800" data-status="waiting">
            <ClockIcon className="size-3.5" />
            Waiting for connection
          </p>
        ) : (
          <Button type="submit" size="sm" variant="primary" loading={saving}>
            Add note
          </Button>
        )}
      </div>
    </form>
  );
}

/** Note text with `@mentions` highlighted. */
export function NoteText({ content }: { content: string }) {
  return (
    <p dir="auto" className="text-sm break-words whitespace-pre-wrap text-slate-800">
      {splitMentions(content).map((part, i) =>
        part.mention ? (
          <mark key={i} className="rounded bg-indigo-100 px-0.5 font-medium text-indigo-900">
            {part.text}
          </mark>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </p>
  );
}

function NoteItem({ note, onDelete }: { note: Doc<"notes">; onDelete: () => void }) {
  const [editing, setEditing] = useState(false);
  const [content, setContent] = useState(note.content);
  const [isPrivate, setIsPrivate] = useState(note.isPrivate);
  const [error, setError] = useState<string | null>(null);
  const [update, saving] = useMutationWithToast(api.notes.update);
  // Back from editing (saved or not), focus returns to the note's Edit button.
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  useEffect(() => {
    if (wasEditing.current && !editing) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  async function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = checkContent(content);
    if (problem) return setError(problem);
    const result = await update(
      {
        noteId: note._id,
        ...(content.trim() !== note.content ? { content } : {}),
        ...(isPrivate !== note.isPrivate ? { isPrivate } : {}),
      },
      {
        handleError: (e) => {
          const message = noteError(e);
          if (message) setError(message);
          return message !== null;
        },
      },
    );
    if (result.ok) setEditing(false);
  }

  if (editing) {
    return (
      <li className="rounded-lg border border-indigo-200 bg-white p-2">
        <form onSubmit={(e) => void onSave(e)} noValidate className="space-y-2">
          <Textarea
            label="Edit note"
            hideLabel
            rows={3}
            value={content}
            autoFocus
            onChange={(e) => {
              setContent(e.target.value);
              if (error) setError(null);
            }}
            onKeyDown={(e) => {
              if (e.key === "Escape") setEditing(false);
            }}
            error={error}
          />
          <div className="flex flex-wrap items-center justify-between gap-2">
            <label className="flex items-center gap-2 text-sm text-slate-800">
              <Checkbox checked={isPrivate} onChange={(e) => setIsPrivate(e.target.checked)} />
              Private
            </label>
            <div className="flex gap-2">
              <Button
                size="sm"
                onClick={() => {
                  setEditing(false);
                  setContent(note.content);
                  setIsPrivate(note.isPrivate);
                  setError(null);
                }}
              >
                Cancel
              </Button>
              <Button type="submit" size="sm" variant="primary" loading={saving}>
                Save
              </Button>
            </div>
          </div>
        </form>
      </li>
    );
  }

  return (
    <li className="group rounded-lg border border-slate-200 bg-white p-3">
      <NoteText content={note.content} />
      <div className="mt-2 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-600">
        <time dateTime={new Date(note._creationTime).toISOString()}>{formatDateTime(note._creationTime)}</time>
        {note.updatedAt ? <span title={`Edited ${formatDateTime(note.updatedAt)}`}>· edited</span> : null}
        {note.isPrivate ? (
          <Badge tone="amber">
            <LockIcon className="size-3" /> Private
          </Badge>
        ) : null}
        <span className="ml-auto flex gap-0.5">
          <button
            ref={editButton}
            type="button"
            className={buttonClasses({ variant: "ghost", size: "sm", className: "h-7 px-1.5" })}
            onClick={() => {
              setContent(note.content);
              setIsPrivate(note.isPrivate);
              setEditing(true);
            }}
          >
            <PencilIcon className="size-3.5" />
            <span className="sr-only">Edit note</span>
          </button>
          <Button size="sm" variant="danger-ghost" className="h-7 px-1.5" onClick={onDelete}>
            <TrashIcon className="size-3.5" />
            <span className="sr-only">Delete note</span>
          </Button>
        </span>
      </div>
    </li>
  );
}
