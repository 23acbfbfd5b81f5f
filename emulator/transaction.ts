/**
 * One query's or mutation's transaction: reads at its begin timestamp (a consistent snapshot),
 * its own writes on top, the read set optimistic concurrency control checks at commit, the
 * scheduled functions it creates, and Convex's per-transaction limits.
 */
import { getConvexSize, getDocumentSize, jsonToConvex, type JSONValue, type Value } from "convex/values";
import { checkValueShape, LimitError, LIMITS } from "./limits";
import { paginate, QueryStream, ReadSet, type PageResult, type PaginateArgs, type SchemaInfo, type SerializedQuery, type View } from "./query";
import { tableNameFromId, type Doc, type Store } from "./store";
import { isValid, mismatch, type ValidatorJson } from "./validate";

export type Schema = SchemaInfo & {
  /** The document validator of a table, if the schema validates it. */
  documentType(table: string): ValidatorJson | undefined;
  /** Whether `table` is declared (writes to undeclared tables are refused when the schema validates). */
  hasTable(table: string): boolean;
  /** The schema's `schemaValidation` (documents are checked against it). */
  validates(): boolean;
};

export const SYSTEM_TABLES = new Set(["_scheduled_functions", "_storage"]);

/** A value written by a patch: `{$undefined: null}` removes the field. */
function writtenValue(json: JSONValue): unknown {
  if (typeof json === "object" && json !== null && !Array.isArray(json) && "$undefined" in json) return undefined;
  return jsonToConvex(json);
}

/** Sizes as Convex prints them (KiB/MiB). */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(2)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(2)} KiB`;
  return `${n} B`;
}

// Documents are never changed in place (a write makes a new object), so a size is computed once.
const SIZES = new WeakMap<Doc, number>();

function sizeOf(doc: Doc): number {
  let size = SIZES.get(doc);
  if (size === undefined) {
    size = getDocumentSize(doc as Value as Parameters<typeof getDocumentSize>[0]);
    SIZES.set(doc, size);
  }
  return size;
}

export class Transaction {
  readonly reads = new ReadSet();
  readonly writes = new Map<string, Doc | null>();
  private readonly streams = new Map<number, QueryStream>();
  private nextStream = 1;
  documentsRead = 0;
  bytesRead = 0;
  bytesWritten = 0;
  indexRanges = 0;
  scheduledCount = 0;
  scheduledBytes = 0;
  /** Set when the transaction can no longer be used (committed, aborted, timed out). */
  closed: string | null = null;

  constructor(
    readonly store: Store,
    readonly schema: Schema,
    readonly ts: bigint,
    readonly mutable: boolean,
  ) {}

  private get view(): View {
    return { store: this.store, ts: this.ts, pending: this.writes };
  }

  private open() {
    if (this.closed) throw new Error(this.closed);
  }

  private countRead(doc: Doc) {
    this.documentsRead += 1;
    this.bytesRead += sizeOf(doc);
    if (this.documentsRead > LIMITS.documentsRead) {
      throw new LimitError(
        `TooManyDocumentsRead: Too many documents read in a single function execution (limit: ${LIMITS.documentsRead}). Consider using smaller limits in your queries, paginating your queries, or using indexed queries with a selective index range expressions.`,
      );
    }
    if (this.bytesRead > LIMITS.bytesRead) {
      throw new LimitError(
        `TooManyBytesRead: Too many bytes read in a single function execution (limit: ${LIMITS.bytesRead} bytes). Consider using smaller limits in your queries, paginating your queries, or using indexed queries with a selective index range expressions.`,
      );
    }
  }

  private countRange() {
    this.indexRanges += 1;
    if (this.indexRanges > LIMITS.indexRangesRead) {
      throw new LimitError(
        `TooManyReads: Too many reads in a single function execution (limit: ${LIMITS.indexRangesRead}). Consider using smaller limits in your queries, paginating your queries, or using indexed queries with a selective index range expressions.`,
      );
    }
  }

  private checkId(id: unknown, table: string | undefined): string {
    if (typeof id !== "string") throw new Error(`Invalid argument \`id\`, expected string but got '${typeof id}': ${String(id)}`);
    const actual = tableNameFromId(id);
    if (actual === null) throw new Error(`Invalid argument \`id\`, expected ID value but got '${id}'`);
    if (table !== undefined && actual !== table) {
      throw new Error(`Invalid argument \`id\`, expected ID in table '${table}' but got ID in table '${actual}'`);
    }
    return actual;
  }

  /** The document as this transaction sees it (its own writes first). */
  read(id: string, table?: string): Doc | null {
    this.open();
    const actual = this.checkId(id, table);
    this.countRange();
    this.reads.point(id, actual);
    const doc = this.writes.has(id) ? this.writes.get(id)! : this.store.versionAt(id, this.ts);
    if (doc) this.countRead(doc);
    return doc;
  }

  startQuery(query: SerializedQuery): number {
    this.open();
    this.countRange();
    const id = this.nextStream++;
    this.streams.set(id, new QueryStream(this.view, query, this.schema, this.reads));
    return id;
  }

  queryNext(queryId: number): { value: Doc | null; done: boolean } {
    this.open();
    const stream = this.streams.get(queryId);
    if (!stream) return { value: null, done: true };
    const value = stream.next((doc) => this.countRead(doc));
    if (value === null) this.streams.delete(queryId);
    return { value, done: value === null };
  }

  closeQuery(queryId: number) {
    this.streams.delete(queryId);
  }

  paginate(args: PaginateArgs): PageResult {
    this.open();
    this.countRange();
    return paginate(this.view, args, this.schema, this.reads, (doc) => this.countRead(doc));
  }

  /** Documents in a table at this snapshot (`db.query(t).count()`-style): reads the whole table. */
  count(table: string): number {
    this.open();
    this.reads.wholeTable(table);
    const overlay = this.store.changedSince(table, this.ts);
    for (const [id, doc] of this.writes) if (tableNameFromId(id) === table) overlay.set(id, doc);
    let n = 0;
    for (const id of this.store.table(table).keys()) if (!overlay.has(id)) n++;
    for (const doc of overlay.values()) if (doc) n++;
    return n;
  }

  // ---- writes -------------------------------------------------------------------------------

  private writable(table: string, system = false) {
    this.open();
    if (!this.mutable) throw new Error("Cannot write in a query: queries are read-only. Use a mutation to write.");
    if (!system && table.startsWith("_")) throw new Error("System tables (prefixed with `_`) are read-only.");
  }

  private validate(table: string, doc: Record<string, unknown>, system: boolean) {
    checkValueShape(doc);
    const size = getConvexSize(doc as Value);
    if (size > LIMITS.documentSize) {
      throw new LimitError(`ValueTooLargeError: Value is too large (${formatBytes(size)} > maximum size 1 MiB)`);
    }
    if (system || !this.schema.validates()) return;
    if (!this.schema.hasTable(table)) {
      throw new Error(`Failed to insert or update a document in table "${table}" because it does not match the schema: the table "${table}" is not in the schema.`);
    }
    const validator = this.schema.documentType(table);
    if (validator && !isValid(validator, doc)) {
      throw new Error(`Failed to insert or update a document in table "${table}" because it does not match the schema: ${mismatch(validator, doc)}`);
    }
  }

  private put(id: string, doc: Doc | null) {
    const before = this.writes.size;
    this.writes.set(id, doc);
    if (this.writes.size > before && this.writes.size > LIMITS.documentsWritten) {
      throw new LimitError(`TooManyWrites: Too many writes in a single function execution (limit: ${LIMITS.documentsWritten})`);
    }
    if (doc) {
      this.bytesWritten += sizeOf(doc);
      if (this.bytesWritten > LIMITS.bytesWritten) {
        throw new LimitError(`TooManyBytesWritten: Too many bytes written in a single function execution (limit: 16 MiB)`);
      }
    }
  }

  insert(table: string, value: Record<string, unknown>, system = false): string {
    this.writable(table, system);
    for (const field of Object.keys(value)) {
      if (field.startsWith("_") && !system) throw new Error(`Field names can't start with "_" (got \`${field}\`) in table "${table}".`);
    }
    this.validate(table, value, system);
    const _id = this.store.newId(table);
    const doc = { ...value, _id, _creationTime: this.store.newCreationTime() } as Doc;
    this.put(_id, doc);
    return _id;
  }

  private existing(id: unknown, table: string | undefined, verb: string): Doc {
    const doc = this.read(id as string, table);
    if (doc === null) throw new Error(`${verb} on nonexistent document ID ${String(id)}`);
    return doc;
  }

  patch(id: string, table: string | undefined, value: Record<string, JSONValue>, system = false): void {
    const actual = this.checkId(id, table);
    this.writable(actual, system);
    const doc = this.existing(id, table, "Update");
    const next: Record<string, unknown> = { ...doc };
    for (const [k, json] of Object.entries(value)) {
      const v = writtenValue(json);
      if ((k === "_id" || k === "_creationTime") && v !== undefined && v !== doc[k]) {
        throw new Error(`Provided \`${k}\` field value ${JSON.stringify(json)} does not match the document's ${k}.`);
      }
      if (k === "_id" || k === "_creationTime") continue;
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    const { _id: _i, _creationTime: _c, ...fields } = next;
    this.validate(actual, fields, system);
    this.put(id, next as Doc);
  }

  replace(id: string, table: string | undefined, value: Record<string, JSONValue>): void {
    const actual = this.checkId(id, table);
    this.writable(actual);
    const doc = this.existing(id, table, "Replace");
    const fields: Record<string, unknown> = {};
    for (const [k, json] of Object.entries(value)) {
      const v = writtenValue(json);
      if (k === "_id" || k === "_creationTime") {
        if (v !== undefined && v !== doc[k]) throw new Error(`Provided \`${k}\` field value does not match the document's ${k}.`);
        continue;
      }
      if (v !== undefined) fields[k] = v;
    }
    this.validate(actual, fields, false);
    this.put(id, { ...fields, _id: doc._id, _creationTime: doc._creationTime } as Doc);
  }

  remove(id: string, table: string | undefined, system = false): void {
    const actual = this.checkId(id, table);
    this.writable(actual, system);
    this.existing(id, table, "Delete");
    this.put(id, null);
  }

  /** Record a scheduled function (a `_scheduled_functions` document, committed with the rest). */
  schedule(name: string, args: Record<string, Value>, scheduledTime: number): string {
    this.scheduledCount += 1;
    this.scheduledBytes += getConvexSize(args as Value);
    if (this.scheduledCount > LIMITS.scheduledPerMutation) {
      throw new LimitError(`TooManyFunctionsScheduled: Too many functions scheduled by this mutation (limit: ${LIMITS.scheduledPerMutation})`);
    }
    if (this.scheduledBytes > LIMITS.scheduledArgsSize) {
      throw new LimitError(`ScheduledFunctionsArgumentsTooLarge: Too large total size of the arguments of scheduled functions from this mutation (limit: ${LIMITS.scheduledArgsSize} bytes)`);
    }
    return this.insert("_scheduled_functions", { name, args: [args], scheduledTime, state: { kind: "pending" } }, true);
  }

  cancelJob(id: string): void {
    const job = this.read(id, "_scheduled_functions") as (Doc & { state: { kind: string } }) | null;
    if (!job) throw new Error(`Scheduled function ${id} not found`);
    if (job.state.kind === "pending" || job.state.kind === "inProgress") {
      this.patch(id, "_scheduled_functions", { state: { kind: "canceled" } as unknown as JSONValue }, true);
    }
  }

  /** A savepoint for a nested mutation: restore it if the nested call fails. */
  savepoint(): () => void {
    const saved = new Map(this.writes);
    const counters = [this.bytesWritten, this.scheduledCount, this.scheduledBytes] as const;
    return () => {
      this.writes.clear();
      for (const [k, v] of saved) this.writes.set(k, v);
      [this.bytesWritten, this.scheduledCount, this.scheduledBytes] = counters;
    };
  }
}
