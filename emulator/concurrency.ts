/**
 * How many functions run at once, and how mutations are retried after a write conflict: a Convex
 * deployment's defaults (convex-backend knobs.rs; the limits page's S16 column), configurable.
 *
 * - Queries 16, mutations 16, default-runtime and HTTP actions 64, Node actions 64 at once
 *   (APPLICATION_MAX_CONCURRENT_*). A query or mutation waits up to 5 s for a slot and an action
 *   10 s, then fails with "Too many concurrent requests"; scheduled actions wait as long as needed.
 * - Scheduled functions run 8 at a time, crons 8 at a time (SCHEDULED_JOB_EXECUTION_PARALLELISM).
 * - The isolate pool holds a VM context per concurrently running default-runtime function.
 */
export type ConcurrencyLimits = {
  queries: number;
  mutations: number;
  v8Actions: number;
  nodeActions: number;
  scheduledJobs: number;
  crons: number;
  isolates: number;
};

export type Pool = "queries" | "mutations" | "v8Actions" | "nodeActions" | "scheduledJobs" | "crons";

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

export function concurrencyFromEnv(): ConcurrencyLimits {
  const limits = {
    queries: envNumber("APPLICATION_MAX_CONCURRENT_QUERIES", 16),
    mutations: envNumber("APPLICATION_MAX_CONCURRENT_MUTATIONS", 16),
    v8Actions: envNumber("APPLICATION_MAX_CONCURRENT_V8_ACTIONS", 64),
    nodeActions: envNumber("APPLICATION_MAX_CONCURRENT_NODE_ACTIONS", 64),
    scheduledJobs: envNumber("SCHEDULED_JOB_EXECUTION_PARALLELISM", 8),
    crons: envNumber("SCHEDULED_JOB_EXECUTION_PARALLELISM", 8),
    isolates: 0,
  };
  // Every default-runtime function holds a context while it runs (nested calls hold one more).
  limits.isolates = envNumber("EMULATOR_MAX_ISOLATES", limits.queries + limits.mutations * 2 + limits.v8Actions);
  return limits;
}

const WAIT_MS: Record<Pool, number | null> = {
  queries: 5000,
  mutations: 5000,
  v8Actions: 10_000,
  nodeActions: 10_000,
  scheduledJobs: null,
  crons: null,
};

const NOUN: Record<Pool, string> = {
  queries: "querie",
  mutations: "mutation",
  v8Actions: "action",
  nodeActions: "action",
  scheduledJobs: "scheduled function",
  crons: "cron job",
};

export class TooManyConcurrentRequests extends Error {
  constructor(pool: Pool, limit: number) {
    super(
      `TooManyConcurrentRequests: Too many concurrent requests. Your backend is limited to ${limit} concurrent ${NOUN[pool]}s. If you need more resources, please contact support.`,
    );
    this.name = "TooManyConcurrentRequests";
  }
}

/** Counting semaphores per pool, with Convex's waiting times. */
export class Limiter {
  private readonly active: Record<Pool, number> = { queries: 0, mutations: 0, v8Actions: 0, nodeActions: 0, scheduledJobs: 0, crons: 0 };
  private readonly waiting: Record<Pool, Array<() => void>> = { queries: [], mutations: [], v8Actions: [], nodeActions: [], scheduledJobs: [], crons: [] };

  constructor(private readonly limits: ConcurrencyLimits) {}

  /** Wait for a slot; the function returned gives it back. `wait: "forever"` never times out. */
  async acquire(pool: Pool, wait: "default" | "forever" = "default"): Promise<() => void> {
    const limit = this.limits[pool];
    if (this.active[pool] < limit && this.waiting[pool].length === 0) {
      this.active[pool] += 1;
      return this.releaser(pool);
    }
    const maxWait = wait === "forever" ? null : WAIT_MS[pool];
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const entry = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiting[pool].push(entry);
      if (maxWait !== null) {
        timer = setTimeout(() => {
          const i = this.waiting[pool].indexOf(entry);
          if (i >= 0) this.waiting[pool].splice(i, 1);
          reject(new TooManyConcurrentRequests(pool, limit));
        }, maxWait);
      }
    });
    return this.releaser(pool);
  }

  private releaser(pool: Pool): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting[pool].shift();
      if (next) next(); // The slot passes straight to the next in line.
      else this.active[pool] -= 1;
    };
  }

  running(): Record<Pool, number> {
    return { ...this.active };
  }

  queued(): Record<Pool, number> {
    return Object.fromEntries(Object.entries(this.waiting).map(([k, v]) => [k, v.length])) as Record<Pool, number>;
  }
}

/** Full-jitter exponential backoff: uniform in [0, min(initial · 2^attempt, max)). */
function jitter(initialMs: number, maxMs: number) {
  return (attempt: number) => Math.random() * Math.min(initialMs * 2 ** attempt, maxMs);
}

/**
 * Convex's OCC retry policy by caller: a client's mutation (and an action's `runMutation`) is
 * retried 4 times with 100 ms → 2 s full-jitter backoff; a scheduled mutation retries until it
 * commits (100 ms → 60 s); a cron's until it commits (500 ms → 15 s). Node actions' runMutation
 * additionally retries the whole call up to 5 times (1 s → 20 s) in the Node executor.
 */
export const RETRY = {
  client: { retries: 4, backoffMs: jitter(100, 2000) },
  action: { retries: 4, backoffMs: jitter(100, 2000) },
  scheduler: { retries: Infinity, backoffMs: jitter(100, 60_000) },
  cron: { retries: Infinity, backoffMs: jitter(500, 15_000) },
} as const;

/** The Node executor's retry of a failed (5xx, e.g. OCC) `runMutation` from a Node action. */
export const NODE_EXECUTOR_RETRY = { attempts: 5, backoffMs: jitter(1000, 20_000) };
