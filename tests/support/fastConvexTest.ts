/**
 * Makes convex-test's in-memory database (the engine of the unit tests) fast enough for large
 * fixtures (10^3–10^5 documents) without changing what any query returns: `accelerateConvexTest(t)`.
 * The emulator itself does not use it (it has its own store, emulator/store.ts, whose sorted
 * chunked lists this reuses).
 *
 * convex-test's DatabaseFake scans and sorts every document of every table on every query. This
 * module patches one DatabaseFake instance (never node_modules) with:
 * - a document map per table, kept in the same order as convex-test's own `_documents`;
 * - sorted indexes per (table, index), built on first use and maintained at each commit, so an
 *   index range is two binary searches and a page starts at its cursor by binary search;
 * - lazy query streams (`take(10)` of a 100,000-row range reads 10 rows).
 * Search queries keep convex-test's own code, over the per-table map.
 *
 * One deliberate difference, matching the real backend: a page with an `endCursor` (what the
 * reactive pagination journal replays) always continues at that `endCursor`, even when the
 * document at it was deleted; convex-test would report the page as the last one.
 * tests/unit/fastConvexTest.test.ts compares everything else with an unpatched convex-test.
 */
import {
  CommitTsPlaceholder,
  convexToJson,
  getDocumentSize,
  jsonToConvex,
  type Value,
} from "convex/values";
import { AsyncLocalStorage } from "node:async_hooks";
import { ChunkedList, compare, compareKeys, firstIndex, SortedIndex, tableNameFromId } from "../../emulator/store";
import { validateIndexRange } from "../../emulator/query";
import { isValid, type ValidatorJson } from "../../emulator/validate";

export { setIndexChunkSizeForTests } from "../../emulator/store";

export type Doc = { _id: string; _creationTime: number } & Record<string, unknown>;
type Writes = Record<string, Doc | null>;

type RangeExpr = { type: "Eq" | "Gt" | "Gte" | "Lt" | "Lte"; fieldPath: string; value: unknown };
type Source =
  | { type: "FullTableScan"; tableName: string; order?: "asc" | "desc" | null }
  | { type: "IndexRange"; indexName: string; range: RangeExpr[]; order?: "asc" | "desc" | null }
  | { type: "Search"; indexName: string; filters: unknown[] };
export type SerializedQuery = { source: Source; operators: Array<{ filter: unknown } | { limit: number }> };

type PaginateArgs = {
  query: SerializedQuery;
  cursor: string | null;
  endCursor?: string | null;
  pageSize: number;
  maximumRowsRead?: number | null;
  maximumBytesRead?: number | null;
};
type PageResult = {
  page: Doc[];
  isDone: boolean;
  continueCursor: string;
  splitCursor: string | null;
  pageStatus: "SplitRecommended" | "SplitRequired" | null;
};

/** The parts of convex-test's (unexported) DatabaseFake this module uses. */
export interface DatabaseFake {
  _documents: Record<string, Doc>;
  _writes: Writes[];
  _queryResults: Record<number, unknown>;
  _nextQueryId: number;
  _nextDocId: number;
  _lastCreationTime: number;
  _schema: {
    schemaValidation: boolean;
    tables: Map<string, { indexes: Array<{ indexDescriptor: string; fields: string[] }>; documentType?: ValidatorJson }>;
  } | null;
  _validate(tableName: string, doc: unknown): void;
  get(table: string | undefined, id: string): Doc | null;
  /** Values are in JSON form (convex-test converts them). */
  patch(table: string, id: string, value: Record<string, unknown>): void;
  commit(commitTs?: bigint | null): void;
  startQuery(query: SerializedQuery): number;
  queryNext(queryId: number): { value: Doc | null; done: boolean };
  paginate(args: PaginateArgs): PageResult;
  _iterateDocs(table: string, callback: (doc: Doc) => void): void;
  _resolveQuerySource(query: SerializedQuery): { filterFn: (doc: Doc) => boolean; limit: number | null };
}

export type CommittedWrite = { id: string; table: string; doc: Doc | null };
export type CommitListener = (commitTs: bigint, writes: CommittedWrite[]) => void;
/**
 * Watches one query run: the tables it reads (to know which commits can change its result) and
 * its pagination journal — a page's end cursor, replayed as `endCursor` when the query re-runs
 * so that pages keep their boundaries, like the real backend's query journals.
 */
export type ReadObserver = { tables: Set<string>; journalEndCursor: string | null; pageEnd?: string };

const MAX_COMMIT_TS = 2n ** 63n - 1n;

function isSimpleObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  return prototype === null || prototype === Object.prototype || prototype?.constructor?.name === "Object";
}

function hasPending(value: unknown): boolean {
  if (value instanceof CommitTsPlaceholder) return true;
  if (Array.isArray(value)) return value.some(hasPending);
  if (isSimpleObject(value)) return Object.values(value).some(hasPending);
  return false;
}

/** A value as a transaction sees it before commit (a commit-timestamp placeholder reads as i64::MAX). */
function resolvePending(value: unknown): unknown {
  if (!hasPending(value)) return value;
  if (value instanceof CommitTsPlaceholder) return MAX_COMMIT_TS;
  if (Array.isArray(value)) return value.map(resolvePending);
  return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, resolvePending(v)]));
}

/** The value at a dotted field path, exactly as convex-test evaluates it. */
export function fieldValue(doc: unknown, fieldPath: string): unknown {
  let result: unknown = doc;
  for (const part of fieldPath.split(".")) {
    result = result !== undefined && result !== null && isSimpleObject(result) ? result[part] : undefined;
  }
  return result === undefined ? undefined : resolvePending(result);
}

type Entry = { key: unknown[]; doc: Doc };

/** An ordered, read-only view of documents: a slice of an index, or a materialised array. */
interface DocSeq {
  length: number;
  at(i: number): Doc;
}

function arraySeq(docs: Doc[]): DocSeq {
  return { length: docs.length, at: (i) => docs[i] };
}

function indexSeq(entries: ChunkedList<Entry>, start: number, end: number, order: "asc" | "desc"): DocSeq {
  const length = Math.max(0, end - start);
  return order === "asc"
    ? { length, at: (i) => entries.at(start + i)!.doc }
    : { length, at: (i) => entries.at(end - 1 - i)!.doc };
}

type Resolved = {
  seq: DocSeq;
  filterFn: (doc: Doc) => boolean;
  limit: number | null;
  fieldPathsToSortBy: string[];
  order: "asc" | "desc";
};

type StreamState = {
  seq: DocSeq;
  pos: number;
  filterFn: (doc: Doc) => boolean;
  limit: number | null;
  emitted: number;
};

const EMPTY_TABLE = "__emulator_no_table__";

/** A query value as convex-test evaluates it (`{$undefined: null}` is undefined). */
function queryValue(json: unknown): unknown {
  if (typeof json === "object" && json !== null && "$undefined" in json) return undefined;
  return resolvePending(jsonToConvex(json as Parameters<typeof jsonToConvex>[0]));
}

function encodeCursor(doc: Doc, fieldPaths: string[]): string {
  const keys = fieldPaths.map((fp) => fieldValue(doc, fp));
  return JSON.stringify(keys.map((k) => (k === undefined ? null : JSON.stringify(convexToJson(k as Value)))));
}

function parseCursor(cursor: string | null | undefined): unknown[] | null {
  if (!cursor) return null;
  return (JSON.parse(cursor) as Array<string | null>).map((k) =>
    k === null ? undefined : jsonToConvex(JSON.parse(k) as Parameters<typeof jsonToConvex>[0]),
  );
}

function compareToCursor(doc: Doc, keys: unknown[], fieldPaths: string[], order: "asc" | "desc"): number {
  const sign = order === "asc" ? 1 : -1;
  for (let i = 0; i < fieldPaths.length; i++) {
    const c = compare(fieldValue(doc, fieldPaths[i]), keys[i]);
    if (c !== 0) return c * sign;
  }
  return 0;
}

export interface FastDb {
  /** Called after every top-level commit with the documents it wrote. */
  onCommit(listener: CommitListener): () => void;
  /** The committed documents of each table, in convex-test's `_documents` order. */
  readonly tables: Map<string, Map<string, Doc>>;
  /** Recompute the per-table maps and drop the indexes after `_documents` was replaced. */
  rebuild(): void;
  /** Where to find the observer of the query running now, if any. */
  setObserver(current: () => ReadObserver | undefined): void;
}

/** Patch one DatabaseFake instance in place. Idempotent per instance. */
export function accelerate(db: DatabaseFake): FastDb {
  const existing = (db as unknown as { __fastdb?: FastDb }).__fastdb;
  if (existing) return existing;

  const tables = new Map<string, Map<string, Doc>>();
  const indexes = new Map<string, Map<string, SortedIndex>>();
  const listeners = new Set<CommitListener>();
  let observer: () => ReadObserver | undefined = () => undefined;

  const original = {
    get: db.get.bind(db),
    commit: db.commit.bind(db),
    startQuery: db.startQuery.bind(db),
    queryNext: db.queryNext.bind(db),
    paginate: db.paginate.bind(db),
    resolveQuerySource: db._resolveQuerySource.bind(db),
  };

  function tableMap(table: string): Map<string, Doc> {
    let map = tables.get(table);
    if (!map) tables.set(table, (map = new Map()));
    return map;
  }

  function rebuild() {
    tables.clear();
    indexes.clear();
    for (const [id, doc] of Object.entries(db._documents)) {
      const table = tableNameFromId(id);
      if (table !== null) tableMap(table).set(id, doc);
    }
  }
  rebuild();

  function indexFields(table: string, indexName: string): string[] {
    if (indexName === "by_creation_time") return ["_creationTime", "_id"];
    if (indexName === "by_id") return ["_id"];
    const index = db._schema?.tables.get(table)?.indexes.find((i) => i.indexDescriptor === indexName);
    if (index === undefined) {
      throw new Error(
        `Cannot use index "${indexName}" for table "${table}" because ` + `it is not declared in the schema.`,
      );
    }
    return index.fields.concat(["_creationTime", "_id"]);
  }

  function getIndex(table: string, indexName: string, fields: string[]): SortedIndex {
    let byName = indexes.get(table);
    if (!byName) indexes.set(table, (byName = new Map()));
    let index = byName.get(indexName);
    if (!index) {
      index = new SortedIndex(fields, fieldValue);
      index.build(tableMap(table).values());
      byName.set(indexName, index);
    }
    return index;
  }

  /** The current transaction's uncommitted versions of `table`'s documents (null: deleted). */
  function pendingDocs(table: string): Map<string, Doc | null> | null {
    if (db._writes.length === 0) return null;
    let pending: Map<string, Doc | null> | null = null;
    for (const level of db._writes) {
      for (const id of Object.keys(level)) {
        if (tableNameFromId(id) !== table) continue;
        pending ??= new Map();
        pending.set(id, null);
      }
    }
    if (pending) for (const id of pending.keys()) pending.set(id, db.get(table, id));
    return pending;
  }

  function noteRead(table: string) {
    observer()?.tables.add(table);
  }

  function operatorsOf(query: SerializedQuery) {
    // convex-test compiles `.filter()` operators itself; hand it an empty source to get them.
    return original.resolveQuerySource({
      source: { type: "FullTableScan", tableName: EMPTY_TABLE, order: "asc" },
      operators: query.operators,
    });
  }

  /** The ordered documents an index range or table scan yields; null for search queries. */
  function resolve(query: SerializedQuery): Resolved | null {
    const source = query.source;
    if (source.type === "Search") return null;
    const order = source.order ?? "asc";
    let table: string;
    let indexName: string;
    let range: RangeExpr[];
    let fieldPathsToSortBy: string[];
    if (source.type === "FullTableScan") {
      table = source.tableName;
      indexName = "by_creation_time";
      range = [];
      fieldPathsToSortBy = ["_creationTime"];
    } else {
      [table, indexName] = source.indexName.split(".");
      range = source.range;
      fieldPathsToSortBy = indexFields(table, indexName);
      validateIndexRange(range as never, fieldPathsToSortBy);
    }
    const fields = indexFields(table, indexName);
    const index = getIndex(table, indexName, fields);
    const { filterFn, limit } = operatorsOf(query);

    // The range is `eq` on the first fields, then optional bounds on the next one.
    const eqs = range.filter((r) => r.type === "Eq").map((r) => queryValue(r.value));
    const lower = range.find((r) => r.type === "Gt" || r.type === "Gte");
    const upper = range.find((r) => r.type === "Lt" || r.type === "Lte");
    const lowerValue = lower && queryValue(lower.value);
    const upperValue = upper && queryValue(upper.value);
    const n = eqs.length;
    const prefixCompare = (key: unknown[]) => {
      for (let i = 0; i < n; i++) {
        const c = compare(key[i], eqs[i]);
        if (c !== 0) return c;
      }
      return 0;
    };
    const beforeStart = (key: unknown[]) => {
      const c = prefixCompare(key);
      if (c !== 0) return c < 0;
      if (!lower) return false;
      const b = compare(key[n], lowerValue);
      return lower.type === "Gte" ? b < 0 : b <= 0;
    };
    const afterEnd = (key: unknown[]) => {
      const c = prefixCompare(key);
      if (c !== 0) return c > 0;
      if (!upper) return false;
      const b = compare(key[n], upperValue);
      return upper.type === "Lte" ? b > 0 : b >= 0;
    };
    const inRange = (key: unknown[]) => !beforeStart(key) && !afterEnd(key);

    const entries = index.entries;
    const start = firstIndex(entries.length, (i) => !beforeStart(entries.at(i)!.key));
    const end = Math.max(
      start,
      firstIndex(entries.length, (i) => afterEnd(entries.at(i)!.key)),
    );

    const pending = pendingDocs(table);
    let seq: DocSeq;
    if (pending === null) {
      seq = indexSeq(entries, start, end, order);
    } else {
      // Merge this transaction's own writes into the committed range.
      const committed: Entry[] = [];
      for (let i = start; i < end; i++) {
        const entry = entries.at(i)!;
        if (!pending.has(entry.doc._id)) committed.push(entry);
      }
      const mine: Entry[] = [];
      for (const doc of pending.values()) {
        if (doc === null) continue;
        const key = index.keyOf(doc);
        if (inRange(key)) mine.push({ key, doc });
      }
      mine.sort((a, b) => compareKeys(a.key, b.key));
      const merged: Doc[] = [];
      let i = 0;
      let j = 0;
      while (i < committed.length || j < mine.length) {
        if (j >= mine.length || (i < committed.length && compareKeys(committed[i].key, mine[j].key) < 0)) {
          merged.push(committed[i++].doc);
        } else {
          merged.push(mine[j++].doc);
        }
      }
      if (order === "desc") merged.reverse();
      seq = arraySeq(merged);
    }
    return { seq, filterFn, limit, fieldPathsToSortBy, order };
  }

  function sourceTable(query: SerializedQuery): string {
    const source = query.source;
    return source.type === "FullTableScan" ? source.tableName : source.indexName.split(".")[0];
  }

  const patched: Partial<DatabaseFake> = {
    get(table, id) {
      if (typeof id === "string") {
        const t = tableNameFromId(id);
        if (t !== null) noteRead(t);
      }
      return original.get(table, id);
    },

    _iterateDocs(table, callback) {
      const ids = new Set(tables.get(table)?.keys() ?? []);
      for (const level of db._writes)
        for (const id of Object.keys(level)) if (tableNameFromId(id) === table) ids.add(id);
      for (const id of ids) {
        const doc = db.get(table, id);
        if (doc !== null) callback(doc);
      }
    },

    startQuery(query) {
      noteRead(sourceTable(query));
      const resolved = resolve(query);
      if (resolved === null) return original.startQuery(query);
      const id = db._nextQueryId;
      const state: StreamState = {
        seq: resolved.seq,
        pos: 0,
        filterFn: resolved.filterFn,
        limit: resolved.limit,
        emitted: 0,
      };
      db._queryResults[id] = state;
      db._nextQueryId += 1;
      return id;
    },

    queryNext(queryId) {
      const state = db._queryResults[queryId] as StreamState | Doc[] | undefined;
      if (state === undefined) {
        // A finished stream is dropped (convex-test keeps it forever); it stays finished.
        if (queryId > 0 && queryId < db._nextQueryId) return { value: null, done: true };
        throw new Error("Bad queryId");
      }
      if (Array.isArray(state)) {
        const next = original.queryNext(queryId);
        if (next.done) delete db._queryResults[queryId];
        return next;
      }
      if (state.limit === null || state.emitted < state.limit) {
        while (state.pos < state.seq.length) {
          const doc = state.seq.at(state.pos++);
          if (state.filterFn(doc)) {
            state.emitted += 1;
            return { value: doc, done: false };
          }
        }
      }
      delete db._queryResults[queryId];
      return { value: null, done: true };
    },

    paginate(args) {
      noteRead(sourceTable(args.query));
      const watcher = observer();
      const effective =
        watcher?.journalEndCursor && (args.endCursor === null || args.endCursor === undefined)
          ? { ...args, endCursor: watcher.journalEndCursor }
          : args;
      const resolved = resolve(effective.query);
      const result = resolved === null ? original.paginate(effective) : paginate(resolved, effective);
      if (watcher) watcher.pageEnd = effective.endCursor || result.continueCursor;
      return result;
    },

    commit(commitTs = null) {
      const top = db._writes.length === 1 ? db._writes[0] : null;
      const before = top && Object.keys(top).map((id) => [id, db._documents[id]] as const);
      original.commit(commitTs);
      if (!before) return;
      const writes: CommittedWrite[] = [];
      for (const [id, oldDoc] of before) {
        const table = tableNameFromId(id);
        if (table === null) continue;
        const newDoc = db._documents[id];
        if (newDoc) tableMap(table).set(id, newDoc);
        else tableMap(table).delete(id);
        for (const index of indexes.get(table)?.values() ?? []) index.update(oldDoc ?? null, newDoc ?? null);
        writes.push({ id, table, doc: newDoc ?? null });
      }
      if (commitTs !== null) for (const listener of listeners) listener(commitTs, writes);
    },
  };
  Object.assign(db, patched);

  // Schema validation on every write: a fast yes/no first; only an invalid document goes through
  // convex-test's own (slow, throwing) validation, which produces its exact error.
  const validate = db._validate.bind(db);
  db._validate = (tableName: string, doc: unknown) => {
    const validator = db._schema?.schemaValidation ? db._schema.tables.get(tableName)?.documentType : undefined;
    if (validator === undefined || isValid(validator, resolvePending(doc))) return;
    validate(tableName, doc);
  };

  const fast: FastDb = {
    tables,
    rebuild,
    onCommit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setObserver(current) {
      observer = current;
    },
  };
  (db as unknown as { __fastdb?: FastDb }).__fastdb = fast;
  return fast;
}

function paginate(resolved: Resolved, args: PaginateArgs): PageResult {
  const { seq, filterFn, fieldPathsToSortBy, order } = resolved;
  const { cursor, endCursor, pageSize, maximumRowsRead, maximumBytesRead } = args;
  const cursorFields = fieldPathsToSortBy.includes("_id")
    ? fieldPathsToSortBy
    : [...fieldPathsToSortBy, "_id"];
  const cursorKeys = cursor !== "_end_cursor" ? parseCursor(cursor) : null;
  const hasEndBoundary = !!endCursor && endCursor !== "_end_cursor";
  const endKeys = hasEndBoundary ? parseCursor(endCursor) : null;

  // The sequence is sorted by the cursor fields, so the page starts at a binary search.
  let i = 0;
  if (cursor === "_end_cursor") i = seq.length;
  else if (cursorKeys)
    i = firstIndex(seq.length, (k) => compareToCursor(seq.at(k), cursorKeys, cursorFields, order) > 0);

  const page: Doc[] = [];
  const read: number[] = [];
  let continueCursor = "_end_cursor";
  let pageStatus: PageResult["pageStatus"] = null;
  let rowsRead = 0;
  let bytesRead = 0;
  for (; i < seq.length; i++) {
    const doc = seq.at(i);
    if (endKeys) {
      const cmp = compareToCursor(doc, endKeys, cursorFields, order);
      if (cmp >= 0) {
        if (cmp === 0) {
          rowsRead += 1;
          read.push(i);
          if (filterFn(doc)) page.push(doc);
          continueCursor = encodeCursor(doc, cursorFields);
        }
        break;
      }
    }
    rowsRead += 1;
    if (maximumBytesRead) bytesRead += getDocumentSize(doc as Value as Parameters<typeof getDocumentSize>[0]);
    read.push(i);
    const hitLimit =
      (!!maximumRowsRead && rowsRead >= maximumRowsRead) ||
      (!!maximumBytesRead && bytesRead >= maximumBytesRead);
    if (filterFn(doc)) page.push(doc);
    if (hitLimit) {
      pageStatus = "SplitRequired";
      continueCursor = encodeCursor(doc, cursorFields);
      break;
    }
    if (!endCursor && page.length >= pageSize) {
      if (i !== seq.length - 1) continueCursor = encodeCursor(doc, cursorFields);
      break;
    }
  }
  // The real backend's page (cursor, endCursor] always ends at endCursor.
  if (hasEndBoundary && pageStatus === null && continueCursor === "_end_cursor") continueCursor = endCursor;

  let splitCursor: string | null = null;
  const middle = () => encodeCursor(seq.at(read[Math.floor((read.length - 1) / 2)]), cursorFields);
  if (pageStatus === "SplitRequired" && read.length >= 2) {
    splitCursor = middle();
  } else if (pageStatus === null && rowsRead > pageSize + 1 && read.length >= 2) {
    pageStatus = "SplitRecommended";
    splitCursor = middle();
  }
  return { page, isDone: continueCursor === "_end_cursor", continueCursor, splitCursor, pageStatus };
}

// convex-test keeps its state in an AsyncLocalStorage store that it does not export. Watching
// AsyncLocalStorage.run for the duration of one synchronous call finds it.
async function captureGlobal(t: unknown): Promise<{ components: Record<string, { db: DatabaseFake }> }> {
  type Run = (store: unknown, fn: (...a: unknown[]) => unknown, ...args: unknown[]) => unknown;
  const proto = AsyncLocalStorage.prototype as unknown as { run: Run };
  const run = proto.run;
  let found: { components: Record<string, { db: DatabaseFake }>; transactionManager: unknown } | undefined;
  proto.run = function (this: AsyncLocalStorage<unknown>, store, fn, ...args) {
    const s = store as Partial<NonNullable<typeof found>> | null;
    if (s && typeof s === "object" && s.components && s.transactionManager) found ??= s as NonNullable<typeof found>;
    return run.call(this, store, fn, ...args);
  };
  let pending: Promise<unknown>;
  try {
    pending = (t as { run(fn: () => Promise<null>): Promise<null> }).run(async () => null);
  } finally {
    proto.run = run;
  }
  await pending;
  if (!found?.components[""]?.db) {
    throw new Error(
      "convex-test's internal state was not found: was convex-test upgraded? It is pinned to 0.0.60.",
    );
  }
  return found;
}

/** Speed up any convex-test instance's database (the emulator's, or one in a test). */
export async function accelerateConvexTest(t: unknown): Promise<FastDb> {
  return accelerate((await captureGlobal(t)).components[""].db);
}
