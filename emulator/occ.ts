/**
 * Optimistic concurrency control, as Convex does it: a mutation reads a snapshot at its begin
 * timestamp; at commit, if a transaction that committed after that timestamp wrote anything it
 * read (a document, or a key inside an index range it scanned — so a phantom insert into a range
 * counts), it is not committed and runs again from a new snapshot.
 */
import type { ReadSet } from "./query";
import type { Store } from "./store";

export type Conflict = {
  table: string;
  id: string;
  /** What of the read set the write hit: a document, a range, a whole table. */
  what: string;
  /** The function whose commit overwrote the read. */
  writer?: string;
  ts: bigint;
};

/** The first commit after `since` that wrote something in `reads`, or null. */
export function findConflict(store: Store, reads: ReadSet, since: bigint): Conflict | null {
  for (const commit of store.commitsAfter(since)) {
    for (const write of commit.writes) {
      const what = reads.collision(write.table, write.id, [write.old, write.doc]);
      if (what) return { table: write.table, id: write.id, what, writer: commit.by, ts: commit.ts };
    }
  }
  return null;
}
