// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeProvider } from "../tests/fakes/fakeProvider";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { setup, userWithSenders, type TestConvex } from "./test.setup";

beforeEach(() => {
  vi.useFakeTimers();
  new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.useRealTimers();
});

async function inbound(t: TestConvex, userId: Id<"users">, contactId: Id<"contacts">, channel: "sms" | "whatsapp" | "email", content: string) {
  await t.run(async (ctx) => {
    const { insertInbound, MessageWrites } = await import("./lib/messages");
    const writes = new MessageWrites(ctx, userId);
    await insertInbound(ctx, writes, { contactId, channel, content, at: Date.now(), ...(channel === "email" ? { subject: "Re" } : {}) });
    await writes.flush();
  });
}

describe("inbox", () => {
  it("lists conversations newest first, with unread and channel filters, and marks them read", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123" });
    const bob = await as.mutation(api.contacts.create, { name: "Bob", phone: "+14155550124", email: "bob@x.com" });
    const cy = await as.mutation(api.contacts.create, { name: "Cy", phone: "+14155550125" });
    await as.mutation(api.contacts.create, { name: "Quiet", phone: "+14155550126" }); // no conversation

    await inbound(t, userId, ann, "sms", "first");
    vi.advanceTimersByTime(1000);
    await inbound(t, userId, bob, "email", "second");
    vi.advanceTimersByTime(1000);
    await as.mutation(api.messages.send, { contactId: cy, channel: "sms", content: "third, from us" });
    vi.advanceTimersByTime(1000);
    await inbound(t, userId, ann, "whatsapp", "fourth");

    const page = (q: object = {}) =>
      as.query(api.inbox.conversations, { paginationOpts: { numItems: 10, cursor: null }, ...q }).then((r) => r.page);
    const all = await page();
    expect(all.map((c) => c.name)).toEqual(["Ann", "Cy", "Bob"]);
    expect(all[0]).toMatchObject({ unreadCount: 2, lastMessagePreview: "fourth", lastMessageChannel: "whatsapp", lastMessageDirection: "inbound" });
    expect(all[1]).toMatchObject({ unreadCount: 0, lastMessageDirection: "outbound" });
    expect(all[2].lastMessagePreview).toBe("Re — second");
    expect((await page({ unread: true })).map((c) => c.name)).toEqual(["Ann", "Bob"]);
    expect((await page({ channel: "sms" })).map((c) => c.name)).toEqual(["Cy"]);
    expect((await page({ unread: true, channel: "email" })).map((c) => c.name)).toEqual(["Bob"]);

    await as.mutation(api.inbox.markRead, { contactId: ann });
    expect((await page({ unread: true })).map((c) => c.name)).toEqual(["Bob"]);
    expect((await as.query(api.contacts.get, { contactId: ann })).unreadCount).toBe(0);
  });

  it("pages through many conversations without duplicates", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const ids: Id<"contacts">[] = [];
    for (let i = 0; i < 25; i++) {
      ids.push(await as.mutation(api.contacts.create, { name: `C${i}`, phone: `+1415555${1000 + i}` }));
      await inbound(t, userId, ids[i], "sms", `hello ${i}`);
      vi.advanceTimersByTime(10);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (;;) {
      const r: { page: { name: string }[]; isDone: boolean; continueCursor: string } = await as.query(api.inbox.conversations, {
        paginationOpts: { numItems: 10, cursor },
      });
      seen.push(...r.page.map((c) => c.name));
      if (r.isDone) break;
      cursor = r.continueCursor;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `C${24 - i}`));
  });

  it("done, snooze and unread: each list holds its conversations, and a reply or the time brings them back", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123" });
    const bob = await as.mutation(api.contacts.create, { name: "Bob", phone: "+14155550124" });
    const cy = await as.mutation(api.contacts.create, { name: "Cy", phone: "+14155550125" });
    for (const c of [ann, bob, cy]) {
      await inbound(t, userId, c, "sms", "hello");
      vi.advanceTimersByTime(1000);
    }
    const names = async (state?: "open" | "done" | "snoozed", unread?: boolean) =>
      (await as.query(api.inbox.conversations, { paginationOpts: { numItems: 10, cursor: null }, ...(state ? { state } : {}), ...(unread ? { unread } : {}) })).page.map((c) => c.name);
    expect(await names()).toEqual(["Cy", "Bob", "Ann"]);

    await as.mutation(api.inbox.markDone, { contactId: ann });
    await as.mutation(api.inbox.snooze, { contactId: bob, until: Date.now() + 3_600_000 });
    expect(await names("open")).toEqual(["Cy"]);
    expect(await names("done")).toEqual(["Ann"]);
    expect(await names("snoozed")).toEqual(["Bob"]);
    expect((await as.query(api.contacts.get, { contactId: bob })).snoozedUntil).toBe(Date.now() + 3_600_000);

    // Ann writes again: back in the open list, unread.
    await inbound(t, userId, ann, "sms", "one more thing");
    expect(await names("open")).toEqual(["Ann", "Cy"]);
    expect(await names("done")).toEqual([]);

    // Bob's snooze ends on its own.
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await names("snoozed")).toEqual([]);
    expect(await names("open")).toEqual(["Ann", "Cy", "Bob"]);

    // Mark read, then unread again: the unread view has it back.
    await as.mutation(api.inbox.markRead, { contactId: cy });
    expect(await names("open", true)).toEqual(["Ann", "Bob"]);
    await as.mutation(api.inbox.markUnread, { contactId: cy });
    expect(await names("open", true)).toEqual(["Ann", "Cy", "Bob"]);
    expect((await as.query(api.contacts.get, { contactId: cy })).unreadCount).toBe(1);

    // Reopened by hand.
    await as.mutation(api.inbox.markDone, { contactId: cy });
    await as.mutation(api.inbox.reopen, { contactId: cy });
    expect(await names("done")).toEqual([]);

    // A reply ends a snooze early.
    await as.mutation(api.inbox.snooze, { contactId: ann, until: Date.now() + 3_600_000 });
    expect(await names("snoozed")).toEqual(["Ann"]);
    await inbound(t, userId, ann, "sms", "are you there?");
    expect(await names("snoozed")).toEqual([]);
    expect((await as.query(api.contacts.get, { contactId: ann })).snoozedUntil).toBeUndefined();
  });

  it("the unread total (tab title) counts open conversations only", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123" });
    const bob = await as.mutation(api.contacts.create, { name: "Bob", phone: "+14155550124" });
    await inbound(t, userId, ann, "sms", "one");
    await inbound(t, userId, ann, "sms", "two");
    await inbound(t, userId, bob, "sms", "three");
    expect(await as.query(api.inbox.unreadTotal, {})).toEqual({ messages: 3, conversations: 2, more: false });
    await as.mutation(api.inbox.snooze, { contactId: ann, until: Date.now() + 60_000 });
    expect(await as.query(api.inbox.unreadTotal, {})).toEqual({ messages: 1, conversations: 1, more: false });
    await as.mutation(api.inbox.markDone, { contactId: bob });
    expect(await as.query(api.inbox.unreadTotal, {})).toEqual({ messages: 0, conversations: 0, more: false });
    await inbound(t, userId, bob, "sms", "four");
    expect(await as.query(api.inbox.unreadTotal, {})).toEqual({ messages: 2, conversations: 1, more: false });
  });

  it("a snooze that was changed meanwhile is not ended by its old timer; past times are refused", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123" });
    await inbound(t, userId, ann, "sms", "hi");
    await as.mutation(api.inbox.snooze, { contactId: ann, until: Date.now() + 60_000 });
    await as.mutation(api.inbox.snooze, { contactId: ann, until: Date.now() + 7_200_000 });
    vi.advanceTimersByTime(61_000);
    await t.finishInProgressScheduledFunctions();
    expect((await as.query(api.contacts.get, { contactId: ann })).inboxState).toBe("snoozed");
    await expect(as.mutation(api.inbox.snooze, { contactId: ann, until: Date.now() - 1 })).rejects.toMatchObject({ data: { code: "SCHEDULE_IN_PAST" } });
  });
});
