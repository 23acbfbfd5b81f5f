/**
 * The emulator's database: documents and sorted indexes at the latest commit, plus the versions
 * that running transactions still need (MVCC), so that every query and mutation reads one
 * consistent snapshot — its begin timestamp — while others commit around it.
 *
 * - A commit is applied atomically (one synchronous step) with a new timestamp; it records each
 *   written document's old and new version.
 * - A snapshot at `ts` sees the latest state except for documents written after `ts`, whose
 *   version as of `ts` comes from the commit log (`versionAt`). Snapshots in use are pinned, and
 *   the log keeps every commit after the oldest pin — which is also what optimistic concurrency
 *   control checks a committing mutation's reads against (emulator/occ.ts).
 * - Indexes are sorted lists of [index fields…, _creationTime, _id] keys, in chunks so that an
 *   update at 10^5 entries touches one chunk.
 */
import { compareValues, type Value } from "convex/values";

export type Doc = { _id: string; _creationTime: number } & Record<string, unknown>;
export type Key = unknown[];

export type Write = { id: string; table: string; old: Doc | null; doc: Doc | null };
/** One applied commit; `by` names the function that made it (for conflict reports). */
export type Commit = { ts: bigint; writes: Write[]; tables: Set<string>; by?: string };
export type CommitListener = (commit: Commit) => void;

export function tableNameFromId(id: string): string | null {
  const match = /^[0-9]+/.exec(id);
  if (!match || match[0].length === id.length) return null;
  return id.slice(match[0].length);
}

function isSimpleObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  return prototype === null || prototype === Object.prototype || prototype?.constructor?.name === "Object";
}

/** The value at a dotted field path ("nested.x"), undefined when any step is missing. */
export function fieldValue(doc: unknown, fieldPath: string): unknown {
  if (!fieldPath.includes(".")) return isSimpleObject(doc) ? doc[fieldPath] : undefined;
  let result: unknown = doc;
  for (const part of fieldPath.split(".")) {
    result = result !== undefined && result !== null && isSimpleObject(result) ? result[part] : undefined;
  }
  return result;
}

export const compare = (a: unknown, b: unknown) => compareValues(a as Value | undefined, b as Value | undefined);

export function compareKeys(a: Key, b: Key): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Index of the first element for which `pred` holds, given pred is false…false true…true. */
export function firstIndex(length: number, pred: (i: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Chunk size of an index's sorted list: inserts and removes move at most ~2 chunks' worth. */
let CHUNK = 512;

/** Tests use tiny chunks so that every query crosses chunk boundaries. */
export function setIndexChunkSizeForTests(size: number): void {
  CHUNK = size;
}

/**
 * A sorted list kept in chunks, so an insert or remove at 100,000+ entries touches one chunk
 * and a table of chunk offsets, not the whole array. Positions are global, as in an array.
 */
export class ChunkedList<T> {
  private chunks: T[][] = [];
  /** starts[c]: the global position of chunks[c][0]. */
  private starts: number[] = [];
  length = 0;

  static from<T>(items: T[]): ChunkedList<T> {
    const list = new ChunkedList<T>();
    for (let i = 0; i < items.length; i += CHUNK) list.chunks.push(items.slice(i, i + CHUNK));
    list.reindex();
    return list;
  }

  private reindex() {
    let start = 0;
    this.starts = this.chunks.map((chunk) => {
      const s = start;
      start += chunk.length;
      return s;
    });
    this.length = start;
  }

  /** The chunk holding position i (0 ≤ i < length), and the offset in it. */
  private locate(i: number): [number, number] {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return [lo, i - this.starts[lo]];
  }

  at(i: number): T | undefined {
    if (i < 0 || i >= this.length) return undefined;
    const [c, o] = this.locate(i);
    return this.chunks[c][o];
  }

  set(i: number, value: T) {
    const [c, o] = this.locate(i);
    this.chunks[c][o] = value;
  }

  insert(i: number, value: T) {
    if (this.chunks.length === 0) {
      this.chunks = [[value]];
      this.reindex();
      return;
    }
    const [c, o] =
      i >= this.length ? [this.chunks.length - 1, this.chunks[this.chunks.length - 1].length] : this.locate(i);
    const chunk = this.chunks[c];
    chunk.splice(o, 0, value);
    this.length++;
    if (chunk.length > 2 * CHUNK) {
      this.chunks.splice(c, 1, chunk.slice(0, CHUNK), chunk.slice(CHUNK));
      this.reindex();
    } else {
      for (let k = c + 1; k < this.starts.length; k++) this.starts[k]++;
    }
  }

  remove(i: number) {
    const [c, o] = this.locate(i);
    const chunk = this.chunks[c];
    chunk.splice(o, 1);
    this.length--;
    if (chunk.length === 0) {
      this.chunks.splice(c, 1);
      this.reindex();
    } else {
      for (let k = c + 1; k < this.starts.length; k++) this.starts[k]--;
    }
  }

  findIndex(predicate: (value: T) => boolean): number {
    let base = 0;
    for (const chunk of this.chunks) {
      const i = chunk.findIndex(predicate);
      if (i >= 0) return base + i;
      base += chunk.length;
    }
    return -1;
  }
}

export type Entry = { key: Key; doc: Doc };

/** One index of one table over the latest committed documents. */
export class SortedIndex {
  entries = new ChunkedList<Entry>();
  /** `valueOf` reads a field of a document (convex-test's reading, for tests/support/fastConvexTest.ts). */
  constructor(
    readonly fields: string[],
    private readonly valueOf: (doc: Doc, fieldPath: string) => unknown = fieldValue,
  ) {}

  keyOf(doc: Doc): Key {
    return this.fields.map((f) => this.valueOf(doc, f));
  }

  build(docs: Iterable<Doc>) {
    const sorted = Array.from(docs, (doc) => ({ key: this.keyOf(doc), doc }));
    sorted.sort((a, b) => compareKeys(a.key, b.key));
    this.entries = ChunkedList.from(sorted);
  }

  /** Position of the first entry whose key is ≥ `key` (or > with `after`). */
  position(key: Key, after = false): number {
    return firstIndex(this.entries.length, (i) => {
      const c = compareKeys(this.entries.at(i)!.key, key);
      return after ? c > 0 : c >= 0;
    });
  }

  update(oldDoc: Doc | null, newDoc: Doc | null) {
    const newKey = newDoc && this.keyOf(newDoc);
    if (oldDoc) {
      const oldKey = this.keyOf(oldDoc);
      let i = this.position(oldKey);
      if (this.entries.at(i)?.doc._id !== oldDoc._id) {
        // Keys are unique (they end with _id), so this means the index is out of step: repair.
        i = this.entries.findIndex((e) => e.doc._id === oldDoc._id);
        if (i < 0) throw new Error(`emulator index lost document ${oldDoc._id}`);
      }
      if (newDoc && newKey && compareKeys(oldKey, newKey) === 0) {
        this.entries.set(i, { key: newKey, doc: newDoc });
        return;
      }
      this.entries.remove(i);
    }
    if (newDoc && newKey) this.entries.insert(this.position(newKey), { key: newKey, doc: newDoc });
  }
}

/** The index fields a query orders by, as Convex defines them: declared fields, then creation time and id. */
export type IndexCatalog = (table: string, indexName: string) => string[];

export class Store {
  /** Latest committed version of every document, by table then id. */
  readonly tables = new Map<string, Map<string, Doc>>();
  private readonly indexes = new Map<string, Map<string, SortedIndex>>();
  /** Commits after the oldest pinned snapshot, oldest first. */
  private log: Commit[] = [];
  /** Per document written in `log`: the versions it had before each of those commits. */
  private readonly history = new Map<string, Array<{ ts: bigint; old: Doc | null }>>();
  private readonly pins = new Map<bigint, number>();
  private readonly listeners = new Set<CommitListener>();
  lastTs: bigint;
  nextDocId = 10000;
  lastCreationTime = 0;

  constructor(
    private readonly catalog: IndexCatalog,
    startTs = BigInt(Date.now()) * 1_000_000n,
  ) {
    this.lastTs = startTs;
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  table(name: string): Map<string, Doc> {
    let map = this.tables.get(name);
    if (!map) this.tables.set(name, (map = new Map()));
    return map;
  }

  /** The latest committed version of a document. */
  latest(id: string): Doc | null {
    const table = tableNameFromId(id);
    return table === null ? null : (this.tables.get(table)?.get(id) ?? null);
  }

  /** The version of `id` a snapshot at `ts` sees. */
  versionAt(id: string, ts: bigint): Doc | null {
    const versions = this.history.get(id);
    if (versions) {
      for (const v of versions) if (v.ts > ts) return v.old;
    }
    return this.latest(id);
  }

  /** Documents of `table` written after `ts`, with the version a snapshot at `ts` sees. */
  changedSince(table: string, ts: bigint): Map<string, Doc | null> {
    const changed = new Map<string, Doc | null>();
    for (let i = this.log.length - 1; i >= 0 && this.log[i].ts > ts; i--) {
      const commit = this.log[i];
      if (!commit.tables.has(table)) continue;
      for (const w of commit.writes) if (w.table === table && !changed.has(w.id)) changed.set(w.id, null);
    }
    for (const id of changed.keys()) changed.set(id, this.versionAt(id, ts));
    return changed;
  }

  /** Commits after `ts` (for conflict checks and subscription invalidation). */
  commitsAfter(ts: bigint): Commit[] {
    let i = this.log.length;
    while (i > 0 && this.log[i - 1].ts > ts) i--;
    return this.log.slice(i);
  }

  /** An index over the latest committed state, built on first use. */
  index(table: string, indexName: string): SortedIndex {
    let byName = this.indexes.get(table);
    if (!byName) this.indexes.set(table, (byName = new Map()));
    let index = byName.get(indexName);
    if (!index) {
      index = new SortedIndex(this.catalog(table, indexName));
      index.build(this.table(table).values());
      byName.set(indexName, index);
    }
    return index;
  }

  /** Keep the versions a snapshot at `ts` reads until `unpin(ts)`. */
  pin(ts: bigint): void {
    this.pins.set(ts, (this.pins.get(ts) ?? 0) + 1);
  }

  unpin(ts: bigint): void {
    const n = (this.pins.get(ts) ?? 0) - 1;
    if (n > 0) this.pins.set(ts, n);
    else this.pins.delete(ts);
    this.prune();
  }

  get pinnedCount(): number {
    let n = 0;
    for (const count of this.pins.values()) n += count;
    return n;
  }

  private prune() {
    let oldest: bigint | null = null;
    for (const ts of this.pins.keys()) if (oldest === null || ts < oldest) oldest = ts;
    let drop = 0;
    while (drop < this.log.length && (oldest === null || this.log[drop].ts <= oldest)) drop++;
    if (drop === 0) return;
    for (const commit of this.log.slice(0, drop)) {
      for (const w of commit.writes) {
        const versions = this.history.get(w.id);
        if (!versions) continue;
        while (versions.length > 0 && versions[0].ts <= commit.ts) versions.shift();
        if (versions.length === 0) this.history.delete(w.id);
      }
    }
    this.log = this.log.slice(drop);
  }

  /** A fresh commit timestamp: after the last one, and near the wall clock (ns). */
  nextTs(): bigint {
    const now = BigInt(Date.now()) * 1_000_000n;
    return now > this.lastTs ? now : this.lastTs + 1n;
  }

  /** Apply writes atomically at a new timestamp. `writes` maps ids to new versions (null: deleted). */
  commit(writes: Map<string, Doc | null>, by?: string, ts = this.nextTs()): Commit {
    if (ts <= this.lastTs) throw new Error(`commit timestamp ${ts} is not after ${this.lastTs}`);
    const applied: Write[] = [];
    const tables = new Set<string>();
    const keepHistory = this.pins.size > 0;
    for (const [id, doc] of writes) {
      const table = tableNameFromId(id);
      if (table === null) throw new Error(`invalid document id ${id}`);
      const map = this.table(table);
      const old = map.get(id) ?? null;
      if (old === null && doc === null) continue;
      if (doc) map.set(id, doc);
      else map.delete(id);
      for (const index of this.indexes.get(table)?.values() ?? []) index.update(old, doc);
      applied.push({ id, table, old, doc });
      tables.add(table);
      if (keepHistory) {
        let versions = this.history.get(id);
        if (!versions) this.history.set(id, (versions = []));
        versions.push({ ts, old });
      }
    }
    this.lastTs = ts;
    const commit: Commit = { ts, writes: applied, tables, by };
    if (keepHistory) this.log.push(commit);
    for (const listener of this.listeners) listener(commit);
    return commit;
  }

  /** A new document id for `table` (the same shape as convex-test's). */
  newId(table: string): string {
    const pad = Math.max(0, 32 - table.length);
    return `${String(this.nextDocId++).padStart(pad, "0")}${table}`;
  }

  /** A creation time: the wall clock in ms, strictly increasing. */
  newCreationTime(): number {
    const now = Date.now();
    this.lastCreationTime = now <= this.lastCreationTime ? this.lastCreationTime + 0.001 : now;
    return this.lastCreationTime;
  }

  /** Replace everything (restore, reset). Only while nothing is running. */
  load(documents: Iterable<Doc>, counters: { nextDocId?: number; lastCreationTime?: number; lastTs?: bigint } = {}) {
    this.tables.clear();
    this.indexes.clear();
    this.history.clear();
    this.log = [];
    for (const doc of documents) {
      const table = tableNameFromId(doc._id);
      if (table !== null) this.table(table).set(doc._id, doc);
    }
    if (counters.nextDocId !== undefined) this.nextDocId = Math.max(this.nextDocId, counters.nextDocId);
    if (counters.lastCreationTime !== undefined)
      this.lastCreationTime = Math.max(this.lastCreationTime, counters.lastCreationTime);
    if (counters.lastTs !== undefined && counters.lastTs > this.lastTs) this.lastTs = counters.lastTs;
  }

  *allDocuments(): Iterable<Doc> {
    for (const map of this.tables.values()) yield* map.values();
  }

  get documentCount(): number {
    let n = 0;
    for (const map of this.tables.values()) n += map.size;
    return n;
  }
}
