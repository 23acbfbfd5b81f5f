// @vitest-environment node
/**
 * The one send policy (convex/lib/sendPolicy.ts) on every path: the composer, scheduled messages
 * when written and when due, broadcasts per member (quiet hours in each member's zone, local
 * time, the frequency cap), with the same coded reasons everywhere.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { wasSent } from "../lib/messageStatus";
import { epochOfWallTime } from "../lib/schedule";
import { FakeProvider } from "../tests/fakes/fakeProvider";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { code, setup, userWithSenders, type TestConvex } from "./test.setup";

let provider: FakeProvider;
beforeEach(() => {
  vi.useFakeTimers();
  provider = new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.useRealTimers();
});

const LON = "Europe/London";
const PARIS = "Europe/Paris";
const NY = "America/New_York";
const local = (zone: string, y: number, mo: number, d: number, h: number, mi = 0) => epochOfWallTime({ year: y, month: mo, day: d, hour: h, minute: mi }, zone);
const message = (t: TestConvex, id: Id<"messages">) => t.run(async (ctx) => (await ctx.db.get("messages", id))!);
/** Reached the provider (the simulator reports delivery soon after). */
const SENT = expect.toSatisfy((s: string) => wasSent(s as never), "sent");

/** Let fake time pass up to `until` in steps, running what comes due. */
async function runUntil(t: TestConvex, until: number, step = 60_000) {
  while (Date.now() < until) {
    vi.advanceTimersByTime(Math.min(step, until - Date.now()));
    await t.finishInProgressScheduledFunctions();
  }
  vi.advanceTimersByTime(0);
  await t.finishInProgressScheduledFunctions();
}

async function world(t: TestConvex, quietHoursEnabled = true) {
  const user = await userWithSenders(t);
  await user.as.mutation(api.scheduling.updateSettings, { timeZone: LON, quietHoursEnabled });
  const london = await user.as.mutation(api.contacts.create, { name: "Lena", phone: "+447911123456" });
  return { ...user, london };
}

describe("quiet hours", () => {
  it("holds a scheduled message due inside them to 08:00 the recipient's next morning, visibly, and sends it then", async () => {
    vi.setSystemTime(local(LON, 2026, 3, 3, 12)); // a Tuesday
    const t = setup();
    const { as, london } = await world(t);
    expect((await as.query(api.contacts.get, { contactId: london })).timeZone).toBe(LON); // inferred from +44
    const due = local(LON, 2026, 3, 3, 22, 30);
    const id = await as.mutation(api.messages.send, { contactId: london, channel: "sms", content: "Late news", scheduledAt: due });
    expect(await message(t, id)).toMatchObject({ status: "scheduled", scheduledAt: local(LON, 2026, 3, 4, 8), heldFrom: due });

    await runUntil(t, local(LON, 2026, 3, 4, 7, 59));
    expect(provider.callsFor(id)).toHaveLength(0);
    await runUntil(t, local(LON, 2026, 3, 4, 8, 1));
    expect(await message(t, id)).toMatchObject({ status: SENT });
    expect(provider.callsFor(id)).toHaveLength(1);
  });

  it("holds a message when it comes due if quiet hours were turned on after it was scheduled", async () => {
    vi.setSystemTime(local(LON, 2026, 3, 3, 12));
    const t = setup();
    const { as, london } = await world(t, false);
    const id = await as.mutation(api.messages.send, { contactId: london, channel: "sms", content: "Hi", scheduledAt: local(LON, 2026, 3, 3, 23) });
    expect((await message(t, id)).heldFrom).toBeUndefined();
    await as.mutation(api.scheduling.updateSettings, { quietHoursEnabled: true });
    await runUntil(t, local(LON, 2026, 3, 3, 23, 5));
    expect(await message(t, id)).toMatchObject({ status: "scheduled", scheduledAt: local(LON, 2026, 3, 4, 8), heldFrom: local(LON, 2026, 3, 3, 23) });
    expect(provider.callsFor(id)).toHaveLength(0);
    await runUntil(t, local(LON, 2026, 3, 4, 8, 1));
    expect((await message(t, id)).status).toEqual(SENT);
  });

  it("asks the composer to confirm a send now; a confirmed send goes at once and is not held when claimed", async () => {
    vi.setSystemTime(local(LON, 2026, 3, 3, 23));
    const t = setup();
    const { as, london } = await world(t);
    await expect(as.mutation(api.messages.send, { contactId: london, channel: "sms", content: "Now?" })).rejects.toMatchObject({
      data: { code: "QUIET_HOURS", details: { until: local(LON, 2026, 3, 4, 8) } },
    });
    const id = await as.mutation(api.messages.send, { contactId: london, channel: "sms", content: "Now!", confirmQuietHours: true });
    await runUntil(t, Date.now() + 1000, 100);
    expect(await message(t, id)).toMatchObject({ status: SENT, ignoreQuietHours: true });
  });

  it("is off until the account turns it on", async () => {
    vi.setSystemTime(local(LON, 2026, 3, 3, 23));
    const t = setup();
    const { as, london } = await world(t, false);
    const id = await as.mutation(api.messages.send, { contactId: london, channel: "sms", content: "Fine" });
    await runUntil(t, Date.now() + 1000, 100);
    expect((await message(t, id)).status).toEqual(SENT);
    expect((await as.query(api.scheduling.settings, {})).quietHours.periods[0]).toEqual({ day: 0, start: 21 * 60, end: 8 * 60 });
  });
});

describe("broadcasts per member", () => {
  let groups = 0;
  async function groupWith(t: TestConvex, as: Awaited<ReturnType<typeof world>>["as"], ids: Id<"contacts">[]) {
    const groupId = await as.mutation(api.groups.create, { name: `Group ${++groups}` });
    await as.mutation(api.groups.addMembers, { groupId, contactIds: ids });
    return groupId;
  }
  const messagesOf = (t: TestConvex, broadcastId: Id<"broadcasts">) =>
    t.run(async (ctx) => (await ctx.db.query("messages").collect()).filter((m) => m.broadcastId === broadcastId));

  it("holds each member to the end of quiet hours in their own zone", async () => {
    vi.setSystemTime(Date.UTC(2026, 5, 10, 21, 30)); // 22:30 in London and 23:30 in Paris; 17:30 in New York
    const t = setup();
    const w = await world(t);
    const paris = await w.as.mutation(api.contacts.create, { name: "Paul", phone: "+33612345678" });
    const ny = await w.as.mutation(api.contacts.create, { name: "Nina", phone: "+12125550123", timeZone: NY });
    const groupId = await groupWith(t, w.as, [w.london, paris, ny]);
    const broadcastId = await w.as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "Sale" });
    await runUntil(t, Date.now() + 5_000, 100);
    const byContact = new Map((await messagesOf(t, broadcastId)).map((m) => [m.contactId, m]));
    expect(byContact.get(ny)).toMatchObject({ status: SENT });
    expect(byContact.get(w.london)).toMatchObject({ status: "scheduled", scheduledAt: local(LON, 2026, 6, 11, 8), heldFrom: expect.any(Number) });
    expect(byContact.get(paris)).toMatchObject({ status: "scheduled", scheduledAt: local(PARIS, 2026, 6, 11, 8) });
    // Paris wakes an hour before London.
    await runUntil(t, local(PARIS, 2026, 6, 11, 8, 1));
    expect((await message(t, byContact.get(paris)!._id)).status).toEqual(SENT);
    expect((await message(t, byContact.get(w.london)!._id)).status).toBe("scheduled");
    await runUntil(t, local(LON, 2026, 6, 11, 8, 1));
    expect((await message(t, byContact.get(w.london)!._id)).status).toEqual(SENT);
    await runUntil(t, Date.now() + 3_000, 100); // the rollup completes it
    const b = await w.as.query(api.broadcasts.get, { broadcastId });
    expect(b).toMatchObject({ status: "completed", counts: { total: 3, skipped: 0 } });
  });

  it("goes at 09:00 in each recipient's zone (the account's for contacts without one)", async () => {
    vi.setSystemTime(Date.UTC(2026, 5, 9, 12));
    const t = setup();
    const w = await world(t, false);
    const ny = await w.as.mutation(api.contacts.create, { name: "Nina", phone: "+12125550123", timeZone: NY });
    const unknown = await w.as.mutation(api.contacts.create, { name: "Uma", phone: "+12125550124" }); // US: no zone inferred
    const groupId = await groupWith(t, w.as, [w.london, ny, unknown]);
    const broadcastId = await w.as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "Morning", localTime: { date: "2026-06-10", time: "09:00" } });
    await runUntil(t, Date.UTC(2026, 5, 10, 7, 0)); // before 09:00 anywhere we send to (London 08:00)
    const messages = await messagesOf(t, broadcastId);
    const at = new Map(messages.map((m) => [m.contactId, m.scheduledAt]));
    expect(at.get(w.london)).toBe(local(LON, 2026, 6, 10, 9));
    expect(at.get(unknown)).toBe(local(LON, 2026, 6, 10, 9)); // the account's zone
    expect(at.get(ny)).toBe(local(NY, 2026, 6, 10, 9));
    await runUntil(t, local(LON, 2026, 6, 10, 9, 1));
    const sent = (await messagesOf(t, broadcastId)).filter((m) => wasSent(m.status)).map((m) => m.contactId);
    expect(sent.sort()).toEqual([w.london, unknown].sort());
    await runUntil(t, local(NY, 2026, 6, 10, 9, 1), 600_000);
    expect((await messagesOf(t, broadcastId)).every((m) => wasSent(m.status))).toBe(true);
  });

  it("skips members sent a broadcast within the frequency cap, with the reason", async () => {
    vi.setSystemTime(Date.UTC(2026, 5, 10, 12));
    const t = setup();
    const w = await world(t, false);
    const other = await w.as.mutation(api.contacts.create, { name: "Otto", phone: "+447911123457" });
    const first = await groupWith(t, w.as, [w.london]);
    await w.as.mutation(api.broadcasts.create, { groupId: first, channel: "sms", content: "One" });
    await runUntil(t, Date.now() + 5_000, 100);
    await runUntil(t, Date.now() + 2 * 86_400_000, 3_600_000);
    const both = await groupWith(t, w.as, [w.london, other]);
    const capped = await w.as.mutation(api.broadcasts.create, { groupId: both, channel: "sms", content: "Two", frequencyCapDays: 3 });
    await runUntil(t, Date.now() + 5_000, 100);
    const b = await w.as.query(api.broadcasts.get, { broadcastId: capped });
    expect(b.skipped).toMatchObject({ frequencyCap: 1, optedOut: 0 });
    expect(b.counts).toMatchObject({ total: 2, skipped: 1 });
    expect(b.counts.sent + b.counts.delivered).toBe(1);
    // Past the cap both get it.
    await runUntil(t, Date.now() + 2 * 86_400_000, 3_600_000);
    const uncapped = await w.as.mutation(api.broadcasts.create, { groupId: both, channel: "sms", content: "Three", frequencyCapDays: 1 });
    await runUntil(t, Date.now() + 5_000, 100);
    expect((await w.as.query(api.broadcasts.get, { broadcastId: uncapped })).skipped.frequencyCap ?? 0).toBe(0);
    await expect(
      w.as.mutation(api.broadcasts.create, { groupId: both, channel: "sms", content: "x", frequencyCapDays: 0 }),
    ).rejects.toMatchObject(code("INVALID_ARGUMENT"));
  });
});

describe("the same reasons on every path", () => {
  it("an opted-out contact: the composer refuses, a broadcast skips, a scheduled message fails when due", async () => {
    vi.setSystemTime(Date.UTC(2026, 5, 10, 12));
    const t = setup();
    const w = await world(t, false);
    const id = await w.as.mutation(api.messages.send, { contactId: w.london, channel: "sms", content: "Later", scheduledAt: Date.now() + 3_600_000 });
    await w.as.mutation(api.contacts.setOptOut, { contactId: w.london, channel: "sms", optedOut: true });
    await expect(w.as.mutation(api.messages.send, { contactId: w.london, channel: "sms", content: "Now" })).rejects.toMatchObject(code("OPTED_OUT"));
    const groupId = await w.as.mutation(api.groups.create, { name: "G" });
    await w.as.mutation(api.groups.addMembers, { groupId, contactIds: [w.london] });
    const broadcastId = await w.as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "All" });
    await runUntil(t, Date.now() + 3_700_000);
    expect((await w.as.query(api.broadcasts.get, { broadcastId })).skipped.optedOut).toBe(1);
    expect(await message(t, id)).toMatchObject({ status: "failed", lastError: { code: "OPTED_OUT" } });
  });
});
