"use client";

/** The `?` dialog: every keyboard shortcut of the inbox. */
import { Dialog } from "@/components/ui/dialog";

const SHORTCUTS: Array<{ keys: string[]; what: string }> = [
  { keys: ["E"], what: "Mark the open conversation done (or reopen it)" },
  { keys: ["S"], what: "Snooze the open conversation" },
  { keys: ["U"], what: "Mark the open conversation unread" },
  { keys: ["/"], what: "Search conversations and messages" },
  { keys: ["C"], what: "Write a message in the open conversation" },
  { keys: ["↑", "↓"], what: "Move between conversations in the list" },
  { keys: ["Ctrl", "Enter"], what: "Send (⌘ Enter on a Mac)" },
  { keys: ["Esc"], what: "Close the contact's details or a dialog" },
  { keys: ["?"], what: "Show these shortcuts" },
];

export function ShortcutsHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Keyboard shortcuts" size="md">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Keys and what they do</caption>
        <thead className="sr-only">
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {SHORTCUTS.map((s) => (
            <tr key={s.what}>
              <td className="py-2 pr-4 whitespace-nowrap">
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 ? <span className="px-1 text-slate-600">+</span> : null}
                    <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-xs text-slate-900 shadow-sm">{k}</kbd>
                  </span>
                ))}
              </td>
              <td className="py-2 text-slate-800">{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
