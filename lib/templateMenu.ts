/**
 * The composers' template menu: which templates a `/` shortcut or a search shows, and the keys
 * that move through it. Pure, so it is tested without a browser.
 */

/** The search after a leading "/" when the whole draft is a slash command ("/ord"), else null. */
export function slashQuery(content: string): string | null {
  const m = /^\/([^\s/]*)$/.exec(content);
  return m ? m[1] : null;
}

/** Templates whose name (or, failing that, text) contains every word of the query, names first. */
export function filterTemplates<T extends { name: string; content: string }>(templates: readonly T[], query: string, max = 8): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const has = (text: string) => words.every((w) => text.toLowerCase().includes(w));
  const byName = templates.filter((t) => has(t.name));
  const byText = templates.filter((t) => !byName.includes(t) && has(t.content));
  return [...byName, ...byText].slice(0, max);
}

/** The active row after a key press (wraps around), or null when the key is not the menu's. */
export function moveActive(key: string, active: number, count: number): number | null {
  if (count === 0) return null;
  if (key === "ArrowDown") return (active + 1) % count;
  if (key === "ArrowUp") return (active - 1 + count) % count;
  return null;
}
