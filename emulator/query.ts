/**
 * Queries over one snapshot: index ranges, full table scans and search, with `.filter()`/limit
 * operators and pagination — and the read set each records, which optimistic concurrency control
 * (emulator/occ.ts) and subscriptions check later commits against.
 *
 * A range is read lazily in index order from the latest committed index, skipping documents that
 * changed after the snapshot and merging in their versions as of the snapshot (plus the running
 * transaction's own writes), so `take(10)` of a 100,000-row range reads about 10 rows.
 */
import { convexToJson, getDocumentSize, jsonToConvex, type JSONValue, type Value } from "convex/values";
import { compare, compareKeys, fieldValue, type Doc, type Key, type SortedIndex, type Store } from "./store";

type RangeExpr = { type: "Eq" | "Gt" | "Gte" | "Lt" | "Lte"; fieldPath: string; value: JSONValue };
type SearchFilter = { type: "Search" | "Eq"; fieldPath: string; value: JSONValue };
type Source =
  | { type: "FullTableScan"; tableName: string; order?: "asc" | "desc" | null }
  | { type: "IndexRange"; indexName: string; range: RangeExpr[]; order?: "asc" | "desc" | null }
  | { type: "Search"; indexName: string; filters: SearchFilter[] };
export type Operator = { filter: JSONValue } | { limit: number };
export type SerializedQuery = { source: Source; operators: Operator[] };

export type SchemaInfo = {
  /** Index fields (declared fields + _creationTime + _id), or an Error naming what is wrong. */
  indexFields(table: string, indexName: string): string[];
  searchIndex(table: string, indexName: string): { searchField: string; filterFields: string[] } | null;
};

/** A value written in a query (`{$undefined: null}` is undefined). */
export function queryValue(json: JSONValue | undefined): unknown {
  if (typeof json === "object" && json !== null && !Array.isArray(json) && "$undefined" in json) return undefined;
  return jsonToConvex(json as JSONValue);
}

// The checks Convex makes on a `withIndex` range, with its messages.
export function validateIndexRange(range: RangeExpr[], fields: string[]) {
  let fieldIndex = 0;
  let state: "eq" | "gt" | "lt" | "done" = "eq";
  range.forEach((filter, filterIndex) => {
    if (state === "done") {
      throw new Error(
        "Incorrect operator used in `withIndex`, cannot chain " +
          "more operators after both `.gt` and `.lt` were already used, " +
          `got \`.${filter.type.toLowerCase()}(${filter.fieldPath}, ${JSON.stringify(filter.value)})\`.`,
      );
    }
    const kind = filter.type === "Gt" || filter.type === "Gte" ? "gt" : filter.type === "Lt" || filter.type === "Lte" ? "lt" : "eq";
    const transition = `${state}|${kind}`;
    if (transition === "eq|eq" || transition === "eq|gt" || transition === "eq|lt") {
      if (filter.fieldPath === fields[fieldIndex]) {
        fieldIndex += 1;
        state = kind;
        return;
      }
      throw new Error(`Incorrect field used in \`withIndex\`, expected "${fields[fieldIndex]}", got "${filter.fieldPath}"`);
    }
    if (transition === "lt|gt" || transition === "gt|lt") {
      if (fieldIndex > 0 && filter.fieldPath === fields[fieldIndex - 1]) {
        state = "done";
        return;
      }
      throw new Error(
        "Incorrect field used in `withIndex`, `.gt` and `.lt` must operate on the same field, " +
          `expected "${fields[fieldIndex - 1]}", got "${filter.fieldPath}"`,
      );
    }
    throw new Error(
      `Incorrect operator used in \`withIndex\`, cannot chain \`.${filter.type.toLowerCase()}()\` after \`.${range[filterIndex - 1].type.toLowerCase()}()\``,
    );
  });
}

/** An index range: equal on the first fields, then optional bounds on the next one. */
export class Range {
  private readonly eqs: unknown[];
  private readonly lower?: { value: unknown; inclusive: boolean };
  private readonly upper?: { value: unknown; inclusive: boolean };

  constructor(
    readonly table: string,
    readonly indexName: string,
    readonly fields: string[],
    range: RangeExpr[],
  ) {
    this.eqs = range.filter((r) => r.type === "Eq").map((r) => queryValue(r.value));
    const lower = range.find((r) => r.type === "Gt" || r.type === "Gte");
    const upper = range.find((r) => r.type === "Lt" || r.type === "Lte");
    if (lower) this.lower = { value: queryValue(lower.value), inclusive: lower.type === "Gte" };
    if (upper) this.upper = { value: queryValue(upper.value), inclusive: upper.type === "Lte" };
  }

  private prefix(key: Key): number {
    for (let i = 0; i < this.eqs.length; i++) {
      const c = compare(key[i], this.eqs[i]);
      if (c !== 0) return c;
    }
    return 0;
  }

  beforeStart(key: Key): boolean {
    const c = this.prefix(key);
    if (c !== 0) return c < 0;
    if (!this.lower) return false;
    const b = compare(key[this.eqs.length], this.lower.value);
    return this.lower.inclusive ? b < 0 : b <= 0;
  }

  afterEnd(key: Key): boolean {
    const c = this.prefix(key);
    if (c !== 0) return c > 0;
    if (!this.upper) return false;
    const b = compare(key[this.eqs.length], this.upper.value);
    return this.upper.inclusive ? b > 0 : b >= 0;
  }

  includes(key: Key): boolean {
    return !this.beforeStart(key) && !this.afterEnd(key);
  }

  keyOf(doc: Doc): Key {
    return this.fields.map((f) => fieldValue(doc, f));
  }

  describe(): string {
    return `${this.table}.${this.indexName}`;
  }
}

/**
 * What a function read: points (documents by id), scanned stretches of index ranges, and whole
 * tables (search, count). A write conflicts with it when it touches any of them.
 */
export class ReadSet {
  readonly ids = new Set<string>();
  readonly scans: Scan[] = [];
  readonly tables = new Set<string>();
  /** Every table read, for coarse checks and reports. */
  readonly touched = new Set<string>();

  point(id: string, table: string) {
    this.ids.add(id);
    this.touched.add(table);
  }

  wholeTable(table: string) {
    this.tables.add(table);
    this.touched.add(table);
  }

  scan(scan: Scan) {
    this.scans.push(scan);
    this.touched.add(scan.range.table);
  }

  /** What of this read set a write of `doc` (old or new version) in `table` collides with, if anything. */
  collision(table: string, id: string, docs: Array<Doc | null>): string | null {
    if (this.ids.has(id)) return `document ${id}`;
    if (!this.touched.has(table)) return null;
    if (this.tables.has(table)) return `table ${table}`;
    for (const scan of this.scans) {
      if (scan.range.table !== table) continue;
      for (const doc of docs) if (doc && scan.covers(scan.range.keyOf(doc))) return `range ${scan.describe()}`;
    }
    return null;
  }

  get size(): number {
    return this.ids.size + this.scans.length + this.tables.size;
  }
}

/**
 * The stretch of a range a stream actually read, in its order: after `from` (exclusive, a
 * pagination cursor) up to `to` (inclusive, the last key read), or to the range's end once done.
 */
export class Scan {
  to: Key | null = null;
  done = false;
  constructor(
    readonly range: Range,
    readonly order: "asc" | "desc",
    readonly from: Key | null,
  ) {}

  covers(key: Key): boolean {
    if (!this.range.includes(key)) return false;
    const sign = this.order === "asc" ? 1 : -1;
    if (this.from && compareKeys(key, this.from) * sign <= 0) return false;
    if (this.done) return true;
    if (this.to === null) return false;
    return compareKeys(key, this.to) * sign <= 0;
  }

  describe(): string {
    const bound = (k: Key | null) => (k ? JSON.stringify(k.slice(0, -2).map((v) => (v === undefined ? null : convexToJson(v as Value)))) : "…");
    return `${this.range.describe()} ${this.order} (${bound(this.from)} → ${this.done ? "end" : bound(this.to)})`;
  }
}

/** A snapshot as one function sees it: committed state at `ts`, plus its own pending writes. */
export type View = {
  store: Store;
  ts: bigint;
  pending: Map<string, Doc | null>;
};

/** Documents of `table` whose version in `view` differs from the latest committed one. */
function overlayOf(view: View, table: string): Map<string, Doc | null> {
  const overlay = view.store.changedSince(table, view.ts);
  for (const [id, doc] of view.pending) if (id.endsWith(table) && tableOf(id) === table) overlay.set(id, doc);
  return overlay;
}

function tableOf(id: string): string {
  const match = /^[0-9]+/.exec(id);
  return match ? id.slice(match[0].length) : "";
}

/**
 * Reads one range in order, lazily, merging the latest index with the view's overlay. Other
 * transactions commit between two reads (each read is its own syscall), moving entries of the
 * live index: after a commit the stream finds its place again by the last key it returned, with
 * a fresh overlay, so it still reads exactly its snapshot (never a row twice, never skips one).
 */
export class RangeStream {
  private pos = 0;
  private end = 0;
  private start = 0;
  private overlay: Entry[] = [];
  private o = 0;
  private hidden = new Set<string>();
  private readonly index: SortedIndex;
  /** The store's last commit when the position was found. */
  private at: bigint = -1n;
  /** The key of the last document returned. */
  private last: Key | null = null;

  constructor(
    private readonly view: View,
    readonly scan: Scan,
  ) {
    this.index = view.store.index(scan.range.table, scan.range.indexName);
    this.place(scan.from);
  }

  /** Position the stream just after `from` (exclusive; null: the range's start) at the store's latest state. */
  private place(from: Key | null) {
    const { range, order } = this.scan;
    const view = this.view;
    this.at = view.store.lastTs;
    const entries = this.index.entries;
    const sign = order === "asc" ? 1 : -1;
    const overlayDocs = overlayOf(view, range.table);
    this.hidden = new Set(overlayDocs.keys());
    this.overlay = [];
    this.o = 0;
    for (const doc of overlayDocs.values()) {
      if (!doc) continue;
      const key = range.keyOf(doc);
      if (!range.includes(key)) continue;
      if (from && compareKeys(key, from) * sign <= 0) continue;
      this.overlay.push({ key, doc });
    }
    this.overlay.sort((a, b) => compareKeys(a.key, b.key) * sign);
    let start = 0;
    let end = entries.length;
    const lo = (i: number) => !range.beforeStart(entries.at(i)!.key);
    const hi = (i: number) => range.afterEnd(entries.at(i)!.key);
    start = bisect(entries.length, lo);
    end = Math.max(start, bisect(entries.length, hi));
    if (from) {
      if (order === "asc") start = Math.max(start, this.index.position(from, true));
      else end = Math.min(end, this.index.position(from, false));
    }
    this.start = start;
    this.end = Math.max(start, end);
    this.pos = order === "asc" ? this.start : this.end - 1;
  }

  /** The next document in range order, or null at the end (which marks the scan done). */
  next(): Doc | null {
    if (this.view.store.lastTs !== this.at) this.place(this.last ?? this.scan.from);
    const asc = this.scan.order === "asc";
    let base: Entry | undefined;
    while (asc ? this.pos < this.end : this.pos >= this.start) {
      const entry = this.index.entries.at(this.pos)!;
      if (!this.hidden.has(entry.doc._id)) {
        base = entry;
        break;
      }
      this.pos += asc ? 1 : -1;
    }
    const mine = this.overlay[this.o];
    let pick: Entry | undefined;
    if (base && mine) {
      const c = compareKeys(base.key, mine.key) * (asc ? 1 : -1);
      pick = c < 0 ? base : mine;
    } else {
      pick = base ?? mine;
    }
    if (!pick) {
      this.scan.done = true;
      return null;
    }
    if (pick === base) this.pos += asc ? 1 : -1;
    else this.o += 1;
    this.scan.to = pick.key;
    this.last = pick.key;
    return pick.doc;
  }
}

type Entry = { key: Key; doc: Doc };

function bisect(length: number, pred: (i: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// ---------------------------------------------------------------------------------------------
// Filters

type Expr = Record<string, unknown>;

function evaluate(doc: Doc, expr: Expr): unknown {
  const pair = (op: string) => {
    const [l, r] = expr[op] as [Expr, Expr];
    return [evaluate(doc, l), evaluate(doc, r)] as const;
  };
  if ("$field" in expr) return fieldValue(doc, expr.$field as string);
  if ("$literal" in expr) return queryValue(expr.$literal as JSONValue);
  if ("$eq" in expr) return compare(...pair("$eq")) === 0;
  if ("$neq" in expr) return compare(...pair("$neq")) !== 0;
  if ("$lt" in expr) return compare(...pair("$lt")) < 0;
  if ("$lte" in expr) return compare(...pair("$lte")) <= 0;
  if ("$gt" in expr) return compare(...pair("$gt")) > 0;
  if ("$gte" in expr) return compare(...pair("$gte")) >= 0;
  if ("$and" in expr) return (expr.$and as Expr[]).every((e) => evaluate(doc, e) === true);
  if ("$or" in expr) return (expr.$or as Expr[]).some((e) => evaluate(doc, e) === true);
  if ("$not" in expr) return evaluate(doc, expr.$not as Expr) !== true;
  const arith = (op: string, f: (a: number, b: number) => number) => {
    const [a, b] = pair(op) as unknown as [number, number];
    if (typeof a !== typeof b || (typeof a !== "number" && typeof a !== "bigint")) return undefined;
    return f(a, b);
  };
  if ("$add" in expr) return arith("$add", (a, b) => a + b);
  if ("$sub" in expr) return arith("$sub", (a, b) => a - b);
  if ("$mul" in expr) return arith("$mul", (a, b) => a * b);
  if ("$div" in expr) return arith("$div", (a, b) => a / b);
  if ("$mod" in expr) return arith("$mod", (a, b) => a % b);
  if ("$neg" in expr) {
    const v = evaluate(doc, expr.$neg as Expr);
    return typeof v === "number" || typeof v === "bigint" ? -v : undefined;
  }
  throw new Error(`Unsupported filter expression ${JSON.stringify(expr)}`);
}

/** Applies the operators in order: a document passes each filter; each limit ends the stream when reached. */
export class Operators {
  private readonly counts: number[];
  constructor(private readonly operators: Operator[]) {
    this.counts = operators.map(() => 0);
  }

  /** "pass", "skip", or "stop" (a limit was already reached: read nothing more). */
  apply(doc: Doc): "pass" | "skip" | "stop" {
    for (let i = 0; i < this.operators.length; i++) {
      const op = this.operators[i];
      if ("filter" in op) {
        if (evaluate(doc, op.filter as Expr) !== true) return "skip";
      } else {
        if (this.counts[i] >= op.limit) return "stop";
        this.counts[i] += 1;
      }
    }
    return "pass";
  }

  /** Whether a limit is already reached before reading anything more. */
  exhausted(): boolean {
    return this.operators.some((op, i) => "limit" in op && this.counts[i] >= op.limit);
  }
}

// ---------------------------------------------------------------------------------------------
// Search

const MAX_SEARCH_RESULTS = 1024;

function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0);
}

/** Search in relevance order: documents holding a query term (the last one as a prefix), best first. */
function searchResults(view: View, table: string, searchField: string, filters: SearchFilter[]): Doc[] {
  const search = filters.find((f) => f.type === "Search");
  const eqs = filters.filter((f) => f.type === "Eq").map((f) => ({ path: f.fieldPath, value: queryValue(f.value) }));
  const terms = search ? tokens(String(queryValue(search.value) ?? "")) : [];
  const last = terms.length - 1;
  const scored: Array<{ doc: Doc; score: number }> = [];
  const seen = new Set<string>();
  const consider = (doc: Doc | null) => {
    if (!doc || seen.has(doc._id)) return;
    seen.add(doc._id);
    if (!eqs.every((e) => compare(fieldValue(doc, e.path), e.value) === 0)) return;
    const text = fieldValue(doc, searchField);
    if (typeof text !== "string") return;
    const words = tokens(text);
    let score = 0;
    terms.forEach((term, i) => {
      if (words.some((w) => w === term || (i === last && w.startsWith(term)))) score += 1;
    });
    if (score > 0) scored.push({ doc, score });
  };
  const overlay = overlayOf(view, table);
  for (const doc of overlay.values()) consider(doc);
  for (const [id, doc] of view.store.table(table)) if (!overlay.has(id)) consider(doc);
  scored.sort((a, b) => b.score - a.score || b.doc._creationTime - a.doc._creationTime);
  return scored.slice(0, MAX_SEARCH_RESULTS).map((s) => s.doc);
}

// ---------------------------------------------------------------------------------------------
// Planning

export type Plan =
  | { kind: "range"; range: Range; order: "asc" | "desc" }
  | { kind: "search"; table: string; searchField: string; filters: SearchFilter[] };

export function plan(query: SerializedQuery, schema: SchemaInfo): Plan {
  const source = query.source;
  if (source.type === "Search") {
    const [table, indexName] = source.indexName.split(".");
    const index = schema.searchIndex(table, indexName);
    if (!index) throw new Error(`Cannot use search index "${indexName}" for table "${table}" because it is not declared in the schema.`);
    return { kind: "search", table, searchField: index.searchField, filters: source.filters };
  }
  const order = source.order ?? "asc";
  if (source.type === "FullTableScan") {
    const fields = schema.indexFields(source.tableName, "by_creation_time");
    return { kind: "range", range: new Range(source.tableName, "by_creation_time", fields, []), order };
  }
  const [table, indexName] = source.indexName.split(".");
  const fields = schema.indexFields(table, indexName);
  validateIndexRange(source.range, fields);
  return { kind: "range", range: new Range(table, indexName, fields, source.range), order };
}

export function tableOfQuery(query: SerializedQuery): string {
  const source = query.source;
  return source.type === "FullTableScan" ? source.tableName : source.indexName.split(".")[0];
}

/** A running `db.query(...)` stream. */
export class QueryStream {
  private readonly operators: Operators;
  private readonly range: RangeStream | null;
  private readonly results: Doc[] | null;
  private i = 0;
  private finished = false;

  constructor(view: View, query: SerializedQuery, schema: SchemaInfo, reads: ReadSet) {
    this.operators = new Operators(query.operators);
    const p = plan(query, schema);
    if (p.kind === "search") {
      reads.wholeTable(p.table);
      this.range = null;
      this.results = searchResults(view, p.table, p.searchField, p.filters);
    } else {
      const scan = new Scan(p.range, p.order, null);
      reads.scan(scan);
      this.range = new RangeStream(view, scan);
      this.results = null;
    }
  }

  /** The next document that passes the operators, and the documents read to find it. */
  next(onRead: (doc: Doc) => void): Doc | null {
    if (this.finished) return null;
    if (this.operators.exhausted()) {
      this.finished = true;
      return null;
    }
    for (;;) {
      const doc = this.range ? this.range.next() : (this.results![this.i++] ?? null);
      if (doc === null) {
        this.finished = true;
        return null;
      }
      onRead(doc);
      const verdict = this.operators.apply(doc);
      if (verdict === "pass") return doc;
      if (verdict === "stop") {
        this.finished = true;
        return null;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Pagination

export type PaginateArgs = {
  query: SerializedQuery;
  cursor: string | null;
  endCursor?: string | null;
  pageSize: number;
  maximumRowsRead?: number | null;
  maximumBytesRead?: number | null;
};
export type PageResult = {
  page: Doc[];
  isDone: boolean;
  continueCursor: string;
  splitCursor: string | null;
  pageStatus: "SplitRecommended" | "SplitRequired" | null;
};

const END = "_end_cursor";

function encodeCursor(key: Key): string {
  return JSON.stringify(key.map((k) => (k === undefined ? null : JSON.stringify(convexToJson(k as Value)))));
}

function decodeCursor(cursor: string): Key {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    throw new Error(`Failed to parse cursor: ${cursor.slice(0, 100)}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`Failed to parse cursor: ${cursor.slice(0, 100)}`);
  return parsed.map((k) => (k === null ? undefined : jsonToConvex(JSON.parse(String(k)) as JSONValue)));
}

/**
 * One page of a query, Convex's way: the page holds documents after `cursor` until `pageSize`
 * pass the filters, or exactly up to `endCursor` when given (a reactive page keeps its end),
 * or until the row/byte budget is spent (SplitRequired).
 */
export function paginate(view: View, args: PaginateArgs, schema: SchemaInfo, reads: ReadSet, onRead: (doc: Doc) => void): PageResult {
  const p = plan(args.query, schema);
  const operators = new Operators(args.query.operators);
  const { pageSize, maximumRowsRead, maximumBytesRead } = args;
  const endCursor = args.endCursor && args.endCursor !== END ? args.endCursor : null;

  // Search results have no index order: their cursor is a position in the ranked results.
  if (p.kind === "search") {
    reads.wholeTable(p.table);
    const results = searchResults(view, p.table, p.searchField, p.filters);
    const start = args.cursor && args.cursor !== END ? Number(JSON.parse(args.cursor).search) : args.cursor === END ? results.length : 0;
    const stop = endCursor ? Number(JSON.parse(endCursor).search) : Infinity;
    const page: Doc[] = [];
    let i = start;
    for (; i < results.length && i < stop && (endCursor || page.length < pageSize); i++) {
      onRead(results[i]);
      if (operators.apply(results[i]) === "pass") page.push(results[i]);
    }
    const isDone = i >= results.length;
    return { page, isDone, continueCursor: isDone ? END : JSON.stringify({ search: i }), splitCursor: null, pageStatus: null };
  }

  const from = args.cursor === END ? null : args.cursor ? decodeCursor(args.cursor) : null;
  const scan = new Scan(p.range, p.order, from);
  reads.scan(scan);
  if (args.cursor === END) {
    scan.done = true;
    return { page: [], isDone: true, continueCursor: END, splitCursor: null, pageStatus: null };
  }
  const stream = new RangeStream(view, scan);
  const endKey = endCursor ? decodeCursor(endCursor) : null;
  const sign = p.order === "asc" ? 1 : -1;
  const page: Doc[] = [];
  const read: Key[] = [];
  let bytes = 0;
  let continueCursor = END;
  let pageStatus: PageResult["pageStatus"] = null;
  for (;;) {
    const doc = stream.next();
    if (doc === null) break;
    const key = p.range.keyOf(doc);
    if (endKey && compareKeys(key, endKey) * sign > 0) {
      // Read one past the end: the scan covers only up to the end cursor.
      scan.done = false;
      scan.to = endKey;
      continueCursor = endCursor!;
      break;
    }
    onRead(doc);
    read.push(key);
    if (maximumBytesRead) bytes += getDocumentSize(doc as Value as Parameters<typeof getDocumentSize>[0]);
    const verdict = operators.apply(doc);
    if (verdict === "pass") page.push(doc);
    if (endKey && compareKeys(key, endKey) === 0) {
      continueCursor = endCursor!;
      break;
    }
    const overBudget = (!!maximumRowsRead && read.length >= maximumRowsRead) || (!!maximumBytesRead && bytes >= maximumBytesRead);
    if (overBudget) {
      pageStatus = "SplitRequired";
      continueCursor = encodeCursor(key);
      break;
    }
    if (!endKey && page.length >= pageSize) {
      // A page that ends with the range's last document is the last page.
      if (stream.next() !== null) continueCursor = encodeCursor(key);
      break;
    }
  }
  // A page with an end cursor always ends exactly there, even when the rows up to it were deleted.
  if (endKey && pageStatus === null) {
    continueCursor = endCursor!;
    if (scan.done) {
      scan.done = false;
      scan.to = endKey;
    }
  }
  let splitCursor: string | null = null;
  if (pageStatus === "SplitRequired" && read.length >= 2) {
    splitCursor = encodeCursor(read[Math.floor((read.length - 1) / 2)]);
  } else if (pageStatus === null && read.length > pageSize + 1 && read.length >= 2) {
    pageStatus = "SplitRecommended";
    splitCursor = encodeCursor(read[Math.floor((read.length - 1) / 2)]);
  }
  return { page, isDone: continueCursor === END, continueCursor, splitCursor, pageStatus };
}
