/**
 * Bench mode: count the documents a function reads and writes, through the function builders
 * (convex/functions.ts), without touching any function. On when BENCH_METRICS=1, which only the
 * benchmark sets on the local emulator; the counts go to a sink the benchmark installs on
 * globalThis. Reads are documents returned to the function (by get, first, unique, take,
 * collect, paginate or iteration); writes are inserts, patches, replaces and deletes.
 */
export type Meter = {
  reads: number;
  writes: number;
  /** The same, per table: what a transaction touched (design tests check that hot paths stay apart). */
  tables: Record<string, { reads: number; writes: number }>;
};
type Sink = (meter: Meter) => void;

const SINK = "__unifiedInboxMeter";

export function meteringEnabled(): boolean {
  // eslint-disable-next-line @convex-dev/no-process-env -- bench mode only, read where the builders are made
  return process.env.BENCH_METRICS === "1";
}

/** A function log line carrying a meter: how a meter leaves the emulator's function sandboxes. */
export const METER_LOG = "[bench-meter]";

export function report(meter: Meter): void {
  const sink = (globalThis as unknown as Record<string, Sink | undefined>)[SINK];
  // In-process (convex-test): straight to the sink. In the emulator's sandboxes the benchmark's
  // sink is out of reach: the meter goes out as a function log line (bench/harness.ts reads it).
  if (sink) sink(meter);
  else console.log(`${METER_LOG} ${JSON.stringify(meter)}`);
}

/** The meter in an emulator log line, if it carries one; delivered to the installed sink. */
export function meterFromLog(line: string): boolean {
  const at = line.indexOf(METER_LOG);
  if (at < 0) return false;
  (globalThis as unknown as Record<string, Sink | undefined>)[SINK]?.(JSON.parse(line.slice(at + METER_LOG.length)) as Meter);
  return true;
}

/** Install the benchmark's sink (the benchmark runs the emulator in its own process). */
export function setMeterSink(sink: Sink | null): void {
  (globalThis as unknown as Record<string, Sink | null>)[SINK] = sink;
}

const TERMINALS = new Set(["first", "unique", "take", "collect", "paginate"]);
const CHAINED = new Set(["withIndex", "withSearchIndex", "order", "filter", "fullTableScan", "limit"]);
const WRITES = new Set(["insert", "patch", "replace", "delete"]);

/** A new, empty meter. */
export function newMeter(): Meter {
  return { reads: 0, writes: 0, tables: {} };
}

function count(meter: Meter, table: string, kind: "reads" | "writes", n: number): void {
  meter[kind] += n;
  const t = (meter.tables[table] ??= { reads: 0, writes: 0 });
  t[kind] += n;
}

function countResult(meter: Meter, table: string, method: string, result: unknown): void {
  if (method === "take" || method === "collect") count(meter, table, "reads", (result as unknown[]).length);
  else if (method === "paginate") count(meter, table, "reads", (result as { page: unknown[] }).page.length);
  else if (result !== null) count(meter, table, "reads", 1);
}

/** The table a `db` call names: the table-first API (`get("messages", id)`) this codebase uses. */
function tableOf(args: unknown[], arity: number): string {
  return args.length >= arity && typeof args[0] === "string" ? args[0] : "?";
}

function meterQuery<Q extends object>(query: Q, meter: Meter, table: string): Q {
  return new Proxy(query, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop === Symbol.asyncIterator && typeof value === "function") {
        return () => {
          const iterator = (value as () => AsyncIterator<unknown>).call(target);
          return {
            next: async () => {
              const step = await iterator.next();
              if (!step.done) count(meter, table, "reads", 1);
              return step;
            },
            return: iterator.return?.bind(iterator),
          };
        };
      }
      if (typeof prop !== "string" || typeof value !== "function") return value;
      if (CHAINED.has(prop)) {
        return (...args: unknown[]) =>
          meterQuery((value as (...a: unknown[]) => object).apply(target, args), meter, table);
      }
      if (TERMINALS.has(prop)) {
        return async (...args: unknown[]) => {
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          countResult(meter, table, prop, result);
          return result;
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

/** A `ctx.db` that counts into `meter`. */
export function meterDb<DB extends object>(db: DB, meter: Meter): DB {
  return new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== "string" || typeof value !== "function") return value;
      if (prop === "query") {
        return (...args: unknown[]) =>
          meterQuery((value as (...a: unknown[]) => object).apply(target, args), meter, String(args[0]));
      }
      if (prop === "get") {
        return async (...args: unknown[]) => {
          const doc = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (doc !== null) count(meter, tableOf(args, 2), "reads", 1);
          return doc;
        };
      }
      if (WRITES.has(prop)) {
        return async (...args: unknown[]) => {
          count(meter, tableOf(args, prop === "insert" ? 1 : prop === "delete" ? 2 : 3), "writes", 1);
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}
