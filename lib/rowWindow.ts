/** Which rows of a list of fixed-height rows a scrolled viewport shows (for windowing long lists). */

/** The rows [start, end] (inclusive) visible in a viewport of `height` px scrolled to `offset`, plus `overscan` on each side. */
export function visibleRows(count: number, rowHeight: number, offset: number, height: number, overscan: number): { start: number; end: number } {
  if (count <= 0) return { start: 0, end: -1 };
  const top = Math.max(0, offset);
  const first = Math.min(count - 1, Math.floor(top / rowHeight));
  const last = Math.ceil((top + Math.max(height, rowHeight)) / rowHeight) - 1;
  return { start: Math.max(0, first - overscan), end: Math.min(count - 1, last + overscan) };
}
