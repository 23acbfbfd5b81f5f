/**
 * Convex's default (V8) runtime, emulated: the CLI's isolate bundle evaluated in a VM context
 * that has the web APIs only (@edge-runtime/vm: fetch, Request/Response, URL, TextEncoder,
 * crypto.subtle, …) — no `Buffer`, no `require`, no Node modules, and `process` is `{ env }` —
 * so Node APIs fail here as they do on a deployment.
 *
 * A context runs one function at a time, like an isolate: its `Convex` global (the syscall ABI
 * the `convex` library calls) reaches the invocation currently running in it. In queries and
 * mutations, `fetch` and timers are refused with Convex's errors and `Date`/`Math.random` are
 * deterministic, as on a deployment.
 */
import { EdgeVM } from "@edge-runtime/vm";

export type FunctionKind = "query" | "mutation" | "action" | "httpAction";

/** What the runtime gives one running function. */
export type Invocation = {
  kind: FunctionKind;
  udfPath: string;
  syscall(op: string, args: string): string;
  asyncSyscall(op: string, args: string): Promise<string>;
  jsSyscall(op: string, args: Record<string, unknown>): unknown;
  /** Queries and mutations see this time throughout (Convex freezes the clock per function). */
  frozenNow: number | null;
  /** Seeded randomness for queries and mutations; null in actions. */
  random: (() => number) | null;
  log(level: string, line: string): void;
};

export type IsolateContext = {
  /** Each module's exports, by path without extension ("contacts", "webhooks/twilio"). */
  modules: Record<string, Record<string, unknown>>;
  /** The default export of convex/schema.ts, if there is one. */
  schema: unknown;
  /** The VM's own constructors, for requests handed to HTTP actions. */
  Request: typeof Request;
  current: Invocation | null;
};

const CONVEX_FETCH_ERROR =
  "Can't use fetch() in queries and mutations. Please consider using an action. See https://docs.convex.dev/functions/actions for more details.";
const TIMER_ERROR = (name: string) =>
  `Can't use ${name} in queries and mutations. Please consider using an action. See https://docs.convex.dev/functions/actions for more details.`;

// Installed in every context before the bundle: the runtime's globals, in the context's own realm.
const PRELUDE = `
(() => {
  const host = globalThis.__convexHost;
  delete globalThis.__convexHost;
  // @edge-runtime/vm wraps Object and Array in Proxies (for instanceof across realms), which puts
  // a trap on every Object.keys / Array.isArray of the convex library's value conversions. Values
  // reach functions here as JSON text parsed in this realm, as in one V8 isolate: use the realm's
  // own constructors.
  globalThis.Object = ({}).constructor;
  globalThis.Array = [].constructor;
  globalThis.Convex = {
    syscall: (op, args) => host.syscall(op, args),
    asyncSyscall: (op, args) => host.asyncSyscall(op, args),
    jsSyscall: (op, args) => host.jsSyscall(op, args),
  };
  const RealDate = Date;
  const realNow = RealDate.now;
  class ConvexDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) {
        const frozen = host.frozenNow();
        if (frozen !== null) { super(frozen); return; }
      }
      super(...args);
    }
    static now() {
      const frozen = host.frozenNow();
      return frozen !== null ? frozen : realNow();
    }
  }
  globalThis.Date = ConvexDate;
  const realRandom = Math.random;
  Math.random = () => { const r = host.random(); return r === null ? realRandom() : r; };
  const guard = (name, fn) => function (...args) {
    if (host.isTransaction()) throw new Error(host.timerError(name));
    return fn.apply(this, args);
  };
  const realFetch = globalThis.fetch;
  globalThis.fetch = function (...args) {
    if (host.isTransaction()) return Promise.reject(new Error(host.fetchError));
    return realFetch.apply(this, args);
  };
  globalThis.setTimeout = guard("setTimeout", globalThis.setTimeout);
  globalThis.setInterval = guard("setInterval", globalThis.setInterval);
  const format = (args) => args.map((a) => {
    if (typeof a === "string") return a;
    if (a instanceof Error) return a.stack || String(a);
    try { return JSON.stringify(a, (_k, v) => typeof v === "bigint" ? v.toString() + "n" : v); } catch { return String(a); }
  }).join(" ");
  for (const level of ["log", "info", "warn", "error", "debug"]) {
    console[level] = (...args) => host.log(level, format(args));
  }
})();
`;

/** A new context with the bundle evaluated in it. `env` becomes `process.env`. */
export async function createIsolateContext(script: string, env: Record<string, string | undefined>): Promise<IsolateContext> {
  const holder: { context?: IsolateContext } = {};
  const current = () => holder.context?.current ?? null;
  const need = (): Invocation => {
    const invocation = current();
    if (!invocation) throw new Error("The Convex runtime was used outside of a function (at import time).");
    return invocation;
  };
  const host = {
    syscall: (op: string, args: string) => need().syscall(op, args),
    asyncSyscall: (op: string, args: string) => need().asyncSyscall(op, args),
    jsSyscall: (op: string, args: Record<string, unknown>) => need().jsSyscall(op, args),
    frozenNow: () => current()?.frozenNow ?? null,
    random: () => current()?.random?.() ?? null,
    isTransaction: () => {
      const kind = current()?.kind;
      return kind === "query" || kind === "mutation";
    },
    fetchError: CONVEX_FETCH_ERROR,
    timerError: TIMER_ERROR,
    log: (level: string, line: string) => {
      const invocation = current();
      if (invocation) invocation.log(level, line);
      else console.log(`[convex import] ${line}`);
    },
  };
  const vm = new EdgeVM({
    extend: (context) => {
      const ctx = context as Record<string, unknown>;
      ctx.__convexHost = host;
      ctx.process = { env: { ...env } };
      return context;
    },
  });
  vm.evaluate(PRELUDE);
  vm.evaluate(script);
  const ctx = vm.context as unknown as Record<string, unknown>;
  const modules = ctx.__convexModules as Record<string, Record<string, unknown>> | undefined;
  if (!modules) throw new Error("The bundle did not define its modules.");
  const schema = ctx.__convexSchema;
  delete ctx.__convexModules;
  delete ctx.__convexSchema;
  const context: IsolateContext = { modules, schema, Request: ctx.Request as typeof Request, current: null };
  holder.context = context;
  return context;
}

/**
 * Contexts, one per concurrently running function, made on demand up to `max` and reused. A
 * context whose function timed out is thrown away (its code may still be running).
 */
export class IsolatePool {
  private readonly idle: IsolateContext[] = [];
  private made = 0;
  private readonly waiting: Array<(context: IsolateContext) => void> = [];
  private creating = 0;

  constructor(
    private readonly script: string,
    private readonly env: () => Record<string, string | undefined>,
    readonly max: number,
  ) {}

  get size(): number {
    return this.made;
  }

  /** Make `n` contexts ahead of need (start-up). */
  async warm(n: number): Promise<void> {
    while (this.made < Math.min(n, this.max)) {
      this.made += 1;
      this.idle.push(await createIsolateContext(this.script, this.env()));
    }
  }

  async acquire(): Promise<IsolateContext> {
    const ready = this.idle.pop();
    if (ready) {
      // Keep a spare ready, so the next concurrent function does not wait for a context to load.
      if (this.idle.length === 0) this.spare();
      return ready;
    }
    const waiting = new Promise<IsolateContext>((resolve) => this.waiting.push(resolve));
    this.spare();
    return waiting;
  }

  /** Make one more context in the background, if the pool may grow. */
  private spare(): void {
    if (this.made + this.creating >= this.max) return;
    this.creating += 1;
    void createIsolateContext(this.script, this.env())
      .then(
        (context) => {
          this.made += 1;
          this.release(context);
        },
        (error: unknown) => console.error("[emulator] could not create a VM context:", error),
      )
      .finally(() => (this.creating -= 1));
  }

  release(context: IsolateContext, healthy = true): void {
    context.current = null;
    if (!healthy) {
      this.made -= 1;
      if (this.waiting.length > 0) this.spare();
      return;
    }
    const next = this.waiting.shift();
    if (next) next(context);
    else this.idle.push(context);
  }
}
