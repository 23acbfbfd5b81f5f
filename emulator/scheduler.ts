/**
 * Scheduled functions, as a deployment runs them: `ctx.scheduler.runAfter/runAt` commit a
 * `_scheduled_functions` document; when it comes due, it runs with at most
 * SCHEDULED_JOB_EXECUTION_PARALLELISM (8) at once, so a backlog queues as in production.
 *
 * - A scheduled mutation runs exactly once: its job moves to `success` in the same transaction as
 *   its writes, and a write conflict is retried until it commits (Convex's scheduler policy).
 * - A scheduled action runs at most once: `pending → inProgress` commits before it starts, and
 *   after a restart an `inProgress` action is marked failed, never re-run.
 */
import { jsonToConvex, type JSONValue, type Value } from "convex/values";
import { TooManyConcurrentRequests } from "./concurrency";
import { describeError, type Engine } from "./engine";
import type { Commit, Doc } from "./store";

type Job = Doc & { name: string; args: Value[]; scheduledTime: number; state: { kind: string } };

const MAX_TIMER_MS = 2 ** 31 - 1;

export class Scheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private unsubscribe: (() => void) | null = null;
  private stopped = false;
  /** Jobs started and not yet finished (tests and benchmarks wait on them). */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly engine: Engine,
    private readonly log: (line: string) => void = console.log,
  ) {}

  /** Arm every pending job, settle actions a restart interrupted, and follow new commits. */
  async start(): Promise<number> {
    let resumed = 0;
    for (const doc of this.engine.store.table("_scheduled_functions").values()) {
      const job = doc as Job;
      if (job.state.kind === "inProgress") {
        this.log(`scheduled function ${job.name} (${job._id}) was running at shutdown; marked failed`);
        await this.finish(job._id, { kind: "failed", error: "Transient error while executing action" });
      } else if (job.state.kind === "pending") {
        resumed += 1;
        this.arm(job);
      }
    }
    this.unsubscribe = this.engine.onCommit((commit) => this.onCommit(commit));
    return resumed;
  }

  stop() {
    this.stopped = true;
    this.unsubscribe?.();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Resolves when every job that has started has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private onCommit(commit: Commit) {
    if (!commit.tables.has("_scheduled_functions")) {
      // A reset or restore replaced everything: re-arm from scratch.
      if (commit.writes.length === 0 && commit.by === "_system:reset") this.rearmAll();
      return;
    }
    for (const write of commit.writes) {
      if (write.table !== "_scheduled_functions") continue;
      const job = write.doc as Job | null;
      if (job?.state.kind === "pending") this.arm(job);
      else this.disarm(write.id);
    }
  }

  private rearmAll() {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const doc of this.engine.store.table("_scheduled_functions").values()) {
      if ((doc as Job).state.kind === "pending") this.arm(doc as Job);
    }
  }

  private arm(job: Job) {
    if (this.stopped) return;
    this.disarm(job._id);
    const delay = job.scheduledTime - Date.now();
    const timer = setTimeout(
      () => {
        this.timers.delete(job._id);
        if (delay > MAX_TIMER_MS) return this.arm(job);
        this.track(this.run(job._id));
      },
      Math.max(0, Math.min(delay, MAX_TIMER_MS)),
    );
    this.timers.set(job._id, timer);
  }

  private disarm(id: string) {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
  }

  private track(promise: Promise<void>) {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private async finish(id: string, state: { kind: string; error?: string }) {
    await this.engine.transact(
      "_system:scheduler",
      async (txn) => {
        const job = txn.read(id, "_scheduled_functions") as Job | null;
        if (job && (job.state.kind === "pending" || job.state.kind === "inProgress")) {
          txn.patch(id, "_scheduled_functions", { state: state as unknown as JSONValue, completedTime: Date.now() }, true);
        }
      },
      "scheduler",
    );
  }

  private async run(id: string): Promise<void> {
    const release = await this.engine.limiterFor("scheduledJobs");
    try {
      const job = this.engine.store.latest(id) as Job | null;
      if (!job || job.state.kind !== "pending" || this.stopped) return;
      const resolved = this.engine.resolve(job.name);
      if (!resolved) {
        await this.finish(id, { kind: "failed", error: `Could not find function for '${job.name}'` });
        return;
      }
      const args = (jsonToConvex((job.args[0] ?? {}) as JSONValue) ?? {}) as Record<string, Value>;
      try {
        if (resolved.kind === "mutation") {
          await this.engine.runMutation(resolved, args, null, "scheduler", {
            before: async (txn) => (txn.read(id, "_scheduled_functions") as Job | null)?.state.kind === "pending",
            after: (txn) =>
              txn.patch(id, "_scheduled_functions", { state: { kind: "success" } as unknown as JSONValue, completedTime: Date.now() }, true),
          });
          return;
        }
        // Actions (and queries) run at most once: marked in progress before they start.
        const { value: started } = await this.engine.transact(
          "_system:scheduler",
          async (txn) => {
            const current = txn.read(id, "_scheduled_functions") as Job | null;
            if (current?.state.kind !== "pending") return false;
            txn.patch(id, "_scheduled_functions", { state: { kind: "inProgress" } as unknown as JSONValue }, true);
            return true;
          },
          "scheduler",
        );
        if (!started) return;
        if (resolved.kind === "action") await this.engine.runAction(resolved, args, null, { wait: "forever" });
        else await this.engine.runQuery(resolved, args, null);
        await this.finish(id, { kind: "success" });
      } catch (error) {
        if (error instanceof TooManyConcurrentRequests) {
          // A system error: the job stays pending and is tried again shortly.
          setTimeout(() => this.track(this.run(id)), 500).unref?.();
          return;
        }
        const message = describeError(error).errorMessage;
        this.log(`scheduled function ${job.name} failed: ${message}`);
        await this.finish(id, { kind: "failed", error: message });
      }
    } finally {
      release();
    }
  }
}
