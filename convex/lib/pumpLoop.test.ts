// @vitest-environment node
/**
 * The pump loop on a virtual clock, against a provider that answers in 250 ms (p50) with a 2 s
 * tail: calls overlap, so a sender holds its rate; no window sees more than the rate allows; a
 * crash leaves its message unrecorded; a long run hands over; a slow sender parks.
 */
import { describe, expect, it } from "vitest";
import type { Id } from "../_generated/dataModel";
import type { Job, Outcome, Result } from "./claim";
import { bucketCapacity, levelAt, nextSendAt } from "./pacing";
import { RECORD_CHUNK, runPump, type PumpIO, type TickArgs, type TickResult } from "./pumpLoop";

const TICK_MS = 50;
const CATCH_UP_MS = 200;

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** 250 ms median, log-normal, capped at 2 s (p99 ≈ 2 s). */
function latency(random: () => number): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.min(2_000, 250 * Math.exp(0.9 * z));
}

/** A virtual clock: timers fire only when the simulation advances to them. */
class Clock {
  t = 0;
  private timers: Array<{ at: number; fire: () => void }> = [];
  now = () => this.t;
  at(at: number): Promise<void> {
    return new Promise((fire) => this.timers.push({ at: Math.max(at, this.t), fire }));
  }
  /** Run until `done` resolves: settle all pending work, then jump to the next timer. */
  async run(done: Promise<unknown>) {
    let finished = false;
    void done.then(() => (finished = true));
    for (;;) {
      for (let i = 0; i < 4; i++) await new Promise((r) => setImmediate(r));
      if (finished) return;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (!next) throw new Error("stuck: no timers and not done");
      this.t = next.at;
      next.fire();
    }
  }
}

type Msg = { id: string; sender: string; attempts: number; sentAt?: number; status: "queued" | "sending" | "sent" | "unknown" };

/**
 * The tick's contract in memory: record outcomes, claim each sender's queued messages up to its
 * token bucket (measured from the buckets the pump passes), say when the next is claimable.
 */
function world(opts: { senders: Record<string, { rate: number; count: number }>; ownerAfter?: number }) {
  const messages: Msg[] = [];
  const byId = new Map<string, Msg>();
  const queues = new Map<string, Msg[]>();
  for (const [sender, { count }] of Object.entries(opts.senders)) {
    queues.set(sender, []);
    for (let i = 0; i < count; i++) {
      const m: Msg = { id: `${sender}-${i}`, sender, attempts: 0, status: "queued" };
      messages.push(m);
      byId.set(m.id, m);
      queues.get(sender)!.push(m);
    }
  }
  const calls: Array<{ id: string; sender: string; at: number }> = [];
  const ticks: TickArgs[] = [];
  let ticksSeen = 0;
  const tick = (clock: Clock) => async (args: TickArgs): Promise<TickResult> => {
    ticks.push(args);
    ticksSeen++;
    const now = clock.now();
    for (const r of args.results) record(r);
    const owned = opts.ownerAfter === undefined || ticksSeen <= opts.ownerAfter;
    if (!owned || !args.claim) return { owned, jobs: [], pace: {}, nextAt: null, idle: false };
    const jobs: Job[] = [];
    const pace: TickResult["pace"] = {};
    let nextAt: number | null = null;
    for (const [sender, { rate }] of Object.entries(opts.senders)) {
      const capacity = bucketCapacity(rate, CATCH_UP_MS);
      const bucket = args.buckets[sender];
      const level = bucket ? levelAt(bucket, now, rate, capacity) : Math.min(capacity, Math.max(1, (rate * TICK_MS) / 1000));
      pace[sender] = { ratePerSecond: rate, capacity, level, at: now };
      const queued = queues.get(sender)!;
      const claim = queued.splice(0, Math.max(0, Math.min(Math.floor(level), args.room - jobs.length)));
      for (const m of claim) {
        m.status = "sending";
        m.attempts++;
        jobs.push({ messageId: m.id as Id<"messages">, attempt: m.attempts, channel: "sms", provider: "twilio", senderId: sender as Id<"senders">, broadcastId: `b-${sender}` as Id<"broadcasts">, to: m.id, from: sender });
      }
      if (queued.length > 0) {
        const at = nextSendAt({ level: level - claim.length, at: now }, rate);
        nextAt = nextAt === null ? at : Math.min(nextAt, at);
      }
    }
    const idle = jobs.length === 0 && args.inFlight === 0 && nextAt === null;
    return { owned: true, jobs, pace, nextAt, idle };
  };
  const record = (r: Result) => {
    const m = byId.get(r.messageId)!;
    if (m.status !== "sending" || m.attempts !== r.attempt) return;
    if (r.outcome.kind === "sent") {
      m.status = "sent";
      m.sentAt = r.at;
    } else m.status = "unknown";
  };
  return { messages, calls, ticks, tick, record };
}

function io(clock: Clock, w: ReturnType<typeof world>, send: (job: Job) => Promise<Outcome>, extra: Partial<PumpIO> = {}): PumpIO {
  return {
    now: clock.now,
    sleep: (ms, signal) => Promise.race([clock.at(clock.now() + ms), signal]),
    tick: w.tick(clock),
    record: async (results) => results.forEach(w.record),
    bodies: async (broadcastIds, messageIds) => ({
      broadcasts: broadcastIds.map((broadcastId) => ({ broadcastId, body: { content: "Sale today!" } })),
      messages: messageIds.map((messageId) => ({ messageId, body: { content: "hi" } })),
    }),
    send: async (job) => {
      w.calls.push({ id: job.messageId, sender: job.senderId, at: clock.now() });
      return await send(job);
    },
    handover: async () => true,
    park: async () => undefined,
    log: () => undefined,
    ...extra,
  };
}

/** The most calls of one sender in any window of `ms`. */
function busiest(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last] - sorted[first] >= ms) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

const OPTS = { tickMs: TICK_MS, runMs: 10 * 60_000, parkAfterMs: 250, maxInFlight: 400, stallMs: 5_000 };

describe("the pump loop", () => {
  it("holds 200/s against a provider answering in 250 ms (2 s tail), calls overlapping, never bursting", { timeout: 30_000 }, async () => {
    const clock = new Clock();
    const random = rng(7);
    const w = world({ senders: { S: { rate: 200, count: 2_000 } } });
    const stats = runPump(
      io(clock, w, async () => {
        await clock.at(clock.now() + latency(random));
        return { kind: "sent", providerMessageId: `SM${w.calls.length}` };
      }),
      OPTS,
    );
    await clock.run(stats);
    const result = await stats;
    expect(result.ended).toBe("idle");
    expect(w.calls).toHaveLength(2_000);
    expect(new Set(w.calls.map((c) => c.id)).size).toBe(2_000);
    expect(w.messages.every((m) => m.status === "sent")).toBe(true);
    const times = w.calls.map((c) => c.at);
    const span = Math.max(...times) - Math.min(...times);
    // 2,000 at 200/s is 10 s: the rate holds (within a tick), whatever the latency.
    expect(span).toBeLessThanOrEqual(10_000 * 1.02);
    // Never faster than the rate: any window holds at most its share plus the 200 ms catch-up.
    for (const ms of [50, 250, 1_000]) expect(busiest(times, ms)).toBeLessThanOrEqual(Math.floor(40 + (200 * ms) / 1000));
    // The calls overlapped: dozens in flight at 250 ms, hundreds during the tail.
    expect(result.maxInFlight).toBeGreaterThan(40);
    // Outcomes are batched: far fewer ticks than messages.
    expect(result.ticks).toBeLessThan(2_000 / 5);
    // Every outcome carries when the provider answered.
    expect(w.ticks.flatMap((t) => t.results).every((r) => typeof r.at === "number")).toBe(true);
  });

  it("records a failed tick's outcomes apart, a few at a time, and goes on claiming at the rate", { timeout: 30_000 }, async () => {
    const clock = new Clock();
    const random = rng(5);
    const w = world({ senders: { S: { rate: 100, count: 1_000 } } });
    // One recipient's conversation is contested (they keep replying): every transaction recording
    // that message's outcome fails, as Convex fails a transaction after its retries.
    const contested = "S-30";
    const carries = (results: Result[]) => results.some((r) => r.messageId === contested);
    let contestedUntil = 3_000;
    const failedTicks: number[] = [];
    const recorded: number[] = [];
    const tick = w.tick(clock);
    const stats = runPump(
      io(
        clock,
        w,
        async () => {
          await clock.at(clock.now() + latency(random));
          return { kind: "sent", providerMessageId: "SM" };
        },
        {
          tick: async (args) => {
            if (carries(args.results) && clock.now() < contestedUntil) {
              failedTicks.push(args.results.length);
              throw new Error("Documents read from or written to the \"contacts\" table changed");
            }
            return await tick(args);
          },
          record: async (results) => {
            if (carries(results) && clock.now() < contestedUntil) throw new Error("conflict");
            recorded.push(results.length);
            results.forEach(w.record);
          },
        },
      ),
      OPTS,
    );
    await clock.run(stats);
    expect((await stats).ended).toBe("idle");
    // One tick failed with it; the rest of that tick's outcomes were recorded apart in small
    // transactions, the contested one once the reply storm passed, and the rate held meanwhile.
    expect(failedTicks).toHaveLength(1);
    expect(Math.max(...recorded)).toBeLessThanOrEqual(RECORD_CHUNK);
    expect(w.messages.every((m) => m.status === "sent")).toBe(true);
    expect(w.calls).toHaveLength(1_000);
    const times = w.calls.map((c) => c.at);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(10_000 * 1.02);
    contestedUntil = 0;
  });

  it("paces two senders independently, each at its own rate", async () => {
    const clock = new Clock();
    const random = rng(11);
    const w = world({ senders: { A: { rate: 50, count: 500 }, B: { rate: 20, count: 200 } } });
    const stats = runPump(
      io(clock, w, async () => {
        await clock.at(clock.now() + latency(random));
        return { kind: "sent", providerMessageId: "SM" };
      }),
      OPTS,
    );
    await clock.run(stats);
    await stats;
    for (const [sender, rate, count] of [["A", 50, 500], ["B", 20, 200]] as const) {
      const times = w.calls.filter((c) => c.sender === sender).map((c) => c.at);
      expect(times).toHaveLength(count);
      expect(Math.max(...times)).toBeLessThanOrEqual((count / rate) * 1000 * 1.05);
      expect(busiest(times, 1_000)).toBeLessThanOrEqual(Math.floor(Math.max(1, rate * 0.2) + rate));
    }
  });

  it("leaves a call that ended without an outcome unrecorded, and goes on", async () => {
    const clock = new Clock();
    const w = world({ senders: { S: { rate: 100, count: 50 } } });
    let n = 0;
    const stats = runPump(
      io(clock, w, async () => {
        if (++n === 7) throw new Error("the action's connection dropped after the request left");
        return { kind: "sent", providerMessageId: `SM${n}` };
      }),
      OPTS,
    );
    await clock.run(stats);
    expect((await stats).ended).toBe("idle");
    expect(w.calls).toHaveLength(50);
    expect(w.messages.filter((m) => m.status === "sending")).toHaveLength(1);
    expect(w.messages.filter((m) => m.status === "sent")).toHaveLength(49);
  });

  it("hands over after its run time, then only finishes its calls in flight", async () => {
    const clock = new Clock();
    const w = world({ senders: { S: { rate: 100, count: 1_000 } } });
    let handedOver: Record<string, { level: number; at: number }> | null = null;
    const stats = runPump(
      io(
        clock,
        w,
        async () => {
          await clock.at(clock.now() + 300);
          return { kind: "sent", providerMessageId: "SM" };
        },
        {
          handover: async (buckets) => {
            handedOver = buckets;
            return true;
          },
        },
      ),
      { ...OPTS, runMs: 2_000 },
    );
    await clock.run(stats);
    expect((await stats).ended).toBe("handover");
    expect(handedOver).toHaveProperty("S");
    // About two seconds' worth claimed; every one of them was recorded before the pump ended.
    const claimed = w.messages.filter((m) => m.status !== "queued");
    expect(claimed.length).toBeGreaterThan(150);
    expect(claimed.length).toBeLessThan(260);
    expect(claimed.every((m) => m.status === "sent")).toBe(true);
    expect(w.ticks.at(-1)!.claim).toBe(false);
  });

  it("stops claiming as soon as another pump owns the lane", async () => {
    const clock = new Clock();
    const w = world({ senders: { S: { rate: 100, count: 1_000 } }, ownerAfter: 3 });
    const stats = runPump(io(clock, w, async () => ({ kind: "sent", providerMessageId: "SM" })), OPTS);
    await clock.run(stats);
    expect((await stats).ended).toBe("lost");
    expect(w.messages.filter((m) => m.status === "sending")).toHaveLength(0);
    expect(w.calls.length).toBeLessThan(40);
  });

  it("starts no new call while one is stuck far past the provider's slowest answer, then resumes", async () => {
    const clock = new Clock();
    const w = world({ senders: { S: { rate: 100, count: 1_500 } } });
    let n = 0;
    const stats = runPump(
      io(clock, w, async () => {
        // The 100th call hangs for 8 s (a struggling provider); the rest answer in 100 ms.
        await clock.at(clock.now() + (++n === 100 ? 8_000 : 100));
        return { kind: "sent", providerMessageId: `SM${n}` };
      }),
      OPTS,
    );
    await clock.run(stats);
    await stats;
    expect(w.calls).toHaveLength(1_500);
    const stuckAt = w.calls[99].at;
    // From 5 s into the stuck call until it ends (8 s), nothing new starts…
    const during = w.calls.filter((c) => c.at > stuckAt + 5_000 + TICK_MS && c.at < stuckAt + 8_000);
    expect(during).toHaveLength(0);
    // …before that and after it, sending goes on at the rate.
    expect(w.calls.filter((c) => c.at > stuckAt && c.at <= stuckAt + 5_000).length).toBeGreaterThan(400);
    expect(w.calls.filter((c) => c.at >= stuckAt + 8_000).length).toBeGreaterThan(0);
  });

  it("parks instead of sleeping when a slow sender leaves nothing in flight", async () => {
    const clock = new Clock();
    const w = world({ senders: { S: { rate: 1, count: 5 } } });
    let parkedUntil: number | null = null;
    const stats = runPump(
      io(clock, w, async () => ({ kind: "sent", providerMessageId: "SM" }), {
        park: async (_buckets, at) => {
          parkedUntil = at;
        },
      }),
      OPTS,
    );
    await clock.run(stats);
    expect((await stats).ended).toBe("parked");
    expect(w.calls).toHaveLength(1);
    expect(parkedUntil).toBe(1_000);
  });
});
