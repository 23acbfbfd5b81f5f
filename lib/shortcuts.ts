/** Keyboard shortcuts: whether a key press is meant for the page rather than a field or a dialog. */
export function isShortcutEvent(event: KeyboardEvent): boolean {
  if (event.metaKey || event.ctrlKey || event.altKey || event.defaultPrevented) return false;
  const target = event.target as HTMLElement | null;
  if (target?.closest?.("input, textarea, select, [contenteditable=''], [contenteditable='true']")) return false;
  return document.querySelector("dialog[open]") === null;
}
