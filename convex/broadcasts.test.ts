// @vitest-environment node
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { accelerateConvexTest } from "../tests/support/fastConvexTest";
import { FakeProvider } from "../tests/fakes/fakeProvider";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { FANOUT_BATCH } from "./broadcasts";
import { LEASE_MS } from "./lib/lanes";
import { code, loadEngineModules, runFor, setup, userWithSenders, type TestConvex } from "./test.setup";

// runFor gives functions real turns, not real time: load the engine's modules before the clock is faked.
beforeAll(loadEngineModules);

let provider: FakeProvider;
beforeEach(() => {
  vi.useFakeTimers();
  provider = new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.useRealTimers();
});

const settle = (t: TestConvex) => t.finishAllScheduledFunctions(vi.runAllTimers, 1000);

/** Cancel every job not yet started (a lost pump, a lost wake). */
async function loseScheduledJobs(t: TestConvex) {
  await t.run(async (ctx) => {
    for (const job of await ctx.db.system.query("_scheduled_functions").collect()) {
      if (job.state.kind === "pending") await ctx.scheduler.cancel(job._id);
    }
  });
}

/** Calls at `ratePerSecond` at most: in any window, the rate × its length plus 200 ms of catch-up. */
function expectPaced(times: number[], ratePerSecond: number) {
  const burst = Math.max(1, ratePerSecond * 0.2);
  for (const windowMs of [50, 250, 1000]) {
    let first = 0;
    for (let last = 0; last < times.length; last++) {
      while (times[last] - times[first] >= windowMs) first++;
      expect(last - first + 1, `calls within ${windowMs} ms`).toBeLessThanOrEqual(Math.floor(burst + (ratePerSecond * windowMs) / 1000));
    }
  }
}

/** A group of n members: every 10th has no phone, every 25th opted out of SMS. */
async function groupOf(t: TestConvex, userId: Id<"users">, n: number) {
  return await t.run(async (ctx) => {
    const { newContact } = await import("./lib/contacts");
    const groupId = await ctx.db.insert("groups", { userId, name: "All", sortName: "all", memberCount: n });
    for (let i = 0; i < n; i++) {
      const phone = i % 10 === 9 ? undefined : `+1415${String(5_000_000 + i).padStart(7, "0")}`;
      const contactId = await ctx.db.insert("contacts", {
        ...newContact(userId, { name: `M${i}`, ...(phone ? { phone } : { email: `m${i}@x.com` }) }),
        optedOut: { sms: i % 25 === 24, whatsapp: false, email: false },
      });
      await ctx.db.insert("groupMemberships", { userId, groupId, contactId });
    }
    return groupId;
  });
}

describe("broadcasts", () => {
  it("sends to 2,000 members in batches within Convex limits, skipping with reasons, paced to the sender", async () => {
    const t = setup(); // enforces 16,384 reads / 8,192 writes per transaction (half of Convex's limits)
    // convex-test with sorted indexes (proven equal to convex-test's by tests/unit/fastConvexTest.test.ts):
    // the same results, without convex-test scanning every document on every query.
    await accelerateConvexTest(t);
    const { as, userId } = await userWithSenders(t);
    const groupId = await groupOf(t, userId, 2000);
    const started = Date.now();
    const id = await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "Sale today!" });
    await runFor(12_000);
    await settle(t);

    const b = await as.query(api.broadcasts.get, { broadcastId: id });
    const noPhone = 200; // i % 10 === 9
    const optedOut = Array.from({ length: 2000 }, (_, i) => i).filter((i) => i % 25 === 24 && i % 10 !== 9).length;
    const messaged = 2000 - noPhone - optedOut;
    expect(b).toMatchObject({
      status: "completed",
      fanOutDone: true,
      skipped: { noAddress: noPhone, optedOut, whatsappWindowClosed: 0 },
      counts: { total: 2000, skipped: noPhone + optedOut, delivered: messaged, queued: 0, sending: 0, failed: 0 },
    });
    // Exactly one provider call per messaged member.
    expect(provider.calls).toHaveLength(messaged);
    expect(new Set(provider.calls.map((c) => c.message.to)).size).toBe(messaged);
    // Paced at the simulator sender's 200/s: no window holds more than its rate allows plus the
    // bucket's 200 ms of catch-up, and the whole run ≈ messaged / 200 s (the rate is held).
    const times = provider.calls.map((c) => c.at).sort((a, b) => a - b);
    expectPaced(times, 200);
    expect(times[times.length - 1] - started).toBeGreaterThanOrEqual(((messaged - 40) / 200) * 1000);
    expect(times[times.length - 1] - started).toBeLessThan((messaged / 200) * 1000 + 1000);
    expect(Math.ceil(2000 / FANOUT_BATCH)).toBeGreaterThan(1);
  }, 120_000);

  it("skips WhatsApp members whose 24-hour window is closed", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const groupId = await groupOf(t, userId, 4);
    // One member wrote on WhatsApp an hour ago.
    await t.run(async (ctx) => {
      const first = (await ctx.db.query("contacts").first())!;
      await ctx.db.patch("contacts", first._id, { whatsappWindowStartedAt: Date.now() - 3600_000 });
    });
    const id = await as.mutation(api.broadcasts.create, { groupId, channel: "whatsapp", content: "hi" });
    await settle(t);
    const b = await as.query(api.broadcasts.get, { broadcastId: id });
    expect(b.skipped).toEqual({ noAddress: 0, optedOut: 0, whatsappWindowClosed: 3, missingVariable: 0, contentTooLong: 0 });
    expect(b.counts).toMatchObject({ total: 4, skipped: 3, delivered: 1 });
    expect(b.status).toBe("completed");
  });

  it("schedules, reschedules and cancels; a canceled broadcast sends nothing more", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const groupId = await groupOf(t, userId, 50);
    const at = Date.now() + 3600_000;
    const id = await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "x", scheduledAt: at });
    expect((await as.query(api.broadcasts.upcoming, { paginationOpts: { numItems: 5, cursor: null } })).page).toHaveLength(1);
    await as.mutation(api.broadcasts.reschedule, { broadcastId: id, scheduledAt: at + 3600_000 });
    vi.advanceTimersByTime(3600_000 + 1);
    await t.finishInProgressScheduledFunctions();
    expect((await as.query(api.broadcasts.get, { broadcastId: id })).status).toBe("scheduled");
    await settle(t);
    // 45 members have a phone (every 10th has only an email); one of them (#24) opted out.
    expect((await as.query(api.broadcasts.get, { broadcastId: id })).counts).toMatchObject({ delivered: 44, skipped: 6 });
    expect(provider.calls.every((c) => c.at >= at + 3600_000)).toBe(true);

    // A second broadcast canceled mid-way: the sender is slowed to 1/s so most messages still wait.
    const sender = await t.run(async (ctx) => (await ctx.db.query("senders").collect()).find((s) => s.channel === "sms")!);
    await as.mutation(api.senders.update, { senderId: sender._id, ratePerSecond: 1 });
    const calls = provider.calls.length;
    const second = await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "y" });
    await runFor(2_500);
    await as.mutation(api.broadcasts.cancel, { broadcastId: second });
    await settle(t);
    const b = await as.query(api.broadcasts.get, { broadcastId: second });
    const sentBeforeCancel = provider.calls.length - calls;
    expect(sentBeforeCancel).toBeGreaterThan(0);
    expect(sentBeforeCancel).toBeLessThan(10);
    expect(b.status).toBe("canceled");
    expect(b.counts.canceled + b.counts.delivered).toBe(b.counts.total - b.counts.skipped);
    expect(b.counts.queued).toBe(0);
    await expect(as.mutation(api.broadcasts.cancel, { broadcastId: second })).rejects.toMatchObject(code("INVALID_STATE"));
  });

  it("a pump running late catches up at the sender's rate, never in a burst", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    // Small enough for one fan-out batch, so this test's own fan-out run is the only one that does anything.
    const groupId = await groupOf(t, userId, 20);
    const sender = await t.run(async (ctx) => (await ctx.db.query("senders").collect()).find((s) => s.channel === "sms")!);
    await as.mutation(api.senders.update, { senderId: sender._id, ratePerSecond: 40 });
    const id = await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "x" });
    // Run only the fan-out (not the pump it starts), then claim as that pump 5 s late.
    await t.mutation(internal.broadcasts.fanOut, { broadcastId: id, run: 0, cursor: null });
    await loseScheduledJobs(t);
    const owner = await t.run(async (ctx) => (await ctx.db.query("dispatchLanes").first())!.owner);
    const tick = (buckets: Record<string, { level: number; at: number }>) =>
      t.mutation(internal.dispatch.claims.tick, { lane: 0, owner, results: [], inFlight: 0, room: 400, buckets, claim: true });
    vi.advanceTimersByTime(5_000);
    const batch = await tick({});
    expect(batch.jobs).toHaveLength(2); // 40/s × one 50 ms tick
    expect(batch.idle).toBe(false);
    // The bucket after that batch went out: empty. 100 ms later it holds 4 sends, and a pump
    // late by far catches up only by its capacity, 200 ms worth (8 sends), never in a burst.
    const emptyAt = Date.now();
    vi.advanceTimersByTime(100);
    expect((await tick({ [sender._id]: { level: 0, at: emptyAt } })).jobs).toHaveLength(4);
    vi.advanceTimersByTime(10_000);
    expect((await tick({ [sender._id]: { level: 0, at: Date.now() - 10_000 } })).jobs).toHaveLength(8);
    // Just after a batch emptied it, nothing is claimed, and the next claim is due when one send is back.
    const empty = await tick({ [sender._id]: { level: 0.5, at: Date.now() } });
    expect(empty.jobs).toHaveLength(0);
    expect(empty.nextAt).toBe(Date.now() + 13); // half a send at 40/s: 12.5 ms, rounded up
    // Claims carry ids and addresses, never the text: the pump reads it once per broadcast.
    expect(batch.jobs[0]).toMatchObject({ broadcastId: id, senderId: sender._id });
    expect(batch.jobs[0]).not.toHaveProperty("content");
    // A pump that does not own the lane records outcomes but claims nothing.
    const stranger = await t.mutation(internal.dispatch.claims.tick, {
      lane: 0,
      owner: owner + 1,
      results: [],
      inFlight: 0,
      room: 400,
      buckets: {},
      claim: true,
    });
    expect(stranger).toMatchObject({ owned: false, jobs: [] });
    // That pump is gone (it never ran): once its lease has lapsed, the sweep starts another.
    vi.advanceTimersByTime(LEASE_MS);
    await t.mutation(internal.dispatch.sweep.run, {});
    await settle(t);
    // 20 members − 2 without a phone = 18, less the 14 this test claimed and never sent: a
    // claimed message is never sent again by anyone (the sweep would fail it as unknown).
    expect(provider.calls).toHaveLength(4);
  });

  it("a crash during a pump's batch leaves only that message unresolved; the sweep settles it", async () => {
    vi.stubEnv("SENDING_TIMEOUT_MS", "30000");
    try {
      const t = setup();
      const { as, userId } = await userWithSenders(t);
      const groupId = await groupOf(t, userId, 5); // member #? has no phone when i % 10 === 9: none here
      provider.answer(["ok", "crash", "ok"], "ok");
      const id = await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "x" });
      await runFor(2_000);
      let b = await as.query(api.broadcasts.get, { broadcastId: id });
      expect(b.counts).toMatchObject({ sending: 1, delivered: 4 });
      expect(b.status).toBe("sending");
      vi.advanceTimersByTime(31_000);
      await t.mutation(internal.dispatch.sweep.run, {});
      await settle(t);
      b = await as.query(api.broadcasts.get, { broadcastId: id });
      expect(b).toMatchObject({ status: "completed", counts: { failed: 1, delivered: 4, sending: 0 } });
      expect(provider.calls).toHaveLength(5);
      const failed = await as.query(api.messages.failed, { paginationOpts: { numItems: 5, cursor: null } });
      expect(failed.page[0].lastError?.code).toBe("UNKNOWN_OUTCOME");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("the sweep restarts a broadcast whose pump was lost, still sending each message once", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const groupId = await groupOf(t, userId, 20);
    const id = await as.mutation(api.broadcasts.create, { groupId, channel: "email", subject: "s", content: "x" });
    await t.mutation(internal.broadcasts.fanOut, { broadcastId: id, run: 0, cursor: null });
    // Lose every scheduled job (the fan-out's pump included).
    await loseScheduledJobs(t);
    vi.advanceTimersByTime(60_000);
    await t.mutation(internal.dispatch.sweep.run, {});
    await runFor(2_000);
    await settle(t);
    const b = await as.query(api.broadcasts.get, { broadcastId: id });
    expect(b).toMatchObject({ status: "completed", counts: { delivered: 2 } }); // members 9 and 19 have email
    expect(provider.calls).toHaveLength(2);
  });

  it("lists a group's own broadcasts, newest first, and remembers the group's size", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const a = await groupOf(t, userId, 3);
    const b = await t.run(async (ctx) => ctx.db.insert("groups", { userId, name: "B", sortName: "b", memberCount: 0 }));
    const first = await as.mutation(api.broadcasts.create, { groupId: a, channel: "sms", content: "1", scheduledAt: Date.now() + 60_000 });
    await as.mutation(api.broadcasts.create, { groupId: b, channel: "sms", content: "other", scheduledAt: Date.now() + 60_000 });
    const second = await as.mutation(api.broadcasts.create, { groupId: a, channel: "sms", content: "2", scheduledAt: Date.now() + 60_000 });
    const page = await as.query(api.broadcasts.listForGroup, { groupId: a, paginationOpts: { numItems: 10, cursor: null } });
    expect(page.page.map((x) => x._id)).toEqual([second, first]);
    expect(page.page[0].members).toBe(3);
    await settle(t);
  });
});
