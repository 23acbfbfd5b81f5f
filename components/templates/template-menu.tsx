"use client";

import type { Doc } from "@/convex/_generated/dataModel";
import { cn } from "@/lib/cn";
import { CHANNEL_NAMES } from "@/lib/channelAvailability";

/** The list of templates a composer offers (for `/` and the Templates button); keys are the composer's. */
export function TemplateMenu({
  id,
  templates,
  active,
  onPick,
  onHover,
  emptyText,
}: {
  id: string;
  templates: Doc<"templates">[] | undefined;
  active: number;
  onPick: (t: Doc<"templates">) => void;
  onHover: (index: number) => void;
  emptyText: string;
}) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white shadow-lg">
      {templates === undefined ? (
        <p className="px-3 py-2 text-sm text-slate-600">Loading templates…</p>
      ) : templates.length === 0 ? (
        <p className="px-3 py-2 text-sm text-slate-600">{emptyText}</p>
      ) : (
        <ul id={id} role="listbox" aria-label="Templates" className="max-h-64 overflow-y-auto py-1">
          {templates.map((t, i) => (
            <li
              key={t._id}
              id={`${id}-${i}`}
              role="option"
              aria-selected={i === active}
              className={cn("cursor-pointer px-3 py-2 text-sm", i === active ? "bg-indigo-50 text-indigo-900" : "text-slate-800")}
              onMouseEnter={() => onHover(i)}
              onMouseDown={(e) => {
                // Keep the focus in the textarea.
                e.preventDefault();
                onPick(t);
              }}
            >
              <span className="font-medium">{t.name}</span>
              {t.channel ? <span className="ml-2 text-xs text-slate-500">{CHANNEL_NAMES[t.channel]}</span> : null}
              <span className="block truncate text-xs text-slate-600">{t.content}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
