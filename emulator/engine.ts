/**
 * The engine: a small Convex backend for this project's functions. It loads the Convex CLI's
 * bundles (emulator/bundle.ts), runs default-runtime functions in V8-like VM contexts
 * (emulator/isolate.ts) and `"use node"` actions in Node (emulator/nodeRuntime.ts), and serves
 * their syscalls from an MVCC store (emulator/store.ts):
 *
 * - queries and mutations run concurrently, each on the snapshot of its begin timestamp;
 * - a mutation commits only if nothing it read was overwritten meanwhile (emulator/occ.ts);
 *   otherwise it runs again, with Convex's retry policy, and fails with Convex's error when the
 *   retries run out;
 * - arguments, return values and documents are validated, and Convex's limits enforced
 *   (emulator/limits.ts), with a deployment's concurrency limits (emulator/concurrency.ts).
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import path from "node:path";
import type { UserIdentity } from "convex/server";
import { convexToJson, getConvexSize, jsonToConvex, type JSONValue, type Value } from "convex/values";
import { loadBundles, nodeExportProblems, type Bundles } from "./bundle";
import { Limiter, concurrencyFromEnv, NODE_EXECUTOR_RETRY, RETRY, type ConcurrencyLimits, type Pool } from "./concurrency";
import { IsolatePool, type Invocation, type IsolateContext } from "./isolate";
import { LimitError, LIMITS } from "./limits";
import { importNodeModule, runInNode } from "./nodeRuntime";
import { findConflict, type Conflict } from "./occ";
import type { PageResult, PaginateArgs, ReadSet, SerializedQuery } from "./query";
import { FileStorage } from "./storage";
import { Store, tableNameFromId, type CommitListener, type Doc } from "./store";
import { formatBytes, Transaction, type Schema } from "./transaction";
import { mismatch, type ValidatorJson } from "./validate";

export type { FunctionKind } from "./isolate";
export type Identity = Partial<UserIdentity> & { subject: string; issuer: string; tokenIdentifier: string };
export type FunctionError = { errorMessage: string; errorData?: JSONValue };

export class FunctionFailure extends Error {
  constructor(
    readonly failure: FunctionError,
    /** "FunctionNotFound" when no such function exists. */
    readonly code?: "FunctionNotFound" | "OccFailure",
  ) {
    super(failure.errorMessage);
  }
}

/** Convert a thrown value into what clients receive: a message, and ConvexError data. */
export function describeError(error: unknown): FunctionError {
  if (error instanceof FunctionFailure) return error.failure;
  if (typeof error === "object" && error !== null && Symbol.for("ConvexError") in error) {
    const e = error as { message: string; data: unknown };
    const data = typeof e.data === "string" ? (JSON.parse(e.data) as JSONValue) : convexToJson(e.data as Value);
    return { errorMessage: `Uncaught ConvexError: ${e.message}`, errorData: data };
  }
  if (error instanceof Error || (typeof error === "object" && error !== null && "message" in error)) {
    const e = error as { name?: string; message: string };
    return { errorMessage: `Uncaught ${e.name ?? "Error"}: ${e.message}` };
  }
  return { errorMessage: `Uncaught ${String(error)}` };
}

type Registered = {
  isQuery?: boolean;
  isMutation?: boolean;
  isAction?: boolean;
  isPublic?: boolean;
  isInternal?: boolean;
  isHttp?: boolean;
  exportArgs?: () => string;
  exportReturns?: () => string;
  invokeQuery?: (args: string) => Promise<string>;
  invokeMutation?: (args: string) => Promise<string>;
  invokeAction?: (requestId: string, args: string) => Promise<string>;
  invokeHttpAction?: (request: Request) => Promise<Response>;
};

export type Resolved = {
  udfPath: string;
  runtime: "isolate" | "node";
  kind: "query" | "mutation" | "action";
  isPublic: boolean;
  args: ValidatorJson | null;
  returns: ValidatorJson | null;
};

type Router = { lookup(path: string, method: string): [Registered, string, string] | null };

type TableExport = {
  indexes: Array<{ indexDescriptor: string; fields: string[] }>;
  searchIndexes?: Array<{ indexDescriptor: string; searchField: string; filterFields: string[] }>;
  documentType?: ValidatorJson | null;
};

export type PersistedState = {
  documents: Array<[string, JSONValue]>;
  nextDocId: number;
  lastCreationTime: number;
  lastCommitTs: string;
};

/** Counts the emulator reports at GET /_emulator/status. */
export type OccStats = {
  conflicts: number;
  retries: number;
  failures: number;
  byFunction: Record<string, { conflicts: number; retries: number; failures: number }>;
  byTable: Record<string, number>;
};

/**
 * A query's result at `ts` and what it read. With `hold`, its snapshot stays pinned until
 * `release()`, so the caller can check commits since `ts` against `reads` (`invalidatedSince`)
 * once it has recorded the result, without a gap in which a commit could slip by.
 */
export type QueryRun = { value: Value; reads: ReadSet; ts: bigint; pageEnd?: string; release: () => void };

/** Where a mutation was called from: it decides the retry budget. */
export type Origin = "client" | "action" | "scheduler" | "cron";

const TRACE = () => process.env.EMULATOR_TRACE === "1";

function parseUdfPath(udfPath: string): { modulePath: string; exportName: string; normalized: string } {
  const [rawModule, exportName = "default"] = udfPath.split(":");
  const modulePath = rawModule.replace(/\.js$/, "");
  return { modulePath, exportName, normalized: `${modulePath}:${exportName}` };
}

/** A function address from a syscall (`name`, or a `function://` handle), as a udf path. */
function addressOf(args: { name?: string; functionHandle?: string; reference?: string }): string {
  if (args.functionHandle) return args.functionHandle.replace(/^function:\/\//, "").replace(/^[^;]*;/, "");
  if (args.name) return parseUdfPath(args.name).normalized;
  throw new Error(`Components are not emulated (function reference ${String(args.reference)})`);
}

function seeded(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function toJsonString(value: Value): string {
  return JSON.stringify(convexToJson(value));
}

/** The JSON form each function result arrived in, so it is not converted back for the client. */
const RESULT_JSON = new WeakMap<object, JSONValue>();

/** A function result's JSON form (kept from the isolate's answer when there is one). */
export function resultJson(value: Value): JSONValue {
  return (typeof value === "object" && value !== null && RESULT_JSON.get(value)) || convexToJson(value);
}

function parseResult(text: string): Value {
  const json = JSON.parse(text) as JSONValue;
  const value = jsonToConvex(json);
  if (typeof value === "object" && value !== null) RESULT_JSON.set(value, json);
  return value;
}

/**
 * Let other functions, timers and I/O run if the event loop has not turned for a while (0.5 ms):
 * concurrent functions interleave as they would around a database's round trips, without a
 * full loop turn on every read of a fast query.
 */
let lastTurn = performance.now();
function yieldToOthers(): Promise<void> | void {
  if (performance.now() - lastTurn < 0.5) return;
  return new Promise((resolve) =>
    setImmediate(() => {
      lastTurn = performance.now();
      resolve();
    }),
  );
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An error a syscall throws into user code; `data` makes the `convex` library rethrow a ConvexError. */
function syscallError(error: unknown): Error {
  const failure = describeError(error);
  const message = failure.errorMessage.replace(/^Uncaught (ConvexError: )?/, "");
  return Object.assign(new Error(message), failure.errorData !== undefined ? { data: failure.errorData } : {});
}

export type EngineOptions = {
  convexDir: string;
  siteUrl: string;
  /** The deployment URL (storage URLs are on it). */
  cloudUrl?: string;
  log?: (line: string) => void;
  concurrency?: Partial<ConcurrencyLimits>;
  /** Where file storage keeps blobs; null keeps them in memory. */
  storageDir?: string | null;
};

export class Engine {
  readonly store: Store;
  readonly storage: FileStorage;
  readonly occ: OccStats = { conflicts: 0, retries: 0, failures: 0, byFunction: {}, byTable: {} };
  readonly calls: Record<string, number> = {};
  private bundles!: Bundles;
  private pool!: IsolatePool;
  private nodeModules = new Map<string, Record<string, unknown>>();
  private tables = new Map<string, TableExport>();
  private schemaValidates = false;
  private readonly limiter: Limiter;
  readonly limits: ConcurrencyLimits;
  private modulesByPath = new Map<string, Record<string, unknown>>();
  private readonly log: (line: string) => void;

  private constructor(
    readonly convexDir: string,
    readonly siteUrl: string,
    readonly cloudUrl: string,
    options: EngineOptions,
  ) {
    this.log = options.log ?? ((line) => console.log(`[emulator] ${line}`));
    this.limits = { ...concurrencyFromEnv(), ...options.concurrency };
    this.limiter = new Limiter(this.limits);
    this.store = new Store((table, index) => this.indexFields(table, index));
    this.storage = new FileStorage(options.storageDir ?? null);
  }

  /** Bundle `convexDir` with the Convex CLI and load it. Throws BundleError with the CLI's errors. */
  static async create(options: EngineOptions): Promise<Engine> {
    const convexDir = path.resolve(options.convexDir);
    const engine = new Engine(
      convexDir,
      options.siteUrl.replace(/\/$/, ""),
      (options.cloudUrl ?? process.env.CONVEX_CLOUD_URL ?? "http://127.0.0.1:3210").replace(/\/$/, ""),
      options,
    );
    await engine.load(await loadBundles({ convexDir, log: engine.log }));
    return engine;
  }

  /** Load (or, in development, reload) the functions from new bundles. */
  async load(bundles: Bundles): Promise<void> {
    const env = () => ({ ...process.env });
    const pool = new IsolatePool(bundles.isolateScript, env, this.limits.isolates);
    await pool.warm(Math.min(4, pool.max));
    const first = await pool.acquire();
    const modules = new Map(Object.entries(first.modules));
    const schema = first.schema;
    pool.release(first);
    const nodeModules = new Map<string, Record<string, unknown>>();
    const nodeDir = path.join(bundles.dir, "node");
    for (const modulePath of bundles.nodeModules) {
      const exports = await importNodeModule(nodeDir, modulePath);
      const problems = nodeExportProblems(modulePath, exports);
      if (problems.length > 0) throw new Error(problems.join("\n"));
      nodeModules.set(modulePath, exports);
    }
    this.bundles = bundles;
    this.resolved.clear();
    this.pool = pool;
    this.modulesByPath = modules;
    this.nodeModules = nodeModules;
    this.loadSchema(schema);
  }

  private loadSchema(schema: unknown) {
    this.tables.clear();
    const def = schema as { tables?: Record<string, { export(): TableExport }>; schemaValidation?: boolean } | undefined;
    this.schemaValidates = def?.schemaValidation ?? false;
    for (const [name, table] of Object.entries(def?.tables ?? {})) this.tables.set(name, table.export());
  }

  /** A slot in one of the deployment's concurrency pools (scheduler, crons). */
  limiterFor(pool: Pool): Promise<() => void> {
    return this.limiter.acquire(pool, "forever");
  }

  get bundleHash(): string {
    return this.bundles.hash;
  }

  get lastCommitTs(): bigint {
    return this.store.lastTs;
  }

  onCommit(listener: CommitListener): () => void {
    return this.store.onCommit(listener);
  }

  // ---- schema -------------------------------------------------------------------------------

  indexFields(table: string, indexName: string): string[] {
    if (indexName === "by_creation_time") return ["_creationTime", "_id"];
    if (indexName === "by_id") return ["_id"];
    const index = this.tables.get(table)?.indexes.find((i) => i.indexDescriptor === indexName);
    if (!index) throw new Error(`Cannot use index "${indexName}" for table "${table}" because it is not declared in the schema.`);
    return [...index.fields, "_creationTime", "_id"];
  }

  private readonly schema: Schema = {
    indexFields: (table, indexName) => this.indexFields(table, indexName),
    searchIndex: (table, indexName) => {
      const index = this.tables.get(table)?.searchIndexes?.find((i) => i.indexDescriptor === indexName);
      return index ? { searchField: index.searchField, filterFields: index.filterFields } : null;
    },
    documentType: (table) => this.tables.get(table)?.documentType ?? undefined,
    hasTable: (table) => this.tables.has(table),
    validates: () => this.schemaValidates,
  };

  // ---- functions ----------------------------------------------------------------------------

  private readonly resolved = new Map<string, Resolved | null>();

  /** The function at `udfPath` ("contacts:list" or "contacts.js:list"), or null. */
  resolve(udfPath: string): Resolved | null {
    let found = this.resolved.get(udfPath);
    if (found === undefined) {
      found = this.lookupFunction(udfPath);
      this.resolved.set(udfPath, found);
    }
    return found;
  }

  private lookupFunction(udfPath: string): Resolved | null {
    const { modulePath, exportName, normalized } = parseUdfPath(udfPath);
    const node = this.nodeModules.get(modulePath);
    const fn = (node ?? this.modulesByPath.get(modulePath))?.[exportName] as Registered | undefined;
    if (!fn || (typeof fn !== "function" && typeof fn !== "object")) return null;
    const kind = fn.isQuery ? "query" : fn.isMutation ? "mutation" : fn.isAction ? "action" : null;
    if (!kind) return null;
    const parse = (text: string | undefined) => (text ? (JSON.parse(text) as ValidatorJson | null) : null);
    return {
      udfPath: normalized,
      runtime: node ? "node" : "isolate",
      kind,
      isPublic: !!fn.isPublic,
      args: parse(fn.exportArgs?.()),
      returns: parse(fn.exportReturns?.()),
    };
  }

  /** The function object to call: in a VM context, that context's own copy (its `Convex` global is its own). */
  private registered(resolved: Resolved, context?: IsolateContext): Registered {
    const { modulePath, exportName } = parseUdfPath(resolved.udfPath);
    const modules = resolved.runtime === "node" ? this.nodeModules.get(modulePath) : context?.modules[modulePath];
    const fn = modules?.[exportName] as Registered | undefined;
    if (!fn) throw new Error(`${resolved.udfPath} is not loaded in its runtime`);
    return fn;
  }

  /** A module's exports by path without extension ("crons"), if it exists. */
  module(modulePath: string): Record<string, unknown> | undefined {
    return this.modulesByPath.get(modulePath) ?? this.nodeModules.get(modulePath);
  }

  private publicFunction(udfPath: string, kind: "query" | "mutation" | "action"): Resolved {
    const resolved = this.resolve(udfPath);
    if (!resolved || !resolved.isPublic || resolved.kind !== kind) {
      throw new FunctionFailure({
        errorMessage: `Could not find public function for '${parseUdfPath(udfPath).normalized}'. Did you forget to run \`npx convex dev\` or \`npx convex deploy\`?`,
      });
    }
    return resolved;
  }

  private static parseArgs(args: JSONValue): Record<string, Value> {
    const value = jsonToConvex(args ?? {});
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new FunctionFailure({ errorMessage: "The arguments to a Convex function must be an object." });
    }
    return value as Record<string, Value>;
  }

  private checkArgs(resolved: Resolved, args: Record<string, Value>, json: string) {
    // A value's Convex size is at most ~8 × its JSON length (a one-digit number is 8 bytes).
    const size = json.length * 8 < LIMITS.argumentsSize ? 0 : getConvexSize(args);
    if (size > LIMITS.argumentsSize) {
      throw new FunctionFailure({ errorMessage: `Arguments for ${resolved.udfPath} are too large (actual: ${formatBytes(size)}, limit: 16 MiB)` });
    }
    const problem = resolved.args ? mismatch(resolved.args, args) : null;
    if (problem) throw new FunctionFailure({ errorMessage: `ArgumentValidationError: ${problem}` });
  }

  private checkReturn(resolved: Resolved, value: Value, json: string) {
    const size = json.length * 8 < LIMITS.returnValueSize ? 0 : getConvexSize(value);
    if (size > LIMITS.returnValueSize) {
      throw new FunctionFailure({ errorMessage: `Function ${resolved.udfPath} return value is too large (actual: ${formatBytes(size)}, limit: 16 MiB)` });
    }
    const problem = resolved.returns ? mismatch(resolved.returns, value) : null;
    if (problem) throw new FunctionFailure({ errorMessage: `ReturnsValidationError: ${problem}` });
  }

  private count(udfPath: string) {
    this.calls[udfPath] = (this.calls[udfPath] ?? 0) + 1;
  }

  // ---- invocations --------------------------------------------------------------------------

  /**
   * Run a query or mutation's code on `txn`. The function gets an isolate context for itself,
   * its syscalls served from `txn`, and at most Convex's execution time.
   */
  private async invokeTransaction(
    resolved: Resolved,
    args: Record<string, Value>,
    identity: Identity | null,
    txn: Transaction,
    extra: { journalEndCursor?: string | null; pageEnd?: (cursor: string) => void } = {},
  ): Promise<Value> {
    const argsJson = toJsonString([args]);
    this.checkArgs(resolved, args, argsJson);
    const context = await this.pool.acquire();
    const fn = this.registered(resolved, context);
    const started = Date.now();
    // Convex limits the time the function's own code runs (its syscalls have a separate, larger
    // budget): count the stretches between syscalls, not the wall clock, which a busy machine
    // stretches. A wall-clock backstop ends a function that never finishes.
    const limitMs = LIMITS.udfTimeMs;
    let userMs = 0;
    let runningSince: number | null = performance.now();
    const pause = () => {
      if (runningSince !== null) userMs += performance.now() - runningSince;
      runningSince = null;
      if (userMs > limitMs) throw this.timeout(resolved, txn, limitMs);
    };
    const resume = () => {
      runningSince = performance.now();
    };
    let paginated = 0;
    const paginate = (pageArgs: PaginateArgs) => {
      paginated += 1;
      if (paginated > 1) {
        throw new Error(
          "This query or mutation function ran multiple paginated queries. Convex only supports a single paginated query in each function.",
        );
      }
      const journal = extra.journalEndCursor;
      const effective = journal && !pageArgs.endCursor ? { ...pageArgs, endCursor: journal } : pageArgs;
      const result = txn.paginate(effective);
      extra.pageEnd?.(effective.endCursor || result.continueCursor);
      return result;
    };
    const invocation: Invocation = {
      kind: resolved.kind === "query" ? "query" : "mutation",
      udfPath: resolved.udfPath,
      frozenNow: started,
      random: seeded(started ^ txn.writes.size ^ Math.floor(Math.random() * 2 ** 31)),
      log: (level, line) => this.functionLog(resolved.udfPath, level, line),
      syscall: (op, json) => {
        pause();
        try {
          return this.transactionSyncSyscall(op, JSON.parse(json) as Record<string, unknown>, txn);
        } finally {
          resume();
        }
      },
      asyncSyscall: async (op, json) => {
        pause();
        try {
          // A deployment's database calls are I/O: other functions run meanwhile. Without these
          // hops a function whose syscalls resolve at once would hold the event loop to its end.
          await yieldToOthers();
          const a = JSON.parse(json) as Record<string, unknown>;
          return await this.transactionSyscall(op, a, txn, identity, { paginate, udfPath: resolved.udfPath });
        } catch (error) {
          throw syscallError(error);
        } finally {
          resume();
        }
      },
      jsSyscall: (op) => {
        throw new Error(`${op} is not available in queries and mutations`);
      },
    };
    context.current = invocation;
    let timer: NodeJS.Timeout | undefined;
    let healthy = true;
    try {
      const call = resolved.kind === "query" ? fn.invokeQuery!(argsJson) : fn.invokeMutation!(argsJson);
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          healthy = false;
          reject(this.timeout(resolved, txn, LIMITS.udfWallClockMs));
        }, LIMITS.udfWallClockMs);
      });
      const result = await Promise.race([call, timedOut]);
      pause();
      const value = parseResult(result);
      this.checkReturn(resolved, value, result);
      return value;
    } finally {
      clearTimeout(timer);
      this.pool.release(context, healthy);
    }
  }

  /** Synchronous syscalls of queries and mutations: query streams and id checks. */
  private transactionSyncSyscall(op: string, args: Record<string, unknown>, txn: Transaction): string {
    switch (op) {
      case "1.0/queryStream":
        return JSON.stringify({ queryId: txn.startQuery(args.query as SerializedQuery) });
      case "1.0/queryCleanup":
        txn.closeQuery(args.queryId as number);
        return JSON.stringify({});
      case "1.0/db/normalizeId": {
        const id = String(args.idString);
        return JSON.stringify({ id: tableNameFromId(id) === args.table ? id : null });
      }
      case "1.0/getSnapshotTs":
        return JSON.stringify(convexToJson(txn.ts));
      default:
        throw new Error(`Unknown operation ${op}`);
    }
  }

  private timeout(resolved: Resolved, txn: Transaction, limitMs: number): Error {
    txn.closed = `${resolved.udfPath} timed out`;
    return new LimitError(`Function execution timed out (maximum duration: ${limitMs / 1000}s)`);
  }

  private functionLog(udfPath: string, level: string, line: string) {
    const prefix = level === "log" || level === "info" ? "" : `${level.toUpperCase()} `;
    this.log(`[${udfPath}] ${prefix}${line}`);
  }

  /** Async syscalls of queries and mutations (database, scheduler, auth, storage reads). */
  private async transactionSyscall(
    op: string,
    a: Record<string, unknown>,
    txn: Transaction,
    identity: Identity | null,
    ctx: { paginate(args: PaginateArgs): PageResult; udfPath: string },
  ): Promise<string> {
    switch (op) {
      case "1.0/get":
        return toJsonString(txn.read(a.id as string, a.table as string | undefined) as Value);
      case "1.0/queryStreamNext":
        return toJsonString(txn.queryNext(a.queryId as number) as unknown as Value);
      case "1.0/queryPage": {
        const result = ctx.paginate(a as unknown as PaginateArgs);
        return toJsonString(result as unknown as Value);
      }
      case "1.0/count":
        return JSON.stringify(txn.count(a.table as string));
      case "1.0/insert":
        return JSON.stringify({ _id: txn.insert(a.table as string, jsonToConvex(a.value as JSONValue) as Record<string, unknown>) });
      case "1.0/shallowMerge":
        txn.patch(a.id as string, a.table as string | undefined, a.value as Record<string, JSONValue>);
        return "{}";
      case "1.0/replace":
        txn.replace(a.id as string, a.table as string | undefined, a.value as Record<string, JSONValue>);
        return "{}";
      case "1.0/remove":
        txn.remove(a.id as string, a.table as string | undefined);
        return "{}";
      case "1.0/getUserIdentity":
        return toJsonString((identity ?? null) as Value);
      case "1.0/schedule": {
        if (!txn.mutable) throw new Error("Scheduling is only available in mutations and actions.");
        const name = addressOf(a as { name?: string });
        if (!this.resolve(name)) throw new Error(`Attempted to schedule function at '${name}', which does not exist.`);
        const id = txn.schedule(name, jsonToConvex(a.args as JSONValue) as Record<string, Value>, Math.round((a.ts as number) * 1000));
        return JSON.stringify(id);
      }
      case "1.0/cancel_job":
        if (!txn.mutable) throw new Error("Canceling scheduled functions is only available in mutations and actions.");
        txn.cancelJob(a.id as string);
        return "{}";
      case "1.0/runUdf":
        return toJsonString(await this.runNested(a, txn, identity));
      case "1.0/createFunctionHandle":
        return JSON.stringify(`function://;${addressOf(a as { name?: string })}`);
      case "1.0/storageGetUrl":
        return JSON.stringify(this.storageUrl(txn, a.storageId as string));
      case "1.0/storageGetMetadata":
        return toJsonString(this.storageMetadata(txn, a.storageId as string));
      case "1.0/storageGenerateUploadUrl":
        if (!txn.mutable) throw new Error("generateUploadUrl is only available in mutations and actions.");
        return JSON.stringify(this.storage.uploadUrl(this.cloudUrl));
      case "1.0/storageDelete": {
        const id = this.storageDocId(txn, a.storageId as string);
        if (id) txn.remove(id, "_storage", true);
        return "{}";
      }
      case "1.0/getTransactionMetrics": {
        const used = (n: number, limit: number) => ({ used: n, remaining: Math.max(0, limit - n) });
        return toJsonString({
          bytesRead: used(txn.bytesRead, LIMITS.bytesRead),
          bytesWritten: used(txn.bytesWritten, LIMITS.bytesWritten),
          databaseQueries: used(txn.indexRanges, LIMITS.indexRangesRead),
          documentsRead: used(txn.documentsRead, LIMITS.documentsRead),
          documentsWritten: used(txn.writes.size, LIMITS.documentsWritten),
          functionsScheduled: used(txn.scheduledCount, LIMITS.scheduledPerMutation),
          scheduledFunctionArgsBytes: used(txn.scheduledBytes, LIMITS.scheduledArgsSize),
        } as unknown as Value);
      }
      case "1.0/getFunctionMetadata":
        return toJsonString({ name: ctx.udfPath, componentPath: "" });
      case "1.0/auditLog":
        return "null";
      default:
        throw new Error(`Unknown async operation ${op} (not available in queries and mutations, or not emulated)`);
    }
  }

  /** `ctx.runQuery`/`ctx.runMutation` inside a mutation: the same transaction, rolled back if it throws. */
  private async runNested(a: Record<string, unknown>, txn: Transaction, identity: Identity | null): Promise<Value> {
    const udfType = a.udfType as string;
    const resolved = this.resolve(addressOf(a as { name?: string }));
    if (!resolved || (udfType === "mutation" ? resolved.kind !== "mutation" : resolved.kind !== "query")) {
      throw new Error(`Could not find ${udfType} function for '${String(a.name)}'.`);
    }
    if (udfType === "mutation" && !txn.mutable) throw new Error("Can't run a mutation from a query.");
    const restore = txn.savepoint();
    try {
      return await this.invokeTransaction(resolved, jsonToConvex(a.args as JSONValue) as Record<string, Value>, identity, txn);
    } catch (error) {
      restore();
      throw error;
    }
  }

  // ---- storage ------------------------------------------------------------------------------

  private storageDocId(txn: Transaction, storageId: string): string | null {
    if (tableNameFromId(storageId) === "_storage") return txn.read(storageId, "_storage") ? storageId : null;
    return null;
  }

  private storageMetadata(txn: Transaction, storageId: string): Value {
    const id = this.storageDocId(txn, storageId);
    const doc = id ? (txn.read(id, "_storage") as (Doc & { sha256: string; size: number; contentType?: string }) | null) : null;
    return doc ? { storageId: doc._id, sha256: doc.sha256, size: doc.size, contentType: doc.contentType ?? null } : null;
  }

  private storageUrl(txn: Transaction, storageId: string): string | null {
    return this.storageDocId(txn, storageId) ? `${this.cloudUrl}/api/storage/${storageId}` : null;
  }

  /** Store bytes as a file (upload URL, actions' `ctx.storage.store`): a `_storage` document and the blob. */
  async storeFile(bytes: Uint8Array, contentType: string | null): Promise<string> {
    const sha256 = await this.storage.sha256(bytes);
    const { value } = await this.transact("_system:storeFile", async (txn) =>
      txn.insert("_storage", { sha256, size: bytes.byteLength, ...(contentType ? { contentType } : {}) }, true),
    );
    await this.storage.put(value as string, bytes, contentType);
    return value as string;
  }

  /** A stored file's bytes and type, if the file exists. */
  async readFile(storageId: string): Promise<{ bytes: Uint8Array; contentType: string | null } | null> {
    if (tableNameFromId(storageId) !== "_storage" || !this.store.latest(storageId)) return null;
    return this.storage.get(storageId);
  }

  // ---- transactions -------------------------------------------------------------------------

  /**
   * Run `body` as a mutation transaction: on a snapshot, committed if nothing it read changed
   * meanwhile, else run again (the retry budget of `origin`). Returns the value and commit ts.
   */
  async transact<T>(
    label: string,
    body: (txn: Transaction) => Promise<T>,
    origin: Origin = "client",
  ): Promise<{ value: T; ts: bigint }> {
    const policy = RETRY[origin];
    for (let attempt = 0; ; attempt++) {
      const ts = this.store.lastTs;
      this.store.pin(ts);
      const txn = new Transaction(this.store, this.schema, ts, true);
      let value: T;
      try {
        value = await body(txn);
      } catch (error) {
        txn.closed = txn.closed ?? "transaction rolled back";
        this.store.unpin(ts);
        throw error;
      }
      txn.closed = "transaction committed";
      const conflict = txn.writes.size > 0 ? findConflict(this.store, txn.reads, ts) : null;
      if (!conflict) {
        const commit = txn.writes.size > 0 ? this.store.commit(txn.writes, label) : null;
        this.store.unpin(ts);
        return { value, ts: commit?.ts ?? this.store.lastTs };
      }
      this.store.unpin(ts);
      this.noteConflict(label, conflict, attempt < policy.retries);
      if (attempt >= policy.retries) throw new FunctionFailure({ errorMessage: occMessage(label, conflict) }, "OccFailure");
      await sleep(policy.backoffMs(attempt));
    }
  }

  private noteConflict(label: string, conflict: Conflict, willRetry: boolean) {
    const fn = (this.occ.byFunction[label] ??= { conflicts: 0, retries: 0, failures: 0 });
    this.occ.conflicts += 1;
    fn.conflicts += 1;
    this.occ.byTable[conflict.table] = (this.occ.byTable[conflict.table] ?? 0) + 1;
    if (willRetry) {
      this.occ.retries += 1;
      fn.retries += 1;
    } else {
      this.occ.failures += 1;
      fn.failures += 1;
    }
    if (TRACE()) {
      this.log(
        `occ: ${label} conflicted on ${conflict.what} (written by ${conflict.writer ?? "another transaction"}, document ${conflict.id} in table ${conflict.table}); ${willRetry ? "retrying" : "giving up"}`,
      );
    }
  }

  /** Run a query on the latest snapshot (or `ts`), recording what it read. */
  async runQuery(
    resolved: Resolved,
    args: Record<string, Value>,
    identity: Identity | null,
    options: { ts?: bigint; journalEndCursor?: string | null; hold?: boolean } = {},
  ): Promise<QueryRun> {
    this.count(resolved.udfPath);
    const release = await this.limiter.acquire("queries");
    const ts = options.ts ?? this.store.lastTs;
    this.store.pin(ts);
    let pinned = true;
    const unpin = () => {
      if (pinned) this.store.unpin(ts);
      pinned = false;
    };
    const txn = new Transaction(this.store, this.schema, ts, false);
    let pageEnd: string | undefined;
    try {
      const value = await this.invokeTransaction(resolved, args, identity, txn, {
        journalEndCursor: options.journalEndCursor,
        pageEnd: (cursor) => (pageEnd = cursor),
      });
      if (!options.hold) unpin();
      return { value, reads: txn.reads, ts, pageEnd, release: unpin };
    } catch (error) {
      unpin();
      throw error;
    } finally {
      txn.closed = "query finished";
      release();
    }
  }

  /** The first commit after `ts` that wrote into `reads` (needs `ts` pinned, e.g. a held QueryRun). */
  invalidatedSince(reads: ReadSet, ts: bigint): bigint | null {
    return findConflict(this.store, reads, ts)?.ts ?? null;
  }

  /** Run a mutation with OCC retries. */
  async runMutation(
    resolved: Resolved,
    args: Record<string, Value>,
    identity: Identity | null,
    origin: Origin,
    hooks: { before?(txn: Transaction): Promise<boolean>; after?(txn: Transaction): void } = {},
  ): Promise<{ value: Value; ts: bigint }> {
    this.count(resolved.udfPath);
    const release = await this.limiter.acquire("mutations");
    try {
      return await this.transact(
        resolved.udfPath,
        async (txn) => {
          // A scheduled mutation runs only if its job is still pending, in the same transaction.
          if (hooks.before && !(await hooks.before(txn))) return null;
          const value = await this.invokeTransaction(resolved, args, identity, txn);
          hooks.after?.(txn);
          return value;
        },
        origin,
      );
    } finally {
      release();
    }
  }

  /** Run an action in its runtime; its calls back into the database are transactions of their own. */
  async runAction(
    resolved: Resolved,
    args: Record<string, Value>,
    identity: Identity | null,
    options: { wait?: "default" | "forever" } = {},
  ): Promise<Value> {
    this.count(resolved.udfPath);
    const argsJson = toJsonString([args]);
    this.checkArgs(resolved, args, argsJson);
    const release = await this.limiter.acquire(resolved.runtime === "node" ? "nodeActions" : "v8Actions", options.wait);
    const invocation = this.actionInvocation(resolved.udfPath, "action", identity, resolved.runtime);
    const timeLimit = resolved.runtime === "node" ? LIMITS.nodeActionTimeMs : LIMITS.v8ActionTimeMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new LimitError(`Function execution timed out (maximum duration: ${timeLimit / 1000}s)`)),
        timeLimit,
      );
    });
    try {
      let result: string;
      if (resolved.runtime === "node") {
        const fn = this.registered(resolved);
        result = await Promise.race([runInNode(invocation, () => fn.invokeAction!(randomUUID(), argsJson)), timedOut]);
      } else {
        const context = await this.pool.acquire();
        const fn = this.registered(resolved, context);
        context.current = invocation;
        let healthy = true;
        try {
          result = await Promise.race([fn.invokeAction!(randomUUID(), argsJson), timedOut.catch((e) => ((healthy = false), Promise.reject(e)))]);
        } finally {
          this.pool.release(context, healthy);
        }
      }
      const value = parseResult(result);
      this.checkReturn(resolved, value, result);
      return value;
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  /** The syscalls an action (or HTTP action) makes: each database call is its own transaction. */
  private actionInvocation(
    udfPath: string,
    kind: "action" | "httpAction",
    identity: Identity | null,
    runtime: "isolate" | "node" = "isolate",
  ): Invocation {
    return {
      kind,
      udfPath,
      frozenNow: null,
      random: null,
      log: (level, line) => this.functionLog(udfPath, level, line),
      syscall: (op) => {
        throw new Error(`${op} is not available in actions: use ctx.runQuery / ctx.runMutation.`);
      },
      asyncSyscall: async (op, json) => {
        const a = JSON.parse(json) as Record<string, unknown>;
        try {
          return await this.actionSyscall(op, a, identity, runtime);
        } catch (error) {
          throw syscallError(error);
        }
      },
      jsSyscall: (op, a) => this.actionJsSyscall(op, a),
    };
  }

  private async actionSyscall(op: string, a: Record<string, unknown>, identity: Identity | null, runtime: "isolate" | "node"): Promise<string> {
    const target = () => {
      const name = addressOf(a as { name?: string });
      const resolved = this.resolve(name);
      if (!resolved) throw new Error(`Could not find function for '${name}'. Did you forget to run \`npx convex dev\` or \`npx convex deploy\`?`);
      return resolved;
    };
    const args = () => jsonToConvex((a.args ?? {}) as JSONValue) as Record<string, Value>;
    switch (op) {
      case "1.0/actions/query": {
        const resolved = target();
        if (resolved.kind !== "query") throw new Error(`${resolved.udfPath} is not a query`);
        return toJsonString((await this.runQuery(resolved, args(), identity)).value);
      }
      case "1.0/actions/mutation": {
        const resolved = target();
        if (resolved.kind !== "mutation") throw new Error(`${resolved.udfPath} is not a mutation`);
        if (runtime === "isolate") return toJsonString((await this.runMutation(resolved, args(), identity, "action")).value);
        // The Node executor retries a call that failed with a system error (OCC) on top of the backend's retries.
        for (let attempt = 1; ; attempt++) {
          try {
            return toJsonString((await this.runMutation(resolved, args(), identity, "action")).value);
          } catch (error) {
            if (!(error instanceof FunctionFailure && error.code === "OccFailure") || attempt >= NODE_EXECUTOR_RETRY.attempts) throw error;
            await sleep(NODE_EXECUTOR_RETRY.backoffMs(attempt - 1));
          }
        }
      }
      case "1.0/actions/action": {
        const resolved = target();
        if (resolved.kind !== "action") throw new Error(`${resolved.udfPath} is not an action`);
        return toJsonString(await this.runAction(resolved, args(), identity));
      }
      case "1.0/actions/schedule": {
        const name = addressOf(a as { name?: string });
        if (!this.resolve(name)) throw new Error(`Attempted to schedule function at '${name}', which does not exist.`);
        const { value } = await this.transact("_system:schedule", async (txn) =>
          txn.schedule(name, args(), Math.round((a.ts as number) * 1000)),
        );
        return JSON.stringify(value);
      }
      case "1.0/actions/cancel_job":
        await this.transact("_system:cancelJob", async (txn) => txn.cancelJob(a.id as string));
        return "{}";
      case "1.0/getUserIdentity":
        return toJsonString((identity ?? null) as Value);
      case "1.0/createFunctionHandle":
        return JSON.stringify(`function://;${addressOf(a as { name?: string })}`);
      case "1.0/storageGenerateUploadUrl":
        return JSON.stringify(this.storage.uploadUrl(this.cloudUrl));
      case "1.0/storageGetUrl":
      case "1.0/storageGetMetadata": {
        const { value } = await this.snapshot((txn) =>
          op === "1.0/storageGetUrl" ? this.storageUrl(txn, a.storageId as string) : this.storageMetadata(txn, a.storageId as string),
        );
        return toJsonString(value as Value);
      }
      case "1.0/storageDelete":
        await this.transact("_system:storageDelete", async (txn) => {
          const id = this.storageDocId(txn, a.storageId as string);
          if (id) txn.remove(id, "_storage", true);
        });
        return "{}";
      case "1.0/getFunctionMetadata":
        return "null";
      default:
        throw new Error(`Unknown async operation ${op} (not available in actions, or not emulated)`);
    }
  }

  private async actionJsSyscall(op: string, a: Record<string, unknown>): Promise<unknown> {
    switch (op) {
      case "storage/storeBlob": {
        const blob = a.blob as Blob;
        return await this.storeFile(new Uint8Array(await blob.arrayBuffer()), blob.type || null);
      }
      case "storage/getBlob": {
        const file = await this.readFile(a.storageId as string);
        return file ? new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.contentType ?? "" }) : null;
      }
      default:
        throw new Error(`Unknown JS operation ${op}`);
    }
  }

  /** A read-only look at the latest snapshot (for the engine's own use). */
  private async snapshot<T>(read: (txn: Transaction) => T): Promise<{ value: T }> {
    const ts = this.store.lastTs;
    this.store.pin(ts);
    try {
      return { value: read(new Transaction(this.store, this.schema, ts, false)) };
    } finally {
      this.store.unpin(ts);
    }
  }

  // ---- entry points ---------------------------------------------------------------------------

  /** A public query on the latest snapshot. */
  async query(udfPath: string, args: JSONValue, identity: Identity | null): Promise<Value> {
    return (await this.runQuery(this.publicFunction(udfPath, "query"), Engine.parseArgs(args), identity)).value;
  }

  /** A public mutation from a client; resolves with its result and commit timestamp. */
  async mutation(udfPath: string, args: JSONValue, identity: Identity | null): Promise<{ value: Value; ts: bigint }> {
    return this.runMutation(this.publicFunction(udfPath, "mutation"), Engine.parseArgs(args), identity, "client");
  }

  async action(udfPath: string, args: JSONValue, identity: Identity | null): Promise<Value> {
    return this.runAction(this.publicFunction(udfPath, "action"), Engine.parseArgs(args), identity);
  }

  /** Run any function, public or internal, without an identity (scripts, tests, crons). */
  async runAny(udfPath: string, args: Record<string, Value>, kind?: "query" | "mutation" | "action", origin: Origin = "client"): Promise<Value> {
    const resolved = this.resolve(udfPath);
    if (!resolved) {
      throw new FunctionFailure({ errorMessage: `Could not find function for '${parseUdfPath(udfPath).normalized}'.` }, "FunctionNotFound");
    }
    if (kind && resolved.kind !== kind) throw new FunctionFailure({ errorMessage: `'${resolved.udfPath}' is not a ${kind}.` });
    if (resolved.kind === "query") return (await this.runQuery(resolved, args, null)).value;
    if (resolved.kind === "mutation") return (await this.runMutation(resolved, args, null, origin)).value;
    return this.runAction(resolved, args, null);
  }

  /** The app's HTTP router, with the request arriving at the public site URL. */
  async fetch(request: Request, identity: Identity | null): Promise<Response> {
    const url = new URL(request.url);
    const routes = this.modulesByPath.get("http")?.default as Router | undefined;
    if (!routes?.lookup(url.pathname, request.method)) return new Response(`No HttpAction routed for ${url.pathname}`, { status: 404 });
    const release = await this.limiter.acquire("v8Actions");
    const context = await this.pool.acquire();
    const [handler] = (context.modules["http"].default as Router).lookup(url.pathname, request.method)!;
    context.current = this.actionInvocation(`http ${request.method} ${url.pathname}`, "httpAction", identity);
    try {
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : new Uint8Array(await request.arrayBuffer());
      const vmRequest = new context.Request(url.href, { method: request.method, headers: request.headers as unknown as HeadersInit, body });
      const response = await handler.invokeHttpAction!(vmRequest);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.byteLength > LIMITS.httpResponseSize) {
        this.log(`http ${request.method} ${url.pathname} failed: HttpResponseTooLarge`);
        return new Response("HttpResponseTooLarge: HTTP actions support responses up to 20 MiB", { status: 500 });
      }
      const headers = new Headers();
      response.headers.forEach((value, name) => headers.append(name, value));
      for (const cookie of response.headers.getSetCookie?.() ?? []) headers.append("set-cookie", cookie);
      return new Response(response.status === 204 || response.status === 304 ? null : bytes, { status: response.status, headers });
    } catch (error) {
      const failure = describeError(error);
      this.log(`http ${request.method} ${url.pathname} failed: ${failure.errorMessage}`);
      // Like a deployment: an HTTP action that throws answers 500 without the error's text.
      return Response.json({ error: { code: "INTERNAL", message: "Internal error" } }, { status: 500 });
    } finally {
      this.pool.release(context);
      release();
    }
  }

  // ---- state ----------------------------------------------------------------------------------

  exportState(): PersistedState {
    return {
      documents: Array.from(this.store.allDocuments(), (doc) => [doc._id, convexToJson(doc as Value)] as [string, JSONValue]),
      nextDocId: this.store.nextDocId,
      lastCreationTime: this.store.lastCreationTime,
      lastCommitTs: this.store.lastTs.toString(),
    };
  }

  /** Replace the whole database (start-up restore, reset): a new timestamp moves every client past the old state. */
  importState(state: PersistedState | null) {
    const docs = state ? state.documents.map(([, json]) => jsonToConvex(json) as Doc) : [];
    this.store.load(docs, state ? { nextDocId: state.nextDocId, lastCreationTime: state.lastCreationTime, lastTs: BigInt(state.lastCommitTs) } : {});
    // Every subscription re-runs: an empty commit at a new timestamp that "wrote" every table.
    this.store.commit(new Map(), "_system:reset");
  }

  /** Apply a journaled commit (start-up replay). */
  applyJournal(entry: { ts: string; nextDocId: number; lastCreationTime: number; writes: Array<[string, JSONValue | null]> }) {
    const writes = new Map<string, Doc | null>();
    for (const [id, json] of entry.writes) writes.set(id, json === null ? null : (jsonToConvex(json) as Doc));
    const ts = BigInt(entry.ts);
    this.store.nextDocId = Math.max(this.store.nextDocId, entry.nextDocId);
    this.store.lastCreationTime = Math.max(this.store.lastCreationTime, entry.lastCreationTime);
    this.store.commit(writes, "_system:replay", ts > this.store.lastTs ? ts : this.store.nextTs());
  }

  status() {
    return {
      bundle: this.bundleHash,
      documents: this.store.documentCount,
      isolates: this.pool.size,
      running: this.limiter.running(),
      queued: this.limiter.queued(),
      limits: this.limits,
      occ: this.occ,
      calls: this.calls,
    };
  }
}

/** Convex's message when a mutation keeps conflicting after its retries (convex-backend errors/src/lib.rs). */
export function occMessage(udfPath: string, conflict: Conflict): string {
  const source = !conflict.writer
    ? ""
    : conflict.writer === udfPath
      ? `Another call to this mutation changed the document with ID "${conflict.id}". `
      : `A call to "${conflict.writer}" changed the document with ID "${conflict.id}". `;
  return `Documents read from or written to the "${conflict.table}" table changed while this mutation was being run and on every subsequent retry. ${source}See https://docs.convex.dev/error#1`;
}
