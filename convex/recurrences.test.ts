// @vitest-environment node
/**
 * Recurring messages and broadcasts with fake timers: occurrences at 09:00 wall-clock across the
 * daylight-saving changes of two zones, each an ordinary scheduled message or broadcast; pause,
 * resume, edit this or all future, cancel; a refused occurrence is skipped with its reason.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { wasSent } from "../lib/messageStatus";
import { wallTimeOf } from "../lib/schedule";
import type { RecurrenceSpec } from "../lib/recurrence";
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

const HOUR = 3_600_000;
async function runUntil(t: TestConvex, until: number, step = HOUR) {
  while (Date.now() < until) {
    vi.advanceTimersByTime(Math.min(step, until - Date.now()));
    await t.finishInProgressScheduledFunctions();
    // Let a woken dispatch lane's pump run its ticks.
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(100);
      await t.finishInProgressScheduledFunctions();
    }
  }
}
/** When an occurrence was due (a sent message keeps its thread position `at`, its due time). */
const dueAt = (m: { at: number }) => m.at;
const wall = (ts: number, zone: string) => {
  const w = wallTimeOf(ts, zone);
  return `${w.month}/${w.day} ${String(w.hour).padStart(2, "0")}:${String(w.minute).padStart(2, "0")}`;
};
const occurrencesOf = (t: TestConvex, recurrenceId: Id<"recurrences">) =>
  t.run(async (ctx) => (await ctx.db.query("messages").collect()).filter((m) => m.recurrenceId === recurrenceId).sort((a, b) => a._creationTime - b._creationTime));

async function world(t: TestConvex) {
  const user = await userWithSenders(t);
  const ny = await user.as.mutation(api.contacts.create, { name: "Nina", phone: "+12125550123", timeZone: "America/New_York" });
  const london = await user.as.mutation(api.contacts.create, { name: "Lena", phone: "+447911123456" });
  return { ...user, ny, london };
}

const weekly = (zone: string, count?: number): RecurrenceSpec => ({
  freq: "weekly",
  interval: 1,
  weekdays: [0], // Mondays
  start: "2026-03-02T09:00",
  timeZone: zone,
  ...(count ? { count } : {}),
});

describe("recurring messages across daylight saving in two zones", () => {
  it("sends at 09:00 local every Monday in New York and London while the clocks change (8 and 29 March)", async () => {
    vi.setSystemTime(Date.UTC(2026, 1, 27, 12)); // Friday 27 February
    const t = setup();
    const w = await world(t);
    const inNy = await w.as.mutation(api.recurrences.create, { contactId: w.ny, channel: "sms", content: "Weekly NY", spec: weekly("America/New_York", 6) });
    const inLondon = await w.as.mutation(api.recurrences.create, { contactId: w.london, channel: "sms", content: "Weekly London", spec: weekly("Europe/London", 6) });

    // The next occurrences are listed (in the series' own zone).
    const listed = await w.as.query(api.recurrences.get, { recurrenceId: inNy });
    expect(listed.upcoming.map((ts) => wall(ts, "America/New_York"))).toEqual(["3/2 09:00", "3/9 09:00", "3/16 09:00", "3/23 09:00", "3/30 09:00", "4/6 09:00"]);
    expect(listed.description).toBe("every week on Monday at 09:00 (America/New_York), 6 times");

    await runUntil(t, Date.UTC(2026, 3, 8));
    for (const [id, zone] of [
      [inNy, "America/New_York"],
      [inLondon, "Europe/London"],
    ] as const) {
      const sent = await occurrencesOf(t, id);
      expect(sent).toHaveLength(6);
      expect(sent.every((m) => wasSent(m.status))).toBe(true);
      // Each was due at 09:00 on the recipient's wall clock, before and after the change, and went out within the step that reached it.
      expect(sent.every((m) => m.sentAt! - dueAt(m) < HOUR + 5_000)).toBe(true);
      expect(sent.map((m) => wall(dueAt(m), zone))).toEqual(["3/2 09:00", "3/9 09:00", "3/16 09:00", "3/23 09:00", "3/30 09:00", "4/6 09:00"]);
      expect((await w.as.query(api.recurrences.get, { recurrenceId: id })).status).toBe("ended");
    }
    // The UTC hour did move: 14:00 → 13:00 in New York on 9 March, 09:00 → 08:00 in London on 30 March.
    const ny = await occurrencesOf(t, inNy);
    expect([new Date(dueAt(ny[0])).getUTCHours(), new Date(dueAt(ny[1])).getUTCHours()]).toEqual([14, 13]);
    const lon = await occurrencesOf(t, inLondon);
    expect([new Date(dueAt(lon[3])).getUTCHours(), new Date(dueAt(lon[4])).getUTCHours()]).toEqual([9, 8]);
    // Ordinary messages: in the thread and the analytics like any other.
    const thread = await w.as.query(api.messages.thread, { contactId: w.ny, paginationOpts: { numItems: 20, cursor: null } });
    expect(thread.page.filter((m) => m.content === "Weekly NY")).toHaveLength(6);
  });

  it("keeps one pending occurrence as an ordinary scheduled message; pause, resume, edit this, edit all future, cancel", async () => {
    vi.setSystemTime(Date.UTC(2026, 5, 1, 12)); // Monday 1 June, after 09:00 in London
    const t = setup();
    const w = await world(t);
    const id = await w.as.mutation(api.recurrences.create, {
      contactId: w.london,
      channel: "sms",
      content: "Daily",
      spec: { freq: "daily", interval: 1, start: "2026-06-01T09:00", timeZone: "Europe/London" },
    });
    let rec = await w.as.query(api.recurrences.get, { recurrenceId: id });
    expect(wall(rec.upcoming[0], "Europe/London")).toBe("6/2 09:00"); // today's 09:00 has passed
    const upcoming = await w.as.query(api.messages.upcoming, { paginationOpts: { numItems: 10, cursor: null } });
    expect(upcoming.page.map((m) => m._id)).toEqual([rec.pendingMessageId]);

    // Edit this one: its text and time; the series keeps its rule.
    await w.as.mutation(api.recurrences.editOccurrence, { recurrenceId: id, content: "Just this once", scheduledAt: Date.UTC(2026, 5, 2, 10) });
    await runUntil(t, Date.UTC(2026, 5, 2, 12));
    let sent = await occurrencesOf(t, id);
    expect(sent[0]).toMatchObject({ content: "Just this once" });
    expect(wall(dueAt(sent[0]), "Europe/London")).toBe("6/2 11:00");
    rec = await w.as.query(api.recurrences.get, { recurrenceId: id });
    expect(wall(rec.upcoming[0], "Europe/London")).toBe("6/3 09:00");
    expect(sent[1]).toMatchObject({ content: "Daily", status: "scheduled" });

    // Pause: the pending occurrence is canceled and nothing goes out; resume picks up after now.
    await w.as.mutation(api.recurrences.pause, { recurrenceId: id });
    await runUntil(t, Date.UTC(2026, 5, 4, 12));
    sent = await occurrencesOf(t, id);
    expect(sent.filter((m) => wasSent(m.status))).toHaveLength(1);
    expect(sent[1].status).toBe("canceled");
    await w.as.mutation(api.recurrences.resume, { recurrenceId: id });
    rec = await w.as.query(api.recurrences.get, { recurrenceId: id });
    expect(wall(rec.upcoming[0], "Europe/London")).toBe("6/5 09:00");

    // Edit all future: new text and a new rule (weekdays at 08:30) replace the pending one.
    await w.as.mutation(api.recurrences.update, {
      recurrenceId: id,
      content: "Weekdays",
      spec: { freq: "weekly", interval: 1, weekdays: [0, 1, 2, 3, 4], start: "2026-06-01T08:30", timeZone: "Europe/London" },
    });
    rec = await w.as.query(api.recurrences.get, { recurrenceId: id });
    expect(rec.upcoming.slice(0, 3).map((ts) => wall(ts, "Europe/London"))).toEqual(["6/5 08:30", "6/8 08:30", "6/9 08:30"]);
    await runUntil(t, Date.UTC(2026, 5, 8, 12), HOUR / 4);
    sent = await occurrencesOf(t, id);
    expect(sent.filter((m) => wasSent(m.status)).map((m) => `${m.content} ${wall(dueAt(m), "Europe/London")}`)).toEqual([
      "Just this once 6/2 11:00",
      "Weekdays 6/5 08:30",
      "Weekdays 6/8 08:30",
    ]);

    await w.as.mutation(api.recurrences.cancel, { recurrenceId: id });
    await runUntil(t, Date.UTC(2026, 5, 12, 12), 6 * HOUR);
    expect((await occurrencesOf(t, id)).filter((m) => wasSent(m.status))).toHaveLength(3);
    expect(await w.as.query(api.recurrences.list, {})).toEqual([]);
  });

  it("skips an occurrence the send policy refuses, with its reason, and goes on", async () => {
    vi.setSystemTime(Date.UTC(2026, 5, 1, 12));
    const t = setup();
    const w = await world(t);
    const id = await w.as.mutation(api.recurrences.create, {
      contactId: w.london,
      channel: "sms",
      content: "Daily",
      spec: { freq: "daily", interval: 1, start: "2026-06-02T09:00", timeZone: "Europe/London" },
    });
    await w.as.mutation(api.contacts.setOptOut, { contactId: w.london, channel: "sms", optedOut: true });
    await runUntil(t, Date.UTC(2026, 5, 3, 12));
    const rec = await w.as.query(api.recurrences.get, { recurrenceId: id });
    expect(rec.lastSkipped).toMatchObject({ code: "OPTED_OUT" });
    expect(rec.status).toBe("active");
    // The pending one when the contact opted out failed with the same reason when due.
    expect((await occurrencesOf(t, id))[0]).toMatchObject({ status: "failed", lastError: { code: "OPTED_OUT" } });
    await w.as.mutation(api.contacts.setOptOut, { contactId: w.london, channel: "sms", optedOut: false });
    await runUntil(t, Date.UTC(2026, 5, 5, 12));
    expect((await occurrencesOf(t, id)).filter((m) => wasSent(m.status)).length).toBeGreaterThanOrEqual(1);
  });

  it("validates the rule and the target", async () => {
    vi.setSystemTime(Date.UTC(2026, 5, 1, 12));
    const t = setup();
    const w = await world(t);
    const base = { contactId: w.london, channel: "sms" as const, content: "x" };
    await expect(w.as.mutation(api.recurrences.create, { ...base, spec: { ...weekly("Mars/Base"), start: "2026-07-01T09:00" } })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
    await expect(w.as.mutation(api.recurrences.create, { ...base, spec: { ...weekly("Europe/London", 2) } })).rejects.toMatchObject(code("INVALID_ARGUMENT")); // both in the past
    await expect(w.as.mutation(api.recurrences.create, { channel: "sms", content: "x", spec: weekly("Europe/London") })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
  });
});

describe("recurring broadcasts", () => {
  it("creates each occurrence as an ordinary scheduled broadcast", async () => {
    vi.setSystemTime(Date.UTC(2026, 5, 1, 12));
    const t = setup();
    const w = await world(t);
    const groupId = await w.as.mutation(api.groups.create, { name: "Team" });
    await w.as.mutation(api.groups.addMembers, { groupId, contactIds: [w.ny, w.london] });
    const id = await w.as.mutation(api.recurrences.create, {
      groupId,
      channel: "sms",
      content: "Standup",
      spec: { freq: "weekly", interval: 1, weekdays: [1, 3], start: "2026-06-02T09:00", timeZone: "Europe/London", count: 3 },
    });
    await runUntil(t, Date.UTC(2026, 5, 10, 12));
    const broadcasts = await t.run(async (ctx) => (await ctx.db.query("broadcasts").collect()).filter((b) => b.recurrenceId === id));
    expect(broadcasts.map((b) => wall(b.scheduledAt!, "Europe/London"))).toEqual(["6/2 09:00", "6/4 09:00", "6/9 09:00"]);
    expect(broadcasts.every((b) => b.status === "completed")).toBe(true);
    expect(provider.calls).toHaveLength(6);
    expect((await w.as.query(api.recurrences.get, { recurrenceId: id })).status).toBe("ended");
  });

  it("edits only the next broadcast of a series: its text and its time", async () => {
    vi.setSystemTime(Date.UTC(2026, 5, 1, 12));
    const t = setup();
    const w = await world(t);
    const groupId = await w.as.mutation(api.groups.create, { name: "Team" });
    await w.as.mutation(api.groups.addMembers, { groupId, contactIds: [w.ny, w.london] });
    const id = await w.as.mutation(api.recurrences.create, {
      groupId,
      channel: "sms",
      content: "Standup",
      spec: { freq: "daily", interval: 1, start: "2026-06-02T09:00", timeZone: "Europe/London", count: 2 },
    });
    await w.as.mutation(api.recurrences.editOccurrence, { recurrenceId: id, content: "Standup moved", scheduledAt: Date.UTC(2026, 5, 2, 10) });
    await runUntil(t, Date.UTC(2026, 5, 4, 12));
    const broadcasts = await t.run(async (ctx) => (await ctx.db.query("broadcasts").collect()).filter((b) => b.recurrenceId === id));
    expect(broadcasts.map((b) => [b.content, wall(b.scheduledAt!, "Europe/London"), b.status])).toEqual([
      ["Standup moved", "6/2 11:00", "completed"],
      ["Standup", "6/3 09:00", "completed"],
    ]);
    // Each member got each broadcast once: the moved one did not also go at its old time.
    expect(provider.calls).toHaveLength(4);
    expect(provider.calls.filter((c) => c.message.content === "Standup moved")).toHaveLength(2);
    // A series whose next broadcast has started cannot have it edited.
    await expect(w.as.mutation(api.recurrences.editOccurrence, { recurrenceId: id, content: "x" })).rejects.toMatchObject({
      data: { code: "INVALID_STATE" },
    });
  });
});
