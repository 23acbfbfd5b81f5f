// @vitest-environment node
/**
 * The dispatcher under the conditions a deployment creates: jobs that run late or are lost,
 * sweeps that overlap, many messages due at once, texts too large to pass around, and what each
 * hot transaction touches (so none of them contends with a running broadcast).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeProvider } from "../../tests/fakes/fakeProvider";
import { twilioRequest } from "../webhooks/signing";
import { api, internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { setMeterSink, type Meter } from "../lib/metering";
import { LEASE_MS } from "../lib/lanes";
import { SWEEP_GRACE_MS } from "./sweep";
import { loadEngineModules, runFor, setup, userWithSenders, type TestConvex } from "../test.setup";

beforeAll(loadEngineModules);

let provider: FakeProvider;
beforeEach(() => {
  vi.useFakeTimers();
  provider = new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  setMeterSink(null);
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

const settle = (t: TestConvex) => t.finishAllScheduledFunctions(vi.runAllTimers, 1000);

/** A group of `n` members, each with a phone and an email. */
async function groupOf(t: TestConvex, userId: Id<"users">, n: number) {
  return await t.run(async (ctx) => {
    const { newContact } = await import("../lib/contacts");
    const groupId = await ctx.db.insert("groups", { userId, name: "All", sortName: "all", memberCount: n });
    const contactIds: Id<"contacts">[] = [];
    for (let i = 0; i < n; i++) {
      const contactId = await ctx.db.insert(
        "contacts",
        newContact(userId, { name: `M${i}`, phone: `+1415${String(6_000_000 + i).padStart(7, "0")}`, email: `m${i}@x.com` }),
      );
      contactIds.push(contactId);
      await ctx.db.insert("groupMemberships", { userId, groupId, contactId });
    }
    return { groupId, contactIds };
  });
}

/** Scheduled jobs by function, optionally only those not yet run. */
async function jobs(t: TestConvex, name: string, state?: "pending") {
  return await t.run(async (ctx) =>
    (await ctx.db.system.query("_scheduled_functions").collect()).filter(
      (j) => j.name === name && (!state || j.state.kind === state),
    ),
  );
}

/** Cancel every job not yet started that `lose` picks (a lost pump, a lost wake). */
async function loseJobs(t: TestConvex, lose: (name: string) => boolean = () => true) {
  await t.run(async (ctx) => {
    for (const job of await ctx.db.system.query("_scheduled_functions").collect()) {
      if (job.state.kind === "pending" && lose(job.name)) await ctx.scheduler.cancel(job._id);
    }
  });
}

/** Every provider call in any `windowMs` stays within the rate plus 200 ms of catch-up. */
function busiest(times: number[], windowMs: number) {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last] - sorted[first] >= windowMs) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

const PUMP = "dispatch/pump:run";

describe("the sweep (the issue's two reproductions)", () => {
  it("a 150-member broadcast overdue by 10 s gets one pump, which keeps the sender's rate", { timeout: 60_000 }, async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const sms = (await as.query(api.senders.list, {})).senders.find((s) => s.channel === "sms")!;
    await as.mutation(api.senders.update, { senderId: sms._id, ratePerSecond: 50 });
    const { groupId } = await groupOf(t, userId, 150);
    const id = await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "Sale!" });
    // Fan out completely while every pump job is lost (a deploy, a crash).
    for (let i = 0; i < 10; i++) {
      await loseJobs(t, (name) => name === PUMP);
      vi.advanceTimersByTime(0);
      await t.finishInProgressScheduledFunctions();
    }
    expect((await as.query(api.broadcasts.get, { broadcastId: id })).fanOutDone).toBe(true);
    expect(provider.calls).toHaveLength(0);

    // Overdue by well over the sweep's grace (and the lost pump's lease has lapsed): sweeps, twice.
    vi.advanceTimersByTime(Math.max(SWEEP_GRACE_MS, LEASE_MS) + 1_000);
    const before = (await jobs(t, PUMP)).length;
    await t.mutation(internal.dispatch.sweep.run, {});
    await t.mutation(internal.dispatch.sweep.run, {});
    // One pump for the broadcast (the old sweep left 20).
    expect((await jobs(t, PUMP)).length - before).toBe(1);

    const started = Date.now();
    await runFor(4_000);
    await settle(t);
    expect(provider.calls).toHaveLength(150);
    expect(new Set(provider.calls.map((c) => c.message.id)).size).toBe(150);
    const times = provider.calls.map((c) => c.at);
    // At the sender's 50/s, not 20 pumps' worth: no second holds more than 50 + 10 (catch-up).
    expect(busiest(times, 1_000)).toBeLessThanOrEqual(60);
    expect(Math.max(...times) - started).toBeGreaterThanOrEqual(((150 - 10) / 50) * 1000);
    expect((await as.query(api.broadcasts.get, { broadcastId: id })).status).toBe("completed");
  });

  it("150 missed scheduled messages: one wake when scheduled, one pump from the sweep, each sent once", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const { contactIds } = await groupOf(t, userId, 15);
    const at = Date.now() + 60_000;
    const ids: Id<"messages">[] = [];
    for (let i = 0; i < 150; i++) {
      ids.push(await as.mutation(api.messages.send, { contactId: contactIds[i % 15], channel: "sms", content: `Reminder ${i}`, scheduledAt: at }));
    }
    // 150 messages due at the same moment: one wake for the lane, not a job per message.
    expect(await jobs(t, "dispatch/lanes:wake", "pending")).toHaveLength(1);
    // The wake is lost; the messages are missed.
    await loseJobs(t);
    vi.advanceTimersByTime(60_000 + SWEEP_GRACE_MS + 1);
    await t.mutation(internal.dispatch.sweep.run, {});
    await t.mutation(internal.dispatch.sweep.run, {});
    expect(await jobs(t, PUMP)).toHaveLength(1);
    await settle(t);
    expect(provider.calls).toHaveLength(150);
    for (const id of ids) expect(provider.callsFor(id)).toHaveLength(1);
    // One pump sent all of them (it keeps many calls in flight; the sweep added nothing more).
    expect(await jobs(t, PUMP)).toHaveLength(1);
  });
});

describe("lanes", () => {
  it("one pump serves a lane: sends while it runs start none, and a stale pump claims nothing", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const { contactIds } = await groupOf(t, userId, 5);
    for (const contactId of contactIds) await as.mutation(api.messages.send, { contactId, channel: "sms", content: "now" });
    expect(await jobs(t, PUMP)).toHaveLength(1);
    const lane = await t.run(async (ctx) => (await ctx.db.query("dispatchLanes").first())!);
    // A pump of an older generation (say one the sweep replaced) records but never claims.
    const stale = await t.mutation(internal.dispatch.claims.tick, {
      lane: 0,
      owner: lane.owner - 1,
      results: [],
      inFlight: 0,
      room: 400,
      buckets: {},
      claim: true,
    });
    expect(stale).toMatchObject({ owned: false, jobs: [] });
    await settle(t);
    expect(provider.calls).toHaveLength(5);
    // Done: the lane was handed back (idle), with nothing left to wake for.
    const done = await t.run(async (ctx) => (await ctx.db.query("dispatchLanes").first())!);
    expect(done.running).toBe(false);
    expect(done.wakeAt).toBeUndefined();
    expect(await jobs(t, PUMP)).toHaveLength(1);
  });

  it("a pump that starts late keeps its lane; one whose run is gone is replaced", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const { contactIds } = await groupOf(t, userId, 3);
    await as.mutation(api.messages.send, { contactId: contactIds[0], channel: "sms", content: "one" });
    expect(await jobs(t, PUMP, "pending")).toHaveLength(1);
    // The deployment is busy: the pump's run has not started a lease's time later. A send then
    // must not start a second pump (it would queue behind the first, which would find the lane lost).
    vi.setSystemTime(Date.now() + LEASE_MS + 1_000);
    await as.mutation(api.messages.send, { contactId: contactIds[1], channel: "sms", content: "two" });
    expect(await jobs(t, PUMP)).toHaveLength(1);
    // The run is lost (never starts): the next send takes the lane over with a new generation.
    await loseJobs(t, (name) => name === PUMP);
    const before = (await t.run(async (ctx) => (await ctx.db.query("dispatchLanes").first())!)).owner;
    await as.mutation(api.messages.send, { contactId: contactIds[2], channel: "sms", content: "three" });
    expect(await jobs(t, PUMP, "pending")).toHaveLength(1);
    expect((await t.run(async (ctx) => (await ctx.db.query("dispatchLanes").first())!)).owner).toBe(before + 1);
    await settle(t);
    expect(provider.calls.map((c) => c.message.content).sort()).toEqual(["one", "three", "two"]);
  });

  it("spreads broadcasts over lanes by sender, each lane with its own pump", async () => {
    vi.stubEnv("DISPATCH_LANES", "4");
    const t = setup();
    const a = await userWithSenders(t, "a@example.com");
    const b = await userWithSenders(t, "b@example.com");
    const ga = await groupOf(t, a.userId, 20);
    const gb = await groupOf(t, b.userId, 20);
    await a.as.mutation(api.broadcasts.create, { groupId: ga.groupId, channel: "sms", content: "A" });
    await b.as.mutation(api.broadcasts.create, { groupId: gb.groupId, channel: "email", subject: "B", content: "B" });
    await runFor(500);
    await settle(t);
    const rows = await t.run(async (ctx) => await ctx.db.query("dispatchLanes").collect());
    const pumps = await jobs(t, PUMP);
    expect(provider.calls).toHaveLength(40);
    // Every lane that had work had its own pump (lane numbers come from the senders' ids).
    expect(new Set(pumps.map((j) => (j.args[0] as { lane: number }).lane))).toEqual(new Set(rows.map((r) => r.lane)));
  });
});

describe("texts too large to pass around", () => {
  it("the pump reads 45,000-character emails in bounded pieces and sends each whole", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const { contactIds } = await groupOf(t, userId, 30);
    const body = "x".repeat(45_000);
    const at = Date.now() + 1_000;
    const ids: Id<"messages">[] = [];
    for (const contactId of contactIds) {
      ids.push(await as.mutation(api.messages.send, { contactId, channel: "email", subject: "Long", content: body, scheduledAt: at }));
    }
    // Claims carry ids and addresses (vJob has no text); texts come in pieces of about a million
    // characters at most, so 30 of them (1.35 million) take two reads.
    const first = await t.query(internal.dispatch.claims.bodies, { broadcastIds: [], messageIds: ids });
    expect(first.messages.length).toBeLessThan(30);
    expect(first.messages.reduce((n, m) => n + m.body.content.length, 0)).toBeLessThanOrEqual(1_000_000 + 45_000);
    await settle(t);
    expect(provider.calls).toHaveLength(30);
    expect(provider.calls.every((c) => c.message.content.length === 45_000 && c.message.subject === "Long")).toBe(true);
  });
});

describe("the inbox during a broadcast", () => {
  it("orders conversations by what happened: a reply stays above recipients whose message has not gone out", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const sms = (await as.query(api.senders.list, {})).senders.find((s) => s.channel === "sms")!;
    await as.mutation(api.senders.update, { senderId: sms._id, ratePerSecond: 1 });
    const { groupId } = await groupOf(t, userId, 10);
    const customer = await as.mutation(api.contacts.create, { name: "Customer", phone: "+14155559000" });
    await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "Sale!" });
    await runFor(1_500); // two members' messages go out (1/s); eight still wait
    await t.run(async (ctx) => {
      const { insertInbound, MessageWrites } = await import("../lib/messages");
      const writes = new MessageWrites(ctx, userId);
      await insertInbound(ctx, writes, { contactId: customer, channel: "sms", content: "Is the shop open?", at: Date.now() });
      await writes.flush();
    });
    const inbox = (await as.query(api.inbox.conversations, { paginationOpts: { numItems: 50, cursor: null } })).page;
    expect(inbox[0]._id).toBe(customer);
    // Only members whose message went out are in the inbox, and nothing is dated in the future.
    expect(inbox.length).toBe(1 + provider.calls.length);
    expect(inbox.every((c) => c.lastMessageAt! <= Date.now())).toBe(true);
    await runFor(3_000);
    const later = (await as.query(api.inbox.conversations, { paginationOpts: { numItems: 50, cursor: null } })).page;
    expect(later.every((c) => c.lastMessageAt! <= Date.now())).toBe(true);
    expect(later.length).toBe(1 + provider.calls.length);
    await settle(t);
  });
});

describe("what the hot transactions touch", () => {
  async function metered<T>(meters: Meter[], run: () => Promise<T>): Promise<T> {
    vi.stubEnv("BENCH_METRICS", "1");
    setMeterSink((m) => meters.push(m));
    try {
      return await run();
    } finally {
      setMeterSink(null);
      vi.stubEnv("BENCH_METRICS", "");
    }
  }
  const touched = (meters: Meter[], kind: "reads" | "writes") =>
    new Set(meters.flatMap((m) => Object.entries(m.tables).filter(([, n]) => n[kind] > 0).map(([table]) => table)));

  it("a status webhook only queues its receipt; an inbound text and the pump's ticks touch no broadcast, sender or aggregate, and ticks write no contact", { timeout: 30_000 }, async () => {
    vi.useRealTimers();
    vi.stubEnv("CONVEX_SITE_URL", "https://site.example");
    vi.stubEnv("SIMULATOR_WEBHOOK_SECRET", "sim-secret");
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const number = (await as.query(api.senders.list, {})).senders.find((s) => s.channel === "sms")!.address;
    const sms = (await as.query(api.senders.list, {})).senders.find((s) => s.channel === "sms")!;
    await as.mutation(api.senders.update, { senderId: sms._id, ratePerSecond: 50 });
    const { groupId, contactIds } = await groupOf(t, userId, 60);
    const post = (path: string, params: Record<string, string>) =>
      t.fetch(path, twilioRequest("sim-secret", `https://site.example${path}`, params));

    // Every transaction from here on, while a broadcast runs.
    const meters: Meter[] = [];
    await metered(meters, async () => {
      const broadcastId = await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "Sale!" });
      await vi.waitFor(async () => expect(provider.calls.length).toBeGreaterThan(10), { timeout: 3_000 });
      const [first, sent] = await t.run(async (ctx) => (await ctx.db.query("messages").collect()).filter((m) => m.providerMessageId));

      // A delivery receipt only queues itself. (The first one of a quiet moment also wakes the
      // receipt applier — one write of its state; while the applier runs, as during a broadcast's
      // stream of callbacks, a receipt writes nothing else.)
      const woke = await post(`/webhooks/twilio/status?m=${first._id}`, { MessageSid: first.providerMessageId!, MessageStatus: "delivered" });
      expect(woke.status).toBe(200);
      const before = meters.length;
      const status = await post(`/webhooks/twilio/status?m=${sent._id}`, { MessageSid: sent.providerMessageId!, MessageStatus: "delivered" });
      expect(status.status).toBe(200);
      // (Not the pump's ticks — the simulator reports its deliveries as receipts too — nor the applier.)
      const statusMeters = meters
        .slice(before)
        .filter((m) => m.tables.receiptQueue?.writes && !m.tables.dispatchLanes && !m.tables.receiptQueue.reads);
      expect(statusMeters).toHaveLength(1);
      expect(touched(statusMeters, "writes")).toEqual(new Set(["receiptQueue"]));
      expect([...touched(statusMeters, "reads")]).toEqual(["workers"]);

      // A member texts STOP: stored and honoured without a broadcast, sender or aggregate document.
      const member = await t.run(async (ctx) => (await ctx.db.get("contacts", contactIds[3]))!);
      const mark = meters.length;
      const inbound = await post("/webhooks/twilio/inbound", { MessageSid: `SM${"9".repeat(32)}`, From: member.phone!, To: number, Body: "STOP" });
      expect(inbound.status).toBe(200);
      const inboundMeters = meters.slice(mark).filter((m) => m.tables.messages?.writes && !m.tables.dispatchLanes);
      expect(inboundMeters).toHaveLength(1);
      const inboundTables = new Set([...touched(inboundMeters, "reads"), ...touched(inboundMeters, "writes")]);
      for (const hot of ["broadcasts", "broadcastStats", "dailyStats", "accountStats", "dispatchLanes", "broadcastPumps"]) {
        expect(inboundTables.has(hot), `inbound touched ${hot}`).toBe(false);
      }
      expect(touched(inboundMeters, "writes").has("senders")).toBe(false);

      await vi.waitFor(
        async () => expect((await as.query(api.broadcasts.get, { broadcastId })).status).toBe("completed"),
        { timeout: 10_000 },
      );
    });

    // The pump's ticks (they read the lane and its broadcasts' pump rows): many, and not one of them
    // read or wrote the broadcast, wrote a sender or touched an aggregate.
    const ticks = meters.filter((m) => m.tables.dispatchLanes?.reads && m.tables.broadcastPumps?.reads && !m.tables.groupMemberships);
    expect(ticks.length).toBeGreaterThan(5);
    const tickTables = new Set([...touched(ticks, "reads"), ...touched(ticks, "writes")]);
    for (const hot of ["broadcasts", "broadcastStats", "dailyStats", "accountStats"]) expect(tickTables.has(hot), `a tick touched ${hot}`).toBe(false);
    expect(touched(ticks, "writes").has("senders")).toBe(false);
    // Nor did any write a contact (a reply writes its contact): the sends they recorded reached
    // their contacts through the conversation worker.
    expect(touched(ticks, "writes").has("contacts")).toBe(false);
    expect(touched(ticks, "writes").has("sentQueue")).toBe(true);
    const conversationPasses = meters.filter((m) => m.tables.sentQueue?.reads);
    expect(touched(conversationPasses, "writes").has("contacts")).toBe(true);
    // Only the rollup writes the aggregates (a broadcast's progress document is created with it).
    const aggregateWriters = meters.filter(
      (m) => m.tables.dailyStats?.writes || (m.tables.broadcastStats?.writes && !m.tables.broadcasts?.writes),
    );
    expect(aggregateWriters.length).toBeGreaterThan(0);
    expect(aggregateWriters.every((m) => m.tables.aggregateDeltas?.writes && !m.tables.messages)).toBe(true);
    expect((await as.query(api.contacts.get, { contactId: contactIds[3] })).optedOut.sms).toBe(true);
  });
});
