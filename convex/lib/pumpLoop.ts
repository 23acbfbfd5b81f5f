/**
 * A lane's pump loop, apart from Convex and the providers so it can be tested on a virtual clock
 * (the action in convex/dispatch/pump.ts gives it the real ones).
 *
 * Each tick it hands the outcomes of finished provider calls to the `tick` mutation, which records
 * them and claims what may go out now; it starts those calls at once and does not wait for them.
 * So calls for one sender overlap as far as its rate allows: at 200/s with a provider answering in
 * 250 ms, some fifty are in flight, and a slow answer (2 s) holds up nobody.
 *
 * Pacing: the claim measures each sender's token bucket; the loop measures it again at the moment
 * the calls actually start, and passes that on, so however late a claim returns, calls never start
 * closer together than the rate allows (a late pump catches up by a short burst at most).
 *
 * It ticks at most every `tickMs` while busy (outcomes are batched per tick), sleeps until the next
 * claimable moment, or — with nothing in flight and a longer wait (a slow sender) — parks: ends and
 * continues as a scheduled run, so a waiting pump holds none of the deployment's few scheduled-job
 * slots. It ends when the tick hands the lane back (idle), and after `runMs` hands the lane to a
 * successor and only finishes its calls in flight.
 */
import type { Job, Outcome, Result } from "./claim";
import { levelAt, type Bucket } from "./pacing";

/**
 * What a message says; mediaNames are its files' names lined up with mediaUrls ("" for a typed link), for email
 * attachments; contentSid/contentVariables a WhatsApp template's.
 */
export type Body = { content: string; subject?: string; mediaUrls?: string[]; mediaNames?: string[]; contentSid?: string; contentVariables?: string };
export type Pace = { ratePerSecond: number; capacity: number; level: number; at: number };
export type TickArgs = {
  results: Result[];
  inFlight: number;
  /** How many new calls the pump may start now. */
  room: number;
  buckets: Record<string, Bucket>;
  claim: boolean;
};
export type TickResult = { owned: boolean; jobs: Job[]; pace: Record<string, Pace>; nextAt: number | null; idle: boolean };
export type Bodies = {
  broadcasts: Array<{ broadcastId: string; body: Body }>;
  messages: Array<{ messageId: string; body: Body }>;
};

export type PumpIO = {
  now(): number;
  /** Resolves after `ms`, or when `signal` fires (then early). */
  sleep(ms: number, signal: Promise<void>): Promise<void>;
  tick(args: TickArgs): Promise<TickResult>;
  /** Record outcomes apart from a tick (those of a tick that failed, a few at a time). */
  record(results: Result[]): Promise<void>;
  bodies(broadcastIds: string[], messageIds: string[]): Promise<Bodies>;
  /** Call the provider. Throws (anything but an outcome) when the call's fate is unknown: it stays `sending`. */
  send(job: Job, body: Body): Promise<Outcome>;
  /** Give the lane to a successor carrying these buckets. */
  handover(buckets: Record<string, Bucket>): Promise<boolean>;
  /** End this run and continue (same lane, same lease) at `at`, with these buckets. */
  park(buckets: Record<string, Bucket>, at: number): Promise<void>;
  log(line: string): void;
};

export type PumpOptions = {
  tickMs: number;
  runMs: number;
  /** Provider calls in flight at most (a function may have 1,000 I/O operations at once). */
  maxInFlight: number;
  /**
   * A call running longer than this (the provider's slowest normal answer is well under it) means
   * the provider, or this action's own process, is struggling: start no new call until it ends,
   * rather than pile up calls that would time out (an SMS that times out is never re-sent).
   */
  stallMs: number;
  /** With nothing in flight and nothing to claim for at least this long, park instead of sleeping. */
  parkAfterMs: number;
  buckets?: Record<string, Bucket>;
};
export type PumpStats = {
  ticks: number;
  calls: number;
  maxInFlight: number;
  ended: "idle" | "parked" | "handover" | "lost" | "failing";
};

/** Consecutive failed ticks (each already retried by Convex) before the pump gives up claiming. */
const MAX_TICK_FAILURES = 20;
/** Outcomes of a failed tick are recorded apart, this many per transaction. */
export const RECORD_CHUNK = 10;

export async function runPump(io: PumpIO, opts: PumpOptions): Promise<PumpStats> {
  const started = io.now();
  const buckets: Record<string, Bucket> = { ...(opts.buckets ?? {}) };
  const bodies = new Map<string, Body>();
  /** Calls in flight, with when each started. */
  const inFlight = new Map<Promise<void>, number>();
  let results: Result[] = [];
  /**
   * Outcomes of a tick that failed. Recording an outcome writes the recipient's conversation — so
   * does a reply from them — and one contested document would fail every tick that carries it:
   * they are recorded apart, in small transactions, and the ticks go on claiming.
   */
  let apart: Result[][] = [];
  let recordFailures = 0;
  let claiming = true;
  let ended: PumpStats["ended"] = "idle";
  let failures = 0;
  let lastTick = -Infinity;
  const stats = { ticks: 0, calls: 0, maxInFlight: 0 };

  // Fires when a call finishes, so a wait can end early.
  let settled!: () => void;
  let onSettled = new Promise<void>((r) => (settled = r));
  const signal = () => {
    const fire = settled;
    onSettled = new Promise<void>((r) => (settled = r));
    fire();
  };

  const start = (job: Job, body: Body | undefined) => {
    const call = (async () => {
      let outcome: Outcome;
      try {
        outcome = body
          ? await io.send(job, body)
          : { kind: "error", code: "BODY_UNAVAILABLE", message: "The message text could not be read.", permanent: false, outcomeUnknown: false };
      } catch (error) {
        // The provider may have accepted it: leave it `sending` for a receipt or the sweep.
        io.log(`[pump] call for ${job.messageId} ended without an outcome: ${String(error).slice(0, 200)}`);
        return;
      }
      results.push({ messageId: job.messageId, attempt: job.attempt, outcome, at: io.now() });
    })().finally(() => {
      inFlight.delete(call);
      signal();
    });
    inFlight.set(call, io.now());
    stats.calls++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight.size);
  };

  const loadBodies = async (jobs: Job[]) => {
    // A broadcast's text once; a message rendered for its recipient (ownBody) has its own.
    const shared = (j: Job) => j.broadcastId !== undefined && !j.ownBody;
    const broadcastIds: string[] = [...new Set(jobs.flatMap((j) => (shared(j) && !bodies.has(j.broadcastId!) ? [j.broadcastId!] : [])))];
    const messageIds = jobs.filter((j) => !shared(j)).map((j) => j.messageId as string);
    const single = new Map<string, Body>();
    while (broadcastIds.length || messageIds.length) {
      const got = await io.bodies(broadcastIds, messageIds);
      if (!got.broadcasts.length && !got.messages.length) break; // gone (deleted meanwhile)
      for (const b of got.broadcasts) {
        bodies.set(b.broadcastId, b.body);
        broadcastIds.splice(broadcastIds.indexOf(b.broadcastId), 1);
      }
      for (const m of got.messages) {
        single.set(m.messageId, m.body);
        messageIds.splice(messageIds.indexOf(m.messageId), 1);
      }
    }
    return (job: Job) => (shared(job) ? bodies.get(job.broadcastId!) : single.get(job.messageId));
  };

  const setApart = (batch: Result[]) => {
    for (let i = 0; i < batch.length; i += RECORD_CHUNK) apart.push(batch.slice(i, i + RECORD_CHUNK));
  };
  /** Each chunk once per round; a chunk that fails is split into single outcomes, tried again later. */
  const recordApart = async () => {
    const round = apart;
    apart = [];
    for (const chunk of round) {
      try {
        await io.record(chunk);
        recordFailures = 0;
      } catch (error) {
        recordFailures++;
        io.log(`[pump] recording ${chunk.length} outcomes failed (${recordFailures}): ${String(error).slice(0, 200)}`);
        // Winding down and still failing: leave them `sending` for a receipt or the sweep (the
        // rules of a call that ended without an outcome).
        if (!claiming && recordFailures >= 2 * MAX_TICK_FAILURES) continue;
        for (const result of chunk) apart.push([result]);
      }
    }
  };

  for (;;) {
    if (claiming && io.now() - started >= opts.runMs) {
      claiming = false;
      ended = "handover";
      try {
        if (!(await io.handover({ ...buckets }))) ended = "lost";
      } catch (error) {
        io.log(`[pump] handover failed (the sweep restarts the lane): ${String(error).slice(0, 200)}`);
      }
    }
    const batch = results;
    results = [];
    let tick: TickResult;
    try {
      const now = io.now();
      const stalled = [...inFlight.values()].some((startedAt) => startedAt < now - opts.stallMs);
      const room = stalled ? 0 : Math.max(0, opts.maxInFlight - inFlight.size);
      tick = await io.tick({ results: batch, inFlight: inFlight.size, room, buckets: { ...buckets }, claim: claiming });
      failures = 0;
    } catch (error) {
      setApart(batch);
      failures++;
      io.log(`[pump] tick failed (${failures}): ${String(error).slice(0, 200)}`);
      if (failures >= MAX_TICK_FAILURES) {
        if (claiming) ended = "failing";
        claiming = false;
        // Outcomes it cannot record are settled by the sweep (SMS as unknown, email retried).
        if (inFlight.size === 0 || failures >= 2 * MAX_TICK_FAILURES) break;
      }
      await recordApart();
      await io.sleep(Math.min(2_000, opts.tickMs * 2 ** Math.min(failures, 6)), onSettled);
      continue;
    }
    await recordApart();
    stats.ticks++;
    lastTick = io.now();
    if (!tick.owned && claiming) {
      claiming = false;
      ended = "lost";
    }

    if (tick.jobs.length) {
      let bodyOf: (job: Job) => Body | undefined = () => undefined;
      try {
        bodyOf = await loadBodies(tick.jobs);
      } catch (error) {
        io.log(`[pump] could not read message texts: ${String(error).slice(0, 200)}`);
      }
      // The calls start now: measure each sender's bucket at this moment, less what it starts.
      const sentAt = io.now();
      const perSender = new Map<string, number>();
      for (const job of tick.jobs) if (job.broadcastId) perSender.set(job.senderId, (perSender.get(job.senderId) ?? 0) + 1);
      for (const [senderId, pace] of Object.entries(tick.pace)) {
        buckets[senderId] = { level: levelAt(pace, sentAt, pace.ratePerSecond, pace.capacity) - (perSender.get(senderId) ?? 0), at: sentAt };
      }
      for (const job of tick.jobs) start(job, bodyOf(job));
    }
    // (Outcomes still to record apart keep the run going; its next tick finds the lane handed back.)
    if (tick.idle && apart.length === 0) break;
    if (!claiming && inFlight.size === 0 && results.length === 0 && apart.length === 0) break;
    if (claiming && inFlight.size === 0 && results.length === 0 && apart.length === 0 && tick.nextAt !== null && tick.nextAt - io.now() >= opts.parkAfterMs) {
      // Nothing to wait for but the clock (a slow sender): free the deployment's scheduled-job slot
      // meanwhile and continue as a new run when the next send is due. The lease stays ours.
      try {
        await io.park({ ...buckets }, tick.nextAt);
        ended = "parked";
        break;
      } catch (error) {
        io.log(`[pump] could not park, sleeping instead: ${String(error).slice(0, 200)}`);
      }
    }

    // Wait for the next thing worth a tick: the next claimable moment (no sooner than a tick after
    // the last), outcomes to record (batched per tick; at once when nothing else is in flight).
    for (;;) {
      const now = io.now();
      if ((results.length || apart.length) && inFlight.size === 0) break;
      const claimAt = claiming && tick.nextAt !== null ? Math.max(tick.nextAt, lastTick + opts.tickMs) : Infinity;
      const recordAt = results.length || apart.length ? lastTick + opts.tickMs : Infinity;
      const until = Math.min(claimAt, recordAt);
      if (until <= now) break;
      if (until === Infinity && inFlight.size === 0) break;
      await (until === Infinity ? onSettled : io.sleep(until - now, onSettled));
    }
  }
  // Whatever is still in flight (a lost lane, a failing tick) is recorded by the sweep's rules.
  return { ...stats, ended };
}
