// @vitest-environment node
/**
 * Web Push end to end at the function level: devices subscribe; a signed Twilio webhook, a
 * failed send and a finished broadcast lead to real Web Push requests (web-push's VAPID and
 * aes128gcm) to a local fake push service, which checks the VAPID JWT; the test decrypts each
 * payload with the device's private key. Collapse, preferences, mutes, the device in use,
 * expired subscriptions.
 */
import webpush from "web-push";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { twilioRequest } from "./webhooks/signing";
import { FakeProvider } from "../tests/fakes/fakeProvider";
import { FakePushService } from "../tests/fakes/pushService";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { addEvent, COLLAPSE_MS, MAX_DEVICES, MAX_PENDING_TOPICS, STALE_DELIVERY_MS } from "./lib/notifications";
import { base64UrlBytes, subscriptionProblem } from "./lib/pushDevices";
import type { PushPayload } from "./lib/pushPayload";
import { code, setup, userWithSenders, type SignedIn, type TestConvex } from "./test.setup";

const SITE = "https://site.example";
const SECRET = "sim-secret";
const VAPID = webpush.generateVAPIDKeys();
const ANN = "+14155550123";
const BOB = "+14155550124";

let push: FakePushService;
let provider: FakeProvider;
beforeAll(async () => {
  push = await new FakePushService().start();
});
afterAll(async () => await push.stop());
beforeEach(() => {
  vi.useFakeTimers();
  vi.stubEnv("CONVEX_SITE_URL", SITE);
  vi.stubEnv("SIMULATOR_WEBHOOK_SECRET", SECRET);
  vi.stubEnv("VAPID_PUBLIC_KEY", VAPID.publicKey);
  vi.stubEnv("VAPID_PRIVATE_KEY", VAPID.privateKey);
  vi.stubEnv("VAPID_SUBJECT", "mailto:owner@shop.example");
  vi.stubEnv("PUSH_ALLOW_HTTP_LOCALHOST", "1");
  vi.stubEnv("SIMULATOR_DELIVERY", "off");
  provider = new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

const settle = (t: TestConvex) => t.finishAllScheduledFunctions(vi.runAllTimers, 200);
/** Run what is due now, without moving the clock. */
async function runDue(t: TestConvex) {
  vi.advanceTimersByTime(0);
  await t.finishInProgressScheduledFunctions();
}

async function world(t: TestConvex, email = "owner@example.com") {
  const user = await userWithSenders(t, email);
  const number = (await user.as.query(api.senders.list, {})).senders.find((s) => s.channel === "sms")!.address;
  return { ...user, number };
}

/** A browser subscribing: keys made at the fake push service, registered through the public mutation. */
async function device(as: SignedIn["as"], label = "Chrome on Android") {
  const sub = await push.subscribe();
  const deviceId = await as.mutation(api.notifications.subscribe, { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, label });
  return { ...sub, deviceId };
}

let sid = 0;
/** A customer texts in, through the signed Twilio webhook. */
async function textIn(t: TestConvex, to: string, from: string, body: string) {
  const params = { MessageSid: `SM${String(++sid).padStart(32, "0")}`, From: from, To: to, Body: body };
  const res = await t.fetch("/webhooks/twilio/inbound", twilioRequest(SECRET, `${SITE}/webhooks/twilio/inbound`, params));
  expect(res.status).toBe(200);
}

const contactByPhone = (t: TestConvex, phone: string) =>
  t.run(async (ctx) => (await ctx.db.query("contacts").collect()).find((c) => c.phone === phone)!);

async function payloads(subscriptionId: string) {
  return await push.payloads<PushPayload>(subscriptionId);
}

describe("subscriptions", () => {
  it("registers a device, lists it as this device, and refuses bad ones with clear codes", async () => {
    const t = setup();
    const { as } = await world(t);
    const phone = await device(as);
    const devices = await as.query(api.notifications.devices, { thisEndpoint: phone.endpoint });
    expect(devices).toEqual([
      expect.objectContaining({ id: phone.deviceId, label: "Chrome on Android", current: true, lastSentAt: null, lastError: null }),
    ]);
    expect((await as.query(api.notifications.devices, {}))[0].current).toBe(false);

    const good = { endpoint: "https://fcm.googleapis.com/fcm/send/abc", p256dh: phone.p256dh, auth: phone.auth, label: "x" };
    for (const bad of [
      { ...good, endpoint: "http://push.example/x" },
      { ...good, endpoint: "not a url" },
      { ...good, endpoint: "https://user:pw@push.example/x" },
      { ...good, endpoint: `https://push.example/${"a".repeat(900)}` },
      { ...good, p256dh: phone.auth },
      { ...good, p256dh: "!!" },
      { ...good, auth: phone.p256dh },
    ]) {
      await expect(as.mutation(api.notifications.subscribe, bad)).rejects.toMatchObject(code("INVALID_ARGUMENT"));
    }
    // The same browser again: updated, not duplicated.
    expect(await as.mutation(api.notifications.subscribe, { ...good, endpoint: phone.endpoint, label: "Phone" })).toBe(phone.deviceId);
    expect(await as.query(api.notifications.devices, {})).toHaveLength(1);

    vi.stubEnv("VAPID_PRIVATE_KEY", "");
    await expect(as.mutation(api.notifications.subscribe, good)).rejects.toMatchObject(code("INVALID_STATE"));
    expect((await as.query(api.notifications.settings, {})).vapidPublicKey).toBeNull();
  });

  it("http endpoints are refused unless the local test switch is on, and then only on this machine", () => {
    const keys = { p256dh: `B${"A".repeat(86)}`, auth: "A".repeat(22) };
    expect(base64UrlBytes(keys.p256dh)?.length).toBe(65);
    expect(subscriptionProblem({ endpoint: "http://127.0.0.1:9/push/x", ...keys }, false)).toMatch(/https/);
    expect(subscriptionProblem({ endpoint: "http://127.0.0.1:9/push/x", ...keys }, true)).toBeNull();
    expect(subscriptionProblem({ endpoint: "http://10.0.0.1/push/x", ...keys }, true)).toMatch(/https/);
    expect(subscriptionProblem({ endpoint: "https://web.push.apple.com/abc", ...keys }, false)).toBeNull();
  });

  it("removes devices, forgets this one by endpoint, records both in the audit log, and caps the count", async () => {
    const t = setup();
    const { as } = await world(t);
    const a = await device(as, "Laptop");
    const b = await device(as, "Phone");
    await as.mutation(api.notifications.removeDevice, { deviceId: a.deviceId });
    await as.mutation(api.notifications.forgetDevice, { endpoint: b.endpoint });
    await as.mutation(api.notifications.forgetDevice, { endpoint: "https://push.example/unknown" });
    expect(await as.query(api.notifications.devices, {})).toEqual([]);
    await expect(as.mutation(api.notifications.removeDevice, { deviceId: a.deviceId })).rejects.toMatchObject(code("NOT_FOUND"));
    const actions = (await as.query(api.auditLog.list, { paginationOpts: { numItems: 10, cursor: null } })).page.map((e) => e.action);
    expect(actions.filter((a) => a === "pushDevice.add")).toHaveLength(2);
    expect(actions.filter((a) => a === "pushDevice.remove")).toHaveLength(2);

    for (let i = 0; i < MAX_DEVICES; i++) await device(as, `Device ${i}`);
    await expect(device(as, "One too many")).rejects.toMatchObject(code("LIMIT_EXCEEDED"));
  });

  it("a browser that signs in to another account moves there: the first account stops reaching it", async () => {
    const t = setup();
    const first = await world(t, "first@example.com");
    const second = await world(t, "second@example.com");
    const shared = await device(first.as, "Shop tablet");
    await second.as.mutation(api.notifications.subscribe, { endpoint: shared.endpoint, p256dh: shared.p256dh, auth: shared.auth, label: "Shop tablet" });
    expect(await first.as.query(api.notifications.devices, {})).toEqual([]);
    expect(await second.as.query(api.notifications.devices, {})).toHaveLength(1);
    // The first account's news goes nowhere now.
    await textIn(t, first.number, ANN, "Hello?");
    await settle(t);
    expect(push.for(shared.id)).toHaveLength(0);
  });
});

describe("pushes", () => {
  it("an inbound text reaches the device within the same turn: encrypted, VAPID-signed, naming the contact and linking the conversation", async () => {
    const t = setup();
    const { as, number } = await world(t);
    const phone = await device(as);
    await textIn(t, number, ANN, "Is my order ready?");
    await runDue(t);

    const [request] = push.for(phone.id);
    expect(request.status).toBe(201);
    expect(request.headers).toMatchObject({ "content-encoding": "aes128gcm", "content-type": "application/octet-stream", urgency: "high", ttl: "86400" });
    expect(request.vapid).toMatchObject({ aud: push.url, sub: "mailto:owner@shop.example", publicKey: VAPID.publicKey });
    const contact = await contactByPhone(t, ANN);
    expect(await payloads(phone.id)).toEqual([
      {
        notifications: [
          {
            title: "+1 415 555 0123",
            body: "Is my order ready?",
            tag: `message-${contact._id}`,
            url: `/inbox?contact=${contact._id}`,
            timestamp: expect.any(Number),
          },
        ],
      },
    ]);
    const [listed] = await as.query(api.notifications.devices, {});
    expect(listed.lastSentAt).toEqual(expect.any(Number));
  });

  it("ten texts in a row are one notification: one push at once, one after the collapse window with the count, same tag", async () => {
    const t = setup();
    const { as, number } = await world(t);
    const phone = await device(as);
    await textIn(t, number, ANN, "Text 1");
    await runDue(t);
    for (let i = 2; i <= 10; i++) {
      vi.advanceTimersByTime(500);
      await textIn(t, number, ANN, `Text ${i}`);
    }
    await settle(t);
    const received = await payloads(phone.id);
    expect(received).toHaveLength(2);
    expect(push.for(phone.id)[1].at - push.for(phone.id)[0].at).toBeGreaterThanOrEqual(COLLAPSE_MS);
    const [first, second] = received.map((p) => p.notifications);
    expect(first).toHaveLength(1);
    expect(second).toEqual([expect.objectContaining({ title: "+1 415 555 0123 · 10 new messages", body: "Text 10" })]);
    expect(second[0].tag).toBe(first[0].tag);
  });

  it("texts from several customers in one window: one push, a notification each (newest first), the rest as 'more'", async () => {
    const t = setup();
    const { as, number } = await world(t);
    const phone = await device(as);
    await textIn(t, number, ANN, "First");
    await runDue(t);
    for (let i = 0; i < 6; i++) await textIn(t, number, `+1415555020${i}`, `Hi from ${i}`);
    await settle(t);
    const [, second] = await payloads(phone.id);
    expect(second.notifications.map((n) => n.body)).toEqual(["Hi from 5", "Hi from 4", "Hi from 3", "Hi from 2", "News in 2 more conversations"]);
    expect(second.notifications.at(-1)).toMatchObject({ tag: "more", url: "/inbox" });
  });

  it("a conversation read before its push is due is not pushed", async () => {
    const t = setup();
    const { as, number } = await world(t);
    const phone = await device(as);
    await textIn(t, number, ANN, "One");
    await runDue(t);
    await textIn(t, number, ANN, "Two");
    await as.mutation(api.inbox.markRead, { contactId: (await contactByPhone(t, ANN))._id });
    await settle(t);
    expect(push.for(phone.id)).toHaveLength(1);
    // Nothing went out, so the next text is not held back by a collapse window.
    vi.advanceTimersByTime(COLLAPSE_MS);
    await textIn(t, number, ANN, "Three");
    await runDue(t);
    expect(push.for(phone.id)).toHaveLength(2);
  });

  it("the device in use is skipped while its page reports it; the others are notified", async () => {
    const t = setup();
    const { as, number } = await world(t);
    const laptop = await device(as, "Firefox on Linux");
    const phone = await device(as, "Safari on iPhone");
    await as.mutation(api.notifications.reportActive, { endpoint: laptop.endpoint, active: true });
    await textIn(t, number, ANN, "Are you there?");
    await settle(t);
    expect(push.for(laptop.id)).toHaveLength(0);
    expect(push.for(phone.id)).toHaveLength(1);

    // The laptop's tab goes to the background: it is notified again.
    await as.mutation(api.notifications.reportActive, { endpoint: laptop.endpoint, active: false });
    await textIn(t, number, BOB, "Me too");
    await settle(t);
    expect(push.for(laptop.id)).toHaveLength(1);

    // Every device in use: nothing is sent, and nothing is held for later either.
    await as.mutation(api.notifications.reportActive, { endpoint: laptop.endpoint, active: true });
    await as.mutation(api.notifications.reportActive, { endpoint: phone.endpoint, active: true });
    await textIn(t, number, BOB, "Hello?");
    await settle(t);
    expect(push.received.filter((r) => r.subscription === laptop.id || r.subscription === phone.id)).toHaveLength(3);
  });

  it("a failed send notifies (with its reason); a broadcast notifies once when it finishes, not per failed member", async () => {
    const t = setup();
    const { as } = await world(t);
    const phone = await device(as);
    const contactId = await as.mutation(api.contacts.create, { name: "Ann Lee", phone: ANN });
    provider.answer(["permanent"]);
    await as.mutation(api.messages.send, { contactId, channel: "sms", content: "Your order shipped" });
    await settle(t);
    const [failed] = await payloads(phone.id);
    expect(failed.notifications).toEqual([
      expect.objectContaining({ title: "Message to Ann Lee not sent", tag: `failed-${contactId}`, url: `/inbox?contact=${contactId}` }),
    ]);
    expect(failed.notifications[0].body).toMatch(/“Your order shipped”$/);

    const groupId = await as.mutation(api.groups.create, { name: "VIP" });
    const members: Id<"contacts">[] = [contactId];
    for (let i = 0; i < 3; i++) members.push(await as.mutation(api.contacts.create, { name: `M${i}`, phone: `+1415555030${i}` }));
    await as.mutation(api.groups.addMembers, { groupId, contactIds: members });
    provider.answer(["permanent", "ok", "permanent", "ok"]);
    vi.advanceTimersByTime(COLLAPSE_MS);
    const broadcastId = await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "VIP night" });
    await settle(t);
    const all = await payloads(phone.id);
    expect(all).toHaveLength(2);
    expect(all[1].notifications).toEqual([
      {
        title: "Broadcast to VIP finished",
        body: "2 sent, 2 failed. “VIP night”",
        tag: `broadcast-${broadcastId}`,
        url: `/broadcasts/${broadcastId}`,
        timestamp: expect.any(Number),
      },
    ]);
  });

  it("a broadcast whose members were all skipped notifies when it completes", async () => {
    const t = setup();
    const { as } = await world(t);
    const phone = await device(as);
    const contactId = await as.mutation(api.contacts.create, { name: "Mail only", email: "m@x.com" });
    const groupId = await as.mutation(api.groups.create, { name: "Mailers" });
    await as.mutation(api.groups.addMembers, { groupId, contactIds: [contactId] });
    await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "Hi" });
    await settle(t);
    expect((await payloads(phone.id))[0].notifications[0]).toMatchObject({ title: "Broadcast to Mailers finished", body: "0 sent, 1 skipped. “Hi”" });
  });

  it("preferences and mutes: no new-message pushes when off or muted; failures still come", async () => {
    const t = setup();
    const { as, number } = await world(t);
    const phone = await device(as);
    await textIn(t, number, ANN, "first");
    await settle(t);
    const ann = await contactByPhone(t, ANN);
    await as.mutation(api.notifications.setMuted, { contactId: ann._id, muted: true });
    expect(await as.query(api.notifications.muted, { contactId: ann._id })).toBe(true);
    vi.advanceTimersByTime(COLLAPSE_MS);
    await textIn(t, number, ANN, "muted one");
    await textIn(t, number, BOB, "not muted");
    await settle(t);
    expect((await payloads(phone.id)).map((p) => p.notifications.map((n) => n.body))).toEqual([["first"], ["not muted"]]);

    await as.mutation(api.notifications.updateSettings, { newMessages: "none" });
    expect(await as.query(api.notifications.settings, {})).toEqual({ newMessages: "none", failedSends: true, broadcasts: true, vapidPublicKey: VAPID.publicKey });
    vi.advanceTimersByTime(COLLAPSE_MS);
    await textIn(t, number, BOB, "quiet now");
    provider.answer(["permanent"]);
    await as.mutation(api.messages.send, { contactId: ann._id, channel: "sms", content: "hello" });
    await settle(t);
    const last = (await payloads(phone.id)).at(-1)!;
    expect(push.for(phone.id)).toHaveLength(3);
    expect(last.notifications[0].title).toBe("Message to +1 415 555 0123 not sent");

    await as.mutation(api.notifications.updateSettings, { failedSends: false });
    vi.advanceTimersByTime(COLLAPSE_MS);
    provider.answer(["permanent"]);
    await as.mutation(api.messages.send, { contactId: ann._id, channel: "sms", content: "again" });
    await settle(t);
    expect(push.for(phone.id)).toHaveLength(3);

    // Unmuting, and removing a contact forgets its mute.
    await as.mutation(api.notifications.setMuted, { contactId: ann._id, muted: false });
    expect(await as.query(api.notifications.muted, { contactId: ann._id })).toBe(false);
    await as.mutation(api.notifications.setMuted, { contactId: ann._id, muted: true });
    await as.mutation(api.contacts.remove, { contactId: ann._id });
    await settle(t);
    expect(await t.run(async (ctx) => await ctx.db.query("conversationMutes").collect())).toEqual([]);
  });

  it("a subscription the push service says is gone (410, 404) is removed; other errors are kept and shown", async () => {
    const t = setup();
    const { as, number } = await world(t);
    const gone = await device(as, "Old phone");
    const missing = await device(as, "Old laptop");
    const flaky = await device(as, "Tablet");
    push.answer(gone.id, 410).answer(missing.id, 404).answer(flaky.id, 503);
    await textIn(t, number, ANN, "Hello");
    await settle(t);
    const devices = await as.query(api.notifications.devices, {});
    expect(devices).toEqual([expect.objectContaining({ label: "Tablet", lastSentAt: null, lastError: expect.stringMatching(/^503/) })]);
    const actions = (await as.query(api.auditLog.list, { paginationOpts: { numItems: 20, cursor: null } })).page;
    expect(actions.filter((e) => e.action === "pushDevice.expire").map((e) => e.actor)).toEqual([
      { kind: "system", id: "push" },
      { kind: "system", id: "push" },
    ]);
    // The next push reaches it and clears the error.
    vi.advanceTimersByTime(COLLAPSE_MS);
    await textIn(t, number, BOB, "Again");
    await settle(t);
    expect((await as.query(api.notifications.devices, {}))[0]).toMatchObject({ lastError: null, lastSentAt: expect.any(Number) });
  });

  it("a user without devices costs no scheduled job; a delivery lost for a minute is scheduled again", async () => {
    const t = setup();
    const { as, number } = await world(t);
    await textIn(t, number, ANN, "Hello");
    const deliveries = () =>
      t.run(async (ctx) =>
        (await ctx.db.system.query("_scheduled_functions").collect()).filter((j) => j.name.startsWith("pushActions")),
      );
    expect(await deliveries()).toEqual([]);
    expect(await t.run(async (ctx) => await ctx.db.query("pushOutbox").collect())).toEqual([]);

    const phone = await device(as);
    // A delivery was scheduled and then lost (its job never ran): the outbox still says one is due.
    await t.run(async (ctx) => {
      const userId = (await ctx.db.query("users").first())!._id;
      await ctx.db.insert("pushOutbox", { userId, items: [], overflow: 0, dueAt: Date.now() });
    });
    vi.setSystemTime(Date.now() + STALE_DELIVERY_MS + 1);
    await textIn(t, number, ANN, "Still there?");
    await settle(t);
    expect(push.for(phone.id)).toHaveLength(1);
  });
});

describe("collapsing", () => {
  it("keeps one item per topic with the latest message and a count, and counts topics past the limit", () => {
    const contact = "c1" as Id<"contacts">;
    let pending = { items: [] as Parameters<typeof addEvent>[0]["items"], overflow: 0 };
    pending = addEvent(pending, { kind: "message", contactId: contact, messageId: "m1" as Id<"messages"> }, 1);
    pending = addEvent(pending, { kind: "message", contactId: contact, messageId: "m2" as Id<"messages"> }, 2);
    pending = addEvent(pending, { kind: "failed", contactId: contact, messageId: "m3" as Id<"messages"> }, 3);
    expect(pending.items).toEqual([
      { kind: "message", topic: "message:c1", contactId: contact, messageId: "m2", count: 2, at: 2 },
      { kind: "failed", topic: "failed:c1", contactId: contact, messageId: "m3", count: 1, at: 3 },
    ]);
    for (let i = 0; i < MAX_PENDING_TOPICS; i++) {
      pending = addEvent(pending, { kind: "broadcast", broadcastId: `b${i}` as Id<"broadcasts"> }, 4);
    }
    expect(pending.items).toHaveLength(MAX_PENDING_TOPICS);
    expect(pending.overflow).toBe(2);
  });

  it("a delivery takes the whole outbox at once: a second take finds nothing to send", async () => {
    const t = setup();
    const { as, userId, number } = await world(t);
    await device(as);
    await textIn(t, number, ANN, "x");
    const batch = await t.mutation(internal.pushDelivery.take, { userId });
    expect(batch?.targets).toHaveLength(1);
    expect(JSON.parse(batch!.payload).notifications).toHaveLength(1);
    expect(await t.mutation(internal.pushDelivery.take, { userId })).toBeNull();
    expect(await t.run(async (ctx) => (await ctx.db.query("pushOutbox").first())?.items)).toEqual([]);
  });
});
