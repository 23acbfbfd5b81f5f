/**
 * Scheduled functions survive a restart: convex-test keeps their timers in memory only, so jobs
 * restored from the snapshot are re-armed here, keeping their ids and states.
 */
import type { Value } from "convex/values";
import type { Engine } from "./engine";

type Job = { _id: string; name: string; args: Value[]; scheduledTime: number; state: { kind: string } };

export async function resumeScheduledFunctions(engine: Engine, log: (line: string) => void = console.log) {
  const jobs = [...(engine.fast.tables.get("_scheduled_functions")?.values() ?? [])] as unknown as Job[];
  let resumed = 0;
  for (const job of jobs) {
    if (job.state.kind === "inProgress") {
      // It may or may not have committed before the restart: never run it twice.
      log(`scheduled function ${job.name} (${job._id}) was running at shutdown; marked failed`);
      await engine.withDatabase((db) =>
        db.patch("_scheduled_functions", job._id, { state: { kind: "failed" }, completedTime: Date.now() }),
      );
    } else if (job.state.kind === "pending") {
      resumed += 1;
      setTimeout(() => void runJob(engine, job._id, log), Math.max(0, job.scheduledTime - Date.now()));
    }
  }
  return resumed;
}

async function runJob(engine: Engine, jobId: string, log: (line: string) => void) {
  const job = await engine.withDatabase((db) => {
    const current = db.get("_scheduled_functions", jobId) as unknown as Job | null;
    if (current?.state.kind !== "pending") return null; // Cancelled meanwhile.
    db.patch("_scheduled_functions", jobId, { state: { kind: "inProgress" } });
    return current;
  });
  if (!job) return;
  let state: Record<string, unknown> = { state: { kind: "success" } };
  try {
    await engine.runAny(job.name, (job.args[0] ?? {}) as Record<string, Value>);
  } catch (error) {
    log(`scheduled function ${job.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    state = { state: { kind: "failed" }, completedTime: Date.now() };
  }
  await engine.withDatabase((db) => db.patch("_scheduled_functions", jobId, state));
}
