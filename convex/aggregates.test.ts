// @vitest-environment node
/**
 * The aggregates are kept from every write (as deltas folded in by the rollup); here a random sequence of sends, schedules,
 * reschedules, cancels, inbound messages, provider answers, receipts (in any order),
 * broadcasts and contact removals must leave them equal to a recount from the raw data.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { wasSent } from "../lib/messageStatus";
import { FakeProvider, type Behaviour } from "../tests/fakes/fakeProvider";
import { api, internal } from "./_generated/api";
import type { Doc, Id } from "./_generated/dataModel";
import { countKey, dayKey } from "./lib/stats";
import { finishRunning, loadEngineModules, setup, userWithSenders, type TestConvex } from "./test.setup";

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

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

async function recount(t: TestConvex, userId: Id<"users">) {
  return await t.run(async (ctx) => {
    const messages = (await ctx.db.query("messages").collect()).filter((m) => m.userId === userId);
    const contacts = (await ctx.db.query("contacts").collect()).filter((c) => c.userId === userId);
    const stats = (await ctx.db.query("dailyStats").collect()).filter((d) => d.userId === userId);
    const broadcasts = (await ctx.db.query("broadcastStats").collect()).filter((b) => b.userId === userId);
    const account = (await ctx.db.query("accountStats").collect()).find((a) => a.userId === userId);
    return { messages, contacts, stats, broadcasts, account };
  });
}

function expectConsistent(data: Awaited<ReturnType<typeof recount>>) {
  const expected = new Map<string, number>();
  for (const m of data.messages) {
    const key = `${dayKey(m.at)}|${countKey(m)}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const actual = new Map<string, number>();
  for (const d of data.stats) for (const [k, n] of Object.entries(d.counts)) if (n !== 0) actual.set(`${d.day}|${k}`, n);
  expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...expected].sort()));

  expect(data.account?.contacts ?? 0).toBe(data.contacts.length);
  for (const c of data.contacts) {
    const mine = data.messages.filter((m) => m.contactId === c._id);
    expect(c.receivedCount ?? 0).toBe(mine.filter((m) => m.direction === "inbound").length);
    expect(c.sentCount ?? 0).toBe(mine.filter((m) => m.direction === "outbound" && m.sentAt !== undefined).length);
  }
  for (const b of data.broadcasts) {
    const mine = data.messages.filter((m) => m.broadcastId === b.broadcastId);
    const byStatus: Record<string, number> = {};
    for (const m of mine) byStatus[m.status] = (byStatus[m.status] ?? 0) + 1;
    for (const s of ["scheduled", "queued", "sending", "sent", "delivered", "read", "failed", "canceled"] as const) {
      expect(b.counts[s], `broadcast ${s}`).toBe(byStatus[s] ?? 0);
    }
    expect(b.counts.total).toBe(mine.length + b.counts.skipped);
  }
}

describe("aggregates", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`equal a recount after a random sequence (seed ${seed})`, async () => {
      const random = rng(seed);
      const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
      const t = setup();
      const { as, userId } = await userWithSenders(t);
      const contacts: Id<"contacts">[] = [];
      for (let i = 0; i < 6; i++) {
        contacts.push(
          await as.mutation(api.contacts.create, { name: `C${i}`, phone: `+1415555${1000 + i}`, email: `c${i}@x.com` }),
        );
      }
      const groupId = await as.mutation(api.groups.create, { name: "G" });
      await as.mutation(api.groups.addMembers, { groupId, contactIds: contacts });
      const messages: Id<"messages">[] = [];
      const behaviours: Behaviour[] = ["ok", "ok", "ok", "transient", "permanent", "timeout", "crash"];

      for (let step = 0; step < 70; step++) {
        const live = (await recount(t, userId)).contacts.map((c) => c._id);
        if (live.length === 0) break;
        const contactId = pick(live);
        const op = random();
        try {
          if (op < 0.25) {
            provider.answer([pick(behaviours)]);
            const channel = pick(["sms", "email", "whatsapp"] as const);
            messages.push(
              await as.mutation(api.messages.send, {
                contactId,
                channel,
                content: `m${step}`,
                ...(channel === "email" ? { subject: "s" } : {}),
                ...(random() < 0.4 ? { scheduledAt: Date.now() + Math.floor(random() * 3 * 86_400_000) + 1 } : {}),
              }),
            );
          } else if (op < 0.4) {
            await t.run(async (ctx) => {
              const { insertInbound, MessageWrites } = await import("./lib/messages");
              const writes = new MessageWrites(ctx, userId);
              await insertInbound(ctx, writes, {
                contactId,
                channel: pick(["sms", "whatsapp", "email"] as const),
                content: `in${step}`,
                at: Date.now(),
                providerMessageId: `IN${seed}-${step}`,
              });
              await writes.flush();
            });
          } else if (op < 0.55 && messages.length) {
            const m = await t.run(async (ctx) => await ctx.db.get("messages", pick(messages)));
            if (m?.providerMessageId) {
              await t.mutation(internal.receipts.apply, {
                providerMessageId: m.providerMessageId,
                status: pick(["sent", "delivered", "read", "failed"] as const),
              });
            }
          } else if (op < 0.62 && messages.length) {
            await as.mutation(api.messages.cancel, { messageId: pick(messages) });
          } else if (op < 0.69 && messages.length) {
            await as.mutation(api.messages.reschedule, {
              messageId: pick(messages),
              scheduledAt: Date.now() + Math.floor(random() * 5 * 86_400_000) + 1,
            });
          } else if (op < 0.74) {
            await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: `b${step}` });
          } else if (op < 0.77) {
            await as.mutation(api.contacts.remove, { contactId });
          } else if (op < 0.8 && messages.length) {
            await as.mutation(api.messages.retry, { messageId: pick(messages) });
          } else {
            vi.advanceTimersByTime(Math.floor(random() * 6 * 3600_000));
            await finishRunning(t);
            if (random() < 0.3) await t.mutation(internal.dispatch.sweep.run, {});
          }
        } catch (error) {
          // Refusals (opted out, window closed, not cancelable…) are part of the sequence.
          if (!(error as { data?: { code?: string } }).data?.code) throw error;
        }
      }
      await t.finishAllScheduledFunctions(vi.runAllTimers, 500);
      const data = await recount(t, userId);
      expect(data.messages.length).toBeGreaterThan(10);
      expect(data.messages.some((m) => wasSent(m.status))).toBe(true);
      expectConsistent(data);
      // Nothing is left over: every delta was folded in, every receipt applied.
      expect(await t.run(async (ctx) => (await ctx.db.query("aggregateDeltas").collect()).length)).toBe(0);
      expect(await t.run(async (ctx) => (await ctx.db.query("receiptQueue").collect()).length)).toBe(0);
    }, 60_000);
  }
});

describe("the rollup", () => {
  it("stays exact when deltas are folded in another order than their moves happened", async () => {
    const t = setup();
    const { userId } = await userWithSenders(t);
    const { rollUp } = await import("./lib/rollup");
    const { ZERO_COUNTS, ZERO_SKIPPED } = await import("./lib/broadcasts");
    const { broadcastId } = await t.run(async (ctx) => {
      const senderId = (await ctx.db.query("senders").first())!._id;
      const groupId = await ctx.db.insert("groups", { userId, name: "G", sortName: "g", memberCount: 1 });
      const broadcastId = await ctx.db.insert("broadcasts", {
        userId,
        groupId,
        groupName: "G",
        channel: "sms",
        senderId,
        content: "Hi",
        status: "sending",
        fanOutDone: true,
        fanOutRun: 1,
        counts: ZERO_COUNTS,
        skipped: ZERO_SKIPPED,
      });
      return { broadcastId };
    });
    // One message: written queued (fan-out), claimed (queued → sending), answered (sending → sent).
    // A slow claim commits its delta after the answer's: the rollup sees them in that order.
    const fold = async (counts: Record<string, number>) =>
      await t.run(async (ctx) => {
        const id = await ctx.db.insert("aggregateDeltas", { userId, broadcasts: [{ broadcastId, counts }] });
        await rollUp(ctx, [(await ctx.db.get("aggregateDeltas", id))!], Date.now());
        const stats = (await ctx.db.query("broadcastStats").withIndex("by_broadcast", (q) => q.eq("broadcastId", broadcastId)).unique())!;
        return { counts: stats.counts, status: (await ctx.db.get("broadcasts", broadcastId))!.status };
      });
    await fold({ total: 1, queued: 1 });
    const early = await fold({ sending: -1, sent: 1 });
    // Not complete: the claim's move has not been folded in yet (queued is still 1).
    expect(early.status).toBe("sending");
    expect(early.counts).toMatchObject({ queued: 1, sending: -1, sent: 1 });
    const done = await fold({ queued: -1, sending: 1 });
    expect(done.counts).toMatchObject({ total: 1, queued: 0, sending: 0, sent: 1 });
    expect(done.status).toBe("completed");
  });
});

export type _Doc = Doc<"messages">;
