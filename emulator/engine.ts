/**
 * The engine: the project's own `convex/` functions running in convex-test, plus what a server
 * needs around it — commit timestamps, change notifications, read sets, public/internal checks,
 * HTTP actions that see the public site URL, and access to the state for snapshots.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { convexTest } from "convex-test";
import type { HttpRouter, SchemaDefinition, UserIdentity } from "convex/server";
import { convexToJson, jsonToConvex, type JSONValue, type Value } from "convex/values";
import { accelerate, type DatabaseFake, type Doc, type FastDb, type ReadObserver } from "./fastdb";

export type FunctionKind = "query" | "mutation" | "action";
export type Identity = Partial<UserIdentity> & { subject: string; issuer: string; tokenIdentifier: string };
type FunctionPath = { udfPath: string; componentPath: string };

/** The convex-test accessor methods the engine uses (some are not in its type declarations). */
interface Accessor {
  queryFromPath(fp: FunctionPath, args: Record<string, Value>): Promise<Value>;
  mutationFromPath(fp: FunctionPath, args: Record<string, Value>): Promise<Value>;
  actionFromPath(fp: FunctionPath, args: Record<string, Value>): Promise<Value>;
  fun(fp: FunctionPath, args: Record<string, Value>): Promise<Value>;
  run<T>(handler: (ctx: unknown) => Promise<T>): Promise<T>;
  fetch(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  withIdentity(identity: Partial<UserIdentity>): Accessor;
}

/** convex-test's per-instance global state (found at start-up, see `captureGlobal`). */
interface ConvexGlobal {
  components: Record<string, { db: DatabaseFake }>;
  transactionManager: {
    _lastCommitTs: bigint;
    begin(isNested: boolean, limits?: unknown): Promise<void>;
  };
  syscall: (op: string, jsonArgs: string) => string;
}

/** What a subscription run records: the tables it read and its pagination journal. */
export type QueryObserver = ReadObserver;

export type FunctionError = { errorMessage: string; errorData?: JSONValue };

export class FunctionFailure extends Error {
  constructor(
    readonly failure: FunctionError,
    /** "FunctionNotFound" when no such function exists. */
    readonly code?: "FunctionNotFound",
  ) {
    super(failure.errorMessage);
  }
}

export type ChangeListener = (commitTs: bigint, tables: ReadonlySet<string> | "all") => void;
export type PersistedState = {
  documents: Array<[string, JSONValue]>;
  nextDocId: number;
  lastCreationTime: number;
  lastCommitTs: string;
};

const MODULE_FILE = /\.(ts|js|mts|mjs|cts|cjs)$/;

/** The module map convex-test expects: "./contacts.ts" → loader, files with a single dot only. */
export function buildModuleMap(convexDir: string): Record<string, () => Promise<unknown>> {
  const modules: Record<string, () => Promise<unknown>> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const abs = path.join(dir, name);
      if (statSync(abs).isDirectory()) {
        if (name !== "node_modules") walk(abs);
        continue;
      }
      // Tests, test set-up, `auth.config.ts` and `.d.ts` files have more than one dot.
      if (!MODULE_FILE.test(name) || name.split(".").length !== 2) continue;
      const rel = "./" + path.relative(convexDir, abs).split(path.sep).join("/");
      // convex-test loads the module on every call; a repeated import() still costs a round
      // trip through the TypeScript loader's hooks, so keep the promise.
      let loaded: Promise<unknown> | undefined;
      modules[rel] = () => (loaded ??= import(pathToFileURL(abs).href));
    }
  };
  walk(convexDir);
  return modules;
}

/** Convert a thrown value into what the protocol sends: a message and ConvexError data. */
export function describeError(error: unknown): FunctionError {
  if (error instanceof FunctionFailure) return error.failure;
  if (typeof error === "object" && error !== null && Symbol.for("ConvexError") in error) {
    const e = error as { message: string; data: Value };
    return { errorMessage: `Uncaught ConvexError: ${e.message}`, errorData: convexToJson(e.data) };
  }
  if (error instanceof Error) return { errorMessage: `Uncaught ${error.name}: ${error.message}` };
  return { errorMessage: `Uncaught ${String(error)}` };
}

// convex-test keeps its state in an AsyncLocalStorage store that it does not export. Watching
// AsyncLocalStorage.run for the duration of one synchronous call finds it.
async function captureGlobal(t: unknown): Promise<ConvexGlobal> {
  type Run = (store: unknown, fn: (...a: unknown[]) => unknown, ...args: unknown[]) => unknown;
  const proto = AsyncLocalStorage.prototype as unknown as { run: Run };
  const run = proto.run;
  let found: ConvexGlobal | undefined;
  proto.run = function (this: AsyncLocalStorage<unknown>, store, fn, ...args) {
    const s = store as Partial<ConvexGlobal> | null;
    if (s && typeof s === "object" && s.components && s.transactionManager) found ??= s as ConvexGlobal;
    return run.call(this, store, fn, ...args);
  };
  let pending: Promise<unknown>;
  try {
    pending = (t as Accessor).run(async () => null);
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

type RegisteredFunction = {
  isQuery?: boolean;
  isMutation?: boolean;
  isAction?: boolean;
  isPublic?: boolean;
  isInternal?: boolean;
};

export class Engine {
  private readonly identityAccessors = new Map<string, Accessor>();
  private readonly changeListeners = new Set<ChangeListener>();
  private readonly observerStore = new AsyncLocalStorage<QueryObserver>();
  private readonly commitStore = new AsyncLocalStorage<{ ts?: bigint }>();
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;

  private constructor(
    private readonly t: Accessor,
    private readonly global: ConvexGlobal,
    readonly db: DatabaseFake,
    readonly fast: FastDb,
    private readonly modules: Map<string, () => Promise<unknown>>,
    readonly siteUrl: string,
  ) {}

  /**
   * Load `convexDir` (its schema and every function module) into a fresh convex-test instance.
   * Environment variables must be in process.env before this is called.
   */
  static async create(options: { convexDir: string; siteUrl: string }): Promise<Engine> {
    const convexDir = path.resolve(options.convexDir);
    const moduleMap = buildModuleMap(convexDir);
    const byPath = new Map<string, () => Promise<unknown>>();
    for (const [key, load] of Object.entries(moduleMap))
      byPath.set(key.slice(2).replace(/\.[^.]+$/, ""), load);
    const siteUrl = options.siteUrl.replace(/\/$/, "");

    // HTTP actions must see the public site URL, not convex-test's https://some.convex.site.
    const httpKey = Object.keys(moduleMap).find((k) => /^\.\/http\.[^.]+$/.test(k));
    if (httpKey) {
      const load = moduleMap[httpKey];
      const wrapped = async () => {
        const mod = (await load()) as { default?: HttpRouter };
        return mod.default ? { ...mod, default: withSiteOrigin(mod.default, siteUrl) } : mod;
      };
      moduleMap[httpKey] = wrapped;
      byPath.set("http", wrapped);
    }

    const schemaKey = Object.keys(moduleMap).find((k) => /^\.\/schema\.[^.]+$/.test(k));
    const schema = schemaKey
      ? ((await moduleMap[schemaKey]()) as { default: SchemaDefinition<never, boolean> }).default
      : undefined;
    const t = convexTest({ schema, modules: moduleMap, transactionLimits: true }) as unknown as Accessor;
    const global = await captureGlobal(t);
    const db = global.components[""].db;
    const fast = accelerate(db);
    const engine = new Engine(t, global, db, fast, byPath, siteUrl);
    engine.install();
    return engine;
  }

  private install() {
    this.fast.setObserver(() => this.observerStore.getStore());
    this.fast.onCommit((ts, writes) => {
      const holder = this.commitStore.getStore();
      if (holder && holder.ts === undefined) holder.ts = ts;
      this.emit(ts, new Set(writes.map((w) => w.table)));
    });

    // The gate holds back new top-level transactions while subscriptions are brought up to date
    // (see sync.ts); the subscription queries themselves pass.
    const tm = this.global.transactionManager;
    const begin = tm.begin.bind(tm);
    tm.begin = async (isNested, limits) => {
      if (!isNested && !this.observerStore.getStore()) {
        while (this.gate) await this.gate;
      }
      return begin(isNested, limits);
    };

    // Drop query streams a function closed early (convex-test keeps them forever).
    const syscall = this.global.syscall;
    this.global.syscall = (op, jsonArgs) => {
      const result = syscall(op, jsonArgs);
      if (op === "1.0/queryCleanup") {
        const { queryId } = JSON.parse(jsonArgs) as { queryId: number };
        delete this.db._queryResults[queryId];
      }
      return result;
    };
  }

  get lastCommitTs(): bigint {
    return this.global.transactionManager._lastCommitTs;
  }

  onChange(listener: ChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private emit(ts: bigint, tables: ReadonlySet<string> | "all") {
    for (const listener of this.changeListeners) listener(ts, tables);
  }

  /** Hold new transactions (other than subscription queries) until `release` is called. */
  closeGate(): () => void {
    if (this.gate) throw new Error("gate already closed");
    this.gate = new Promise((resolve) => (this.openGate = resolve));
    return () => {
      const open = this.openGate;
      this.gate = null;
      this.openGate = null;
      open?.();
    };
  }

  private accessor(identity: Identity | null): Accessor {
    if (identity === null) return this.t;
    const key = JSON.stringify(identity);
    let accessor = this.identityAccessors.get(key);
    if (!accessor) {
      if (this.identityAccessors.size > 1000) this.identityAccessors.clear();
      accessor = this.t.withIdentity(identity);
      this.identityAccessors.set(key, accessor);
    }
    return accessor;
  }

  /** A module of the convex directory by path without extension ("crons"), if it exists. */
  async module(modulePath: string): Promise<Record<string, unknown> | undefined> {
    const load = this.modules.get(modulePath);
    return load ? ((await load()) as Record<string, unknown>) : undefined;
  }

  /** The registered function at `udfPath` ("contacts:list" or "contacts.js:list"). */
  async lookup(udfPath: string): Promise<{ path: FunctionPath; fn: RegisteredFunction | undefined }> {
    const [rawModule, exportName = "default"] = udfPath.split(":");
    const modulePath = rawModule.replace(/\.js$/, "");
    const load = this.modules.get(modulePath);
    const mod = load ? ((await load()) as Record<string, RegisteredFunction | undefined>) : undefined;
    return { path: { udfPath: `${modulePath}:${exportName}`, componentPath: "" }, fn: mod?.[exportName] };
  }

  private async publicFunction(udfPath: string, kind: FunctionKind): Promise<FunctionPath> {
    const { path: fp, fn } = await this.lookup(udfPath);
    const kindOk = kind === "query" ? fn?.isQuery : kind === "mutation" ? fn?.isMutation : fn?.isAction;
    if (!fn || !fn.isPublic || !kindOk) {
      throw new FunctionFailure({
        errorMessage: `Could not find public function for '${fp.udfPath}'. Did you forget to run \`npx convex dev\` or \`npx convex deploy\`?`,
      });
    }
    return fp;
  }

  private static parseArgs(args: JSONValue): Record<string, Value> {
    const value = jsonToConvex(args ?? {});
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new FunctionFailure({ errorMessage: "The arguments to a Convex function must be an object." });
    }
    return value as Record<string, Value>;
  }

  /** Run a public query. With an observer, the tables it reads and its page end are recorded. */
  async query(
    udfPath: string,
    args: JSONValue,
    identity: Identity | null,
    observer?: QueryObserver,
  ): Promise<Value> {
    const fp = await this.publicFunction(udfPath, "query");
    const run = () => this.accessor(identity).queryFromPath(fp, Engine.parseArgs(args));
    return observer ? this.observerStore.run(observer, run) : run();
  }

  /** Run a public mutation; resolves with its result and commit timestamp. */
  async mutation(
    udfPath: string,
    args: JSONValue,
    identity: Identity | null,
  ): Promise<{ value: Value; ts: bigint }> {
    const fp = await this.publicFunction(udfPath, "mutation");
    const holder: { ts?: bigint } = {};
    const value = await this.commitStore.run(holder, () =>
      this.accessor(identity).mutationFromPath(fp, Engine.parseArgs(args)),
    );
    return { value, ts: holder.ts ?? this.lastCommitTs };
  }

  async action(udfPath: string, args: JSONValue, identity: Identity | null): Promise<Value> {
    const fp = await this.publicFunction(udfPath, "action");
    return this.accessor(identity).actionFromPath(fp, Engine.parseArgs(args));
  }

  /** Run any function, public or internal, without an identity (scheduler, crons, admin). */
  async runAny(udfPath: string, args: Record<string, Value>, kind?: FunctionKind): Promise<Value> {
    const { path: fp, fn } = await this.lookup(udfPath);
    if (!fn || !(fn.isQuery || fn.isMutation || fn.isAction)) {
      throw new FunctionFailure(
        { errorMessage: `Could not find function for '${fp.udfPath}'.` },
        "FunctionNotFound",
      );
    }
    if (kind && !(kind === "query" ? fn.isQuery : kind === "mutation" ? fn.isMutation : fn.isAction)) {
      throw new FunctionFailure({ errorMessage: `'${fp.udfPath}' is not a ${kind}.` });
    }
    return this.t.fun(fp, args);
  }

  /** Call the app's HTTP router. `request.url` must already be on the public site URL. */
  async fetch(request: Request, identity: Identity | null): Promise<Response> {
    const url = new URL(request.url);
    const body =
      request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    return this.accessor(identity).fetch(url.pathname + url.search, {
      method: request.method,
      headers: request.headers,
      body,
    });
  }

  /** Run `fn` inside a transaction holding convex-test's lock, with direct access to the database. */
  async withDatabase<T>(fn: (db: DatabaseFake) => T): Promise<T> {
    return this.t.run(async () => fn(this.db));
  }

  exportState(): PersistedState {
    return {
      documents: Object.entries(this.db._documents).map(([id, doc]) => [id, convexToJson(doc as Value)]),
      nextDocId: this.db._nextDocId,
      lastCreationTime: this.db._lastCreationTime,
      lastCommitTs: this.lastCommitTs.toString(),
    };
  }

  /** Replace the whole database (start-up restore, reset). */
  async importState(state: PersistedState | null) {
    await this.withDatabase((db) => {
      db._documents = {};
      if (state) {
        for (const [id, json] of state.documents) db._documents[id] = jsonToConvex(json) as Doc;
        db._nextDocId = Math.max(db._nextDocId, state.nextDocId);
        db._lastCreationTime = Math.max(db._lastCreationTime, state.lastCreationTime);
        const ts = BigInt(state.lastCommitTs);
        if (ts > this.global.transactionManager._lastCommitTs)
          this.global.transactionManager._lastCommitTs = ts;
      }
      this.fast.rebuild();
    });
    // A new timestamp so every client is moved past the old state.
    const tm = this.global.transactionManager;
    const now = BigInt(Date.now()) * 1_000_000n;
    tm._lastCommitTs = now > tm._lastCommitTs ? now : tm._lastCommitTs + 1n;
    this.emit(tm._lastCommitTs, "all");
  }

  /** Apply a journaled commit (start-up replay). */
  applyCommit(entry: {
    ts: string;
    nextDocId: number;
    lastCreationTime: number;
    writes: Array<[string, JSONValue | null]>;
  }) {
    for (const [id, json] of entry.writes) {
      if (json === null) delete this.db._documents[id];
      else this.db._documents[id] = jsonToConvex(json) as Doc;
    }
    this.db._nextDocId = Math.max(this.db._nextDocId, entry.nextDocId);
    this.db._lastCreationTime = Math.max(this.db._lastCreationTime, entry.lastCreationTime);
    const ts = BigInt(entry.ts);
    if (ts > this.global.transactionManager._lastCommitTs) this.global.transactionManager._lastCommitTs = ts;
  }
}

/** A router whose handlers receive the request on `siteUrl` instead of convex-test's origin. */
function withSiteOrigin(router: HttpRouter, siteUrl: string): HttpRouter {
  type Handler = (ctx: unknown, request: Request) => Promise<Response>;
  const wrapped = Object.create(router) as HttpRouter;
  wrapped.lookup = (pathname, method) => {
    const found = router.lookup(pathname, method);
    if (!found) return found;
    const [fn, ...rest] = found;
    const inner = ("_handler" in fn
      ? (fn as unknown as { _handler: Handler })._handler
      : fn) as unknown as Handler;
    const handler: Handler = async (ctx, request) => {
      const url = new URL(request.url);
      const publicUrl = new URL(url.pathname + url.search, siteUrl + "/");
      const hasBody = request.method !== "GET" && request.method !== "HEAD";
      const rewritten = new Request(publicUrl, {
        method: request.method,
        headers: request.headers,
        body: hasBody ? await request.arrayBuffer() : undefined,
      });
      return inner(ctx, rewritten);
    };
    return [handler as unknown as typeof fn, ...rest];
  };
  return wrapped;
}
