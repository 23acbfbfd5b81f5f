// @vitest-environment node
/** Segments: each kind of condition, bounded live counts, members, and a segment as a broadcast audience. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeProvider } from "../tests/fakes/fakeProvider";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import type { Condition } from "./schema";
import { code, setup, userWithSenders, type SignedIn, type TestConvex } from "./test.setup";

beforeEach(() => {
  vi.useFakeTimers();
  new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.useRealTimers();
});

const DAY = 86_400_000;

/** Add up every page of the count, as the app's live count does. */
async function countOf(user: SignedIn, args: { segmentId?: Id<"segments">; conditions?: Condition[] }, pageSize = 3) {
  let cursor: string | null = null;
  let matched = 0;
  let scanned = 0;
  let pages = 0;
  for (;;) {
    const page: { page: Array<{ matched: number; scanned: number }>; isDone: boolean; continueCursor: string } = await user.as.query(api.segments.count, { ...args, paginationOpts: { numItems: pageSize, cursor } });
    matched += page.page[0].matched;
    scanned += page.page[0].scanned;
    pages++;
    if (page.isDone) return { matched, scanned, pages };
    cursor = page.continueCursor;
  }
}

async function world(t: TestConvex) {
  const user = await userWithSenders(t);
  await user.as.mutation(api.customFields.create, { label: "Tier", type: "select", options: ["Gold", "Silver"] });
  await user.as.mutation(api.customFields.create, { label: "Spend", type: "number" });
  const add = (name: string, extra: Record<string, unknown>) => user.as.mutation(api.contacts.create, { name, ...extra });
  const ids = {
    ann: await add("Ann", { phone: "+14155550101", tags: ["vip"], fields: { tier: "Gold", spend: 500 } }),
    bo: await add("Bo", { phone: "+14155550102", email: "bo@example.com", tags: ["vip", "newsletter"], fields: { tier: "Silver", spend: 50 } }),
    cy: await add("Cy", { email: "cy@example.com", tags: ["newsletter"] }),
    dee: await add("Dee", { phone: "+14155550104" }),
    eli: await add("Eli", { phone: "+14155550105", fields: { spend: 1200 } }),
  };
  await user.as.mutation(api.contacts.setOptOut, { contactId: ids.dee, channel: "sms", optedOut: true });
  return { user, ids };
}

const names = async (user: SignedIn, conditions: Condition[]) =>
  (await user.as.query(api.segments.members, { conditions, paginationOpts: { numItems: 100, cursor: null } })).page.map((c) => c.name);

describe("segment conditions", () => {
  it("filter by tags, custom fields, reachability and opt-outs", async () => {
    const t = setup();
    const { user } = await world(t);
    expect(await names(user, [{ kind: "tag", has: true, tag: "VIP" }])).toEqual(["Ann", "Bo"]);
    expect(await names(user, [{ kind: "tag", has: true, tag: "vip" }, { kind: "tag", has: false, tag: "newsletter" }])).toEqual(["Ann"]);
    expect(await names(user, [{ kind: "field", key: "tier", op: "is", value: "gold" }])).toEqual(["Ann"]);
    expect(await names(user, [{ kind: "field", key: "spend", op: "gt", value: 100 }])).toEqual(["Ann", "Eli"]);
    expect(await names(user, [{ kind: "field", key: "tier", op: "isEmpty" }])).toEqual(["Cy", "Dee", "Eli"]);
    expect(await names(user, [{ kind: "reachable", channel: "sms" }])).toEqual(["Ann", "Bo", "Eli"]);
    expect(await names(user, [{ kind: "optedOut", channel: "sms", optedOut: true }])).toEqual(["Dee"]);
  });

  it("filter by last message received or sent, and replies to a broadcast", async () => {
    const t = setup();
    const { user, ids } = await world(t);
    const now = Date.now();
    await t.run(async (ctx) => {
      await ctx.db.patch("contacts", ids.ann, { lastReceivedAt: now - 2 * DAY, lastSentAt: now - 40 * DAY });
      await ctx.db.patch("contacts", ids.bo, { lastReceivedAt: now - 60 * DAY, repliedToBroadcastAt: now - 60 * DAY });
    });
    expect(await names(user, [{ kind: "lastMessage", direction: "inbound", op: "after", daysAgo: 30 }])).toEqual(["Ann"]);
    expect(await names(user, [{ kind: "lastMessage", direction: "inbound", op: "before", at: now - 30 * DAY }])).toEqual(["Bo"]);
    expect(await names(user, [{ kind: "lastMessage", direction: "outbound", op: "never" }])).toEqual(["Bo", "Cy", "Dee", "Eli"]);
    expect(await names(user, [{ kind: "repliedToBroadcast", replied: true }])).toEqual(["Bo"]);
  });

  it("keeps last-message times and broadcast replies on the contact as messages come and go", async () => {
    const t = setup();
    const { user, ids } = await world(t);
    await t.run(async (ctx) => {
      const { insertMessage, MessageWrites, transition } = await import("./lib/messages");
      const writes = new MessageWrites(ctx, user.userId);
      const base = { userId: user.userId, contactId: ids.ann, channel: "sms" as const, content: "x", attempts: 0 };
      const broadcastId = await ctx.db.insert("broadcasts", {
        userId: user.userId,
        groupName: "G",
        channel: "sms",
        senderId: (await ctx.db.query("senders").first())!._id,
        content: "x",
        status: "completed",
        fanOutDone: true,
        fanOutRun: 0,
        counts: { total: 0, scheduled: 0, queued: 0, sending: 0, sent: 0, delivered: 0, read: 0, failed: 0, canceled: 0, skipped: 0 },
        skipped: { noAddress: 0, optedOut: 0, whatsappWindowClosed: 0 },
      });
      // A broadcast's message counts when it is sent, not when it is queued.
      const queuedId = await insertMessage(ctx, writes, { ...base, direction: "outbound", status: "queued", at: 500, broadcastId });
      expect(await ctx.db.get("contacts", ids.ann)).not.toHaveProperty("lastBroadcastAt");
      const sending = await transition(ctx, writes, (await ctx.db.get("messages", queuedId))!, "sending");
      await transition(ctx, writes, sending!, "sent", { sentAt: 1000 });
      await insertMessage(ctx, writes, { ...base, direction: "inbound", status: "received", at: 2000 });
      await writes.flush();
    });
    // The send reaches the contact from the conversation worker, after the reply was stored: the
    // reply still counts as one to the broadcast.
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const ann = await user.as.query(api.contacts.get, { contactId: ids.ann });
    expect(ann).toMatchObject({ lastSentAt: 1000, lastBroadcastAt: 1000, lastReceivedAt: 2000, repliedToBroadcastAt: 2000 });
  });

  it("refuses conditions that cannot hold", async () => {
    const t = setup();
    const { user } = await world(t);
    const bad: Condition[][] = [
      [{ kind: "field", key: "nope", op: "is", value: "x" }],
      [{ kind: "field", key: "tier", op: "is", value: "Bronze" }],
      [{ kind: "field", key: "tier", op: "gt", value: "Gold" }],
      [{ kind: "lastMessage", direction: "inbound", op: "after" }],
      [{ kind: "tag", has: true, tag: "  " }],
      Array.from({ length: 11 }, () => ({ kind: "reachable", channel: "sms" }) as Condition),
    ];
    for (const conditions of bad) {
      await expect(user.as.mutation(api.segments.create, { name: "X", conditions })).rejects.toMatchObject({ data: { code: expect.any(String) } });
    }
    // Another account's import is NOT_FOUND, like one that does not exist.
    const other = await userWithSenders(t, "other@example.com");
    const storageId = await t.run(async (ctx) => await ctx.storage.store(new Blob(["name,phone\nA,+14155550199\n"])));
    const theirs = await other.as.mutation(api.imports.create, { storageId, fileName: "x.csv" });
    await expect(user.as.mutation(api.segments.create, { name: "X", conditions: [{ kind: "import", importId: theirs }] })).rejects.toMatchObject(code("NOT_FOUND"));
    await expect(
      user.as.query(api.segments.count, { conditions: [{ kind: "import", importId: theirs }], paginationOpts: { numItems: 10, cursor: null } }),
    ).rejects.toMatchObject(code("NOT_FOUND"));
    await user.as.mutation(api.segments.create, { name: "VIPs", conditions: [] });
    await expect(user.as.mutation(api.segments.create, { name: "vips", conditions: [] })).rejects.toMatchObject(code("DUPLICATE_NAME"));
  });
});

describe("segment counts", () => {
  it("add up bounded pages; a tag segment reads only the tagged contacts", async () => {
    const t = setup();
    const { user } = await world(t);
    const vip = await user.as.mutation(api.segments.create, { name: "VIP", conditions: [{ kind: "tag", has: true, tag: "vip" }, { kind: "reachable", channel: "sms" }] });
    expect(await countOf(user, { segmentId: vip })).toEqual({ matched: 2, scanned: 2, pages: 1 });
    const spenders = await user.as.mutation(api.segments.create, { name: "Spenders", conditions: [{ kind: "field", key: "spend", op: "gt", value: 100 }] });
    // No tag: every contact is read, three per page.
    expect(await countOf(user, { segmentId: spenders }, 3)).toEqual({ matched: 2, scanned: 5, pages: 2 });
    // Live: a new matching contact counts at once.
    await user.as.mutation(api.contacts.create, { name: "Fay", phone: "+14155550106", tags: ["VIP"] });
    expect((await countOf(user, { segmentId: vip })).matched).toBe(3);
  });
});

describe("segment broadcasts", () => {
  it("message the contacts the segment matches when the broadcast is sent", async () => {
    const t = setup();
    const { user } = await world(t);
    const segmentId = await user.as.mutation(api.segments.create, { name: "VIP", conditions: [{ kind: "tag", has: true, tag: "vip" }] });
    const broadcastId = await user.as.mutation(api.broadcasts.create, { segmentId, channel: "sms", content: "VIP night", scheduledAt: Date.now() + 3600_000 });
    // Tagged after the broadcast was scheduled, before it goes out: included.
    const fay = await user.as.mutation(api.contacts.create, { name: "Fay", phone: "+14155550106", tags: ["vip"] });
    await t.finishAllScheduledFunctions(vi.runAllTimers, 1000);
    const b = await user.as.query(api.broadcasts.get, { broadcastId });
    expect(b).toMatchObject({ segmentId, groupName: "VIP", status: "completed", counts: { total: 3, delivered: 3 } });
    expect(b.segmentConditions).toEqual([{ kind: "tag", has: true, tag: "vip" }]);
    const recipients = await t.run(async (ctx) =>
      (await ctx.db.query("messages").collect()).filter((m) => m.broadcastId === broadcastId).map((m) => m.contactId),
    );
    expect(recipients).toHaveLength(3);
    expect(recipients).toContain(fay);
    await expect(user.as.mutation(api.broadcasts.create, { channel: "sms", content: "x" })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
  });
});
