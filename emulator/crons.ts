/**
 * Runs the jobs of convex/crons.ts in real time: intervals, cron expressions (parsed by croner,
 * 5 fields, UTC) and the hourly / daily / weekly / monthly helpers.
 */
import { Cron } from "croner";
import type { JSONValue } from "convex/values";

type Schedule =
  | { type: "interval"; seconds?: number; minutes?: number; hours?: number }
  | { type: "cron"; cron: string }
  | { type: "hourly"; minuteUTC?: number }
  | { type: "daily"; hourUTC: number; minuteUTC?: number }
  | { type: "weekly"; dayOfWeek: string; hourUTC: number; minuteUTC?: number }
  | { type: "monthly"; day: number; hourUTC: number; minuteUTC?: number };

/** One job as `cronJobs()` records it; `args` is `[argsObject]` at runtime. */
export type CronJobSpec = { name: string; args: JSONValue; schedule: Schedule };
/** The default export of convex/crons.ts: `cronJobs()` from convex/server. */
export type CronsLike = { isCrons?: true; crons: Record<string, CronJobSpec> };

const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Convex picks a minute per job when none is given; this one is stable per job name. */
function defaultMinute(identifier: string): number {
  let hash = 0;
  for (const ch of identifier) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % 60;
}

/** The 5-field UTC cron expression of a calendar schedule. */
export function cronExpression(
  schedule: Exclude<Schedule, { type: "interval" }>,
  identifier: string,
): string {
  if (schedule.type === "cron") return schedule.cron;
  const minute = schedule.minuteUTC ?? defaultMinute(identifier);
  switch (schedule.type) {
    case "hourly":
      return `${minute} * * * *`;
    case "daily":
      return `${minute} ${schedule.hourUTC} * * *`;
    case "weekly": {
      const day = DAYS.indexOf(schedule.dayOfWeek);
      if (day < 0) throw new Error(`Unknown day of week ${schedule.dayOfWeek}`);
      return `${minute} ${schedule.hourUTC} * * ${day}`;
    }
    case "monthly":
      return `${minute} ${schedule.hourUTC} ${schedule.day} * *`;
  }
}

/**
 * When a job next runs after `after` (ms). Interval jobs run every period counted from
 * `startedAt` (when the emulator started, as a deployment counts from its push).
 */
export function nextRunAt(
  schedule: Schedule,
  after: number,
  startedAt: number,
  identifier: string,
): number | null {
  if (schedule.type === "interval") {
    const period =
      (schedule.seconds ?? 0) * 1000 + (schedule.minutes ?? 0) * 60_000 + (schedule.hours ?? 0) * 3_600_000;
    if (!(period > 0)) throw new Error(`Cron "${identifier}": interval must be positive`);
    const runs = Math.floor((after - startedAt) / period) + 1;
    return startedAt + Math.max(1, runs) * period;
  }
  const next = new Cron(cronExpression(schedule, identifier), { timezone: "UTC", mode: "5-part" }).nextRun(
    new Date(after),
  );
  return next ? next.getTime() : null;
}

/** Schedules every job with timers; a run still going when the next is due makes that one skip. */
export class CronRunner {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<string>();
  private stopped = false;

  constructor(
    private readonly run: (functionName: string, args: JSONValue) => Promise<unknown>,
    private readonly log: (line: string) => void = console.log,
  ) {}

  start(crons: CronsLike, startedAt = Date.now()): string[] {
    const names = Object.keys(crons.crons);
    for (const [identifier, job] of Object.entries(crons.crons))
      this.arm(identifier, job, startedAt, startedAt);
    return names;
  }

  private arm(identifier: string, job: CronJobSpec, after: number, startedAt: number) {
    if (this.stopped) return;
    const at = nextRunAt(job.schedule, after, startedAt, identifier);
    if (at === null) return;
    const delay = at - Date.now();
    const timer = setTimeout(
      () => {
        if (delay > MAX_TIMER_MS) return this.arm(identifier, job, after, startedAt); // Far away: wait more.
        this.arm(identifier, job, at, startedAt);
        void this.fire(identifier, job);
      },
      Math.max(0, Math.min(delay, MAX_TIMER_MS)),
    );
    timer.unref?.();
    this.timers.set(identifier, timer);
  }

  private async fire(identifier: string, job: CronJobSpec) {
    if (this.running.has(identifier)) {
      this.log(`cron "${identifier}": previous run still in progress, skipping this one`);
      return;
    }
    this.running.add(identifier);
    try {
      await this.run(job.name, (Array.isArray(job.args) ? job.args[0] : job.args) ?? {});
    } catch (error) {
      this.log(
        `cron "${identifier}" (${job.name}) failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.running.delete(identifier);
    }
  }

  stop() {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
