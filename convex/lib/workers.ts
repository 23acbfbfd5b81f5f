/**
 * Background workers that drain a queue table in passes: the aggregates rollup (aggregateDeltas),
 * the receipt applier (receiptQueue) and the conversation worker (sentQueue). One chain of passes per worker runs at a time; the
 * writers that fill a queue wake the worker when it is idle.
 *
 * Why this shape, under Convex's optimistic concurrency: a writer only *reads* the worker's state
 * document, and the state is written only when the worker starts or goes idle. So filling a queue
 * conflicts with nothing while the worker runs; at the two moments the state flips, a writer that
 * read it is retried by Convex and sees the new state. The worker never misses a wake-up: its
 * last pass reads the whole queue (finding it empty) in the same transaction that marks it idle,
 * so a row inserted meanwhile makes that pass conflict and run again.
 *
 * Passes read only rows older than `SETTLE_MS`: rows still being written by transactions that
 * began a moment ago are not in the range a pass reads, so the steady stream of inserts does not
 * conflict with the pass either.
 */
import type { FunctionReference } from "convex/server";
import { internal } from "../_generated/api";
import type { Doc } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";

export type WorkerName = "rollup" | "receipts" | "conversations";

/** A pass reads only rows at least this old (see above). */
export const SETTLE_MS = 100;
/** Between passes while there is work: what keeps the aggregates about a second behind at most. */
export const PASS_INTERVAL_MS = 200;

type PassRef = FunctionReference<"mutation", "internal", { gen: number }, null>;

function passOf(name: WorkerName): PassRef {
  if (name === "rollup") return internal.aggregates.rollup;
  return name === "receipts" ? internal.receipts.applyQueued : internal.conversations.applySent;
}

async function stateOf(ctx: Pick<QueryCtx, "db">, name: WorkerName): Promise<Doc<"workers"> | null> {
  return await ctx.db
    .query("workers")
    .withIndex("by_name", (q) => q.eq("name", name))
    .unique();
}

async function start(ctx: Pick<MutationCtx, "db" | "scheduler">, name: WorkerName, state: Doc<"workers"> | null, delayMs: number) {
  const gen = (state?.gen ?? 0) + 1;
  if (state) await ctx.db.patch("workers", state._id, { running: true, gen });
  else await ctx.db.insert("workers", { name, running: true, gen });
  await ctx.scheduler.runAfter(delayMs, passOf(name), { gen });
}

/** Make sure the worker runs (its first pass after `delayMs`); a read and nothing else while it does. */
export async function wakeWorker(ctx: Pick<MutationCtx, "db" | "scheduler">, name: WorkerName, delayMs = SETTLE_MS): Promise<void> {
  const state = await stateOf(ctx, name);
  if (state?.running) return;
  await start(ctx, name, state, delayMs);
}

/** At the start of a pass: false when this chain is not the current one (a restart replaced it). */
export async function ownsWorker(ctx: Pick<QueryCtx, "db">, name: WorkerName, gen: number): Promise<boolean> {
  const state = await stateOf(ctx, name);
  return state !== null && state.running && state.gen === gen;
}

/** At the end of a pass: the next pass after `nextInMs`, or (null) idle until a writer wakes it. */
export async function continueWorker(
  ctx: Pick<MutationCtx, "db" | "scheduler">,
  name: WorkerName,
  gen: number,
  nextInMs: number | null,
): Promise<void> {
  if (nextInMs !== null) {
    await ctx.scheduler.runAfter(Math.max(0, nextInMs), passOf(name), { gen });
    return;
  }
  const state = await stateOf(ctx, name);
  if (state && state.gen === gen) await ctx.db.patch("workers", state._id, { running: false });
}

/** The sweep: start a new chain when the queue has waited too long (the old chain died). */
export async function restartWorker(ctx: Pick<MutationCtx, "db" | "scheduler">, name: WorkerName): Promise<void> {
  await start(ctx, name, await stateOf(ctx, name), 0);
}
