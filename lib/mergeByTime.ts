/**
 * Two lists, each loaded a page at a time in time order, shown as one list in time order.
 * An item is shown only once no unloaded item of the other list can come before it: past
 * the last loaded item of a list that has more pages, the merged order is not known yet.
 */
export type LoadedList<T> = { items: readonly T[]; done: boolean };

export function mergeByTime<A, B>(
  a: LoadedList<A>,
  b: LoadedList<B>,
  timeOfA: (item: A) => number,
  timeOfB: (item: B) => number,
): { items: Array<{ kind: "a"; item: A; at: number } | { kind: "b"; item: B; at: number }>; complete: boolean } {
  // The earliest time past which one of the lists may still hold unloaded items.
  let frontier = Infinity;
  if (!a.done) frontier = Math.min(frontier, a.items.length ? timeOfA(a.items[a.items.length - 1]) : -Infinity);
  if (!b.done) frontier = Math.min(frontier, b.items.length ? timeOfB(b.items[b.items.length - 1]) : -Infinity);

  const all = [
    ...a.items.map((item) => ({ kind: "a" as const, item, at: timeOfA(item) })),
    ...b.items.map((item) => ({ kind: "b" as const, item, at: timeOfB(item) })),
  ];
  // Stable: equal times keep list a before list b.
  all.sort((x, y) => x.at - y.at);
  const items = all.filter((x) => x.at <= frontier);
  return { items, complete: a.done && b.done };
}
