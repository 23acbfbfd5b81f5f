// @vitest-environment node
/** Twilio and Resend webhooks, signed with the providers' own libraries (twilio, svix). */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resendRequest, twilioRequest } from "./signing";
import { FakeProvider } from "../../tests/fakes/fakeProvider";
import { api, internal } from "../_generated/api";
import { code, setup, userWithSenders, type TestConvex } from "../test.setup";

const SITE = "https://site.example";
const SECRET = "sim-secret";
const SVIX_SECRET = `whsec_${btoa(SECRET)}`;
const ANN = "+14155550123";

beforeEach(() => {
  vi.stubEnv("CONVEX_SITE_URL", SITE);
  vi.stubEnv("SIMULATOR_WEBHOOK_SECRET", SECRET);
  new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

/**
 * Receipts are queued and applied by the receipt applier, and the aggregates kept by the rollup:
 * each a fraction of a second behind the webhook (real timers here). Wait for them, but not long.
 */
const eventually = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 1_500, interval: 25 });

let sidSeq = 0;
const newSid = () => `SM${String(++sidSeq).padStart(32, "0")}`;

function twilioPost(t: TestConvex, path: string, params: Record<string, string>, opts: { token?: string; signedUrl?: string } = {}) {
  return t.fetch(path, twilioRequest(opts.token ?? SECRET, opts.signedUrl ?? `${SITE}${path}`, params));
}

function resendPost(t: TestConvex, event: unknown, opts: { secret?: string; id?: string; at?: Date } = {}) {
  return t.fetch("/webhooks/resend", resendRequest(opts.secret ?? SVIX_SECRET, event, opts.id, opts.at));
}

async function world(t: TestConvex) {
  const user = await userWithSenders(t);
  const senders = (await user.as.query(api.senders.list, {})).senders;
  const number = senders.find((s) => s.channel === "sms")!.address;
  const mailbox = senders.find((s) => s.channel === "email")!.address;
  return { ...user, number, mailbox };
}

const counts = (t: TestConvex) =>
  t.run(async (ctx) => ({
    messages: (await ctx.db.query("messages").collect()).length,
    contacts: (await ctx.db.query("contacts").collect()).length,
  }));

describe("twilio inbound", () => {
  it("stores an SMS/MMS from a new number: contact, conversation, unread badge, analytics", async () => {
    const t = setup();
    const { as, number } = await world(t);
    const sid = newSid();
    const res = await twilioPost(t, "/webhooks/twilio/inbound", {
      MessageSid: sid,
      From: ANN,
      To: number,
      Body: "Is my order ready?",
      NumMedia: "1",
      MediaUrl0: "https://api.twilio.com/media/ME1",
      MediaContentType0: "image/jpeg",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/xml");
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    const [convo] = (await as.query(api.inbox.conversations, { paginationOpts: { numItems: 5, cursor: null } })).page;
    expect(convo).toMatchObject({ name: "+1 415 555 0123", phone: ANN, unreadCount: 1, lastMessagePreview: "Is my order ready?" });
    const [m] = (await as.query(api.messages.thread, { contactId: convo._id, paginationOpts: { numItems: 5, cursor: null } })).page;
    expect(m).toMatchObject({
      direction: "inbound",
      status: "received",
      channel: "sms",
      providerMessageId: sid,
      mediaUrls: ["https://api.twilio.com/media/ME1"],
      mediaTypes: ["image/jpeg"],
      from: ANN,
      to: number,
    });
    const day = new Date().toISOString().slice(0, 10);
    await eventually(async () => expect((await as.query(api.analytics.summary, { from: day, to: day })).totals.received).toBe(1));
    expect((await as.query(api.contacts.get, { contactId: convo._id })).awaitingReplySince).toBeTypeOf("number");
  });

  it("rejects forged, unsigned, wrong-URL and oversized requests with nothing written, and counts them", async () => {
    const t = setup();
    const { number } = await world(t);
    const params = { MessageSid: newSid(), From: ANN, To: number, Body: "hi" };
    const before = await counts(t);
    expect((await twilioPost(t, "/webhooks/twilio/inbound", params, { token: "not-the-token" })).status).toBe(403);
    expect((await twilioPost(t, "/webhooks/twilio/inbound", params, { signedUrl: `https://evil.example/webhooks/twilio/inbound` })).status).toBe(403);
    expect((await twilioPost(t, "/webhooks/twilio/inbound", params, { signedUrl: `${SITE}/webhooks/twilio/status` })).status).toBe(403);
    const unsigned = await t.fetch("/webhooks/twilio/inbound", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params).toString(),
    });
    expect(unsigned.status).toBe(403);
    // Signed, then tampered with.
    const signed = twilioRequest(SECRET, `${SITE}/webhooks/twilio/inbound`, params);
    const tampered = await t.fetch("/webhooks/twilio/inbound", { ...signed, body: new URLSearchParams({ ...params, Body: "pwned" }).toString() });
    expect(tampered.status).toBe(403);
    const huge = await twilioPost(t, "/webhooks/twilio/inbound", { ...params, Body: "x".repeat(70_000) });
    expect(huge.status).toBe(413);
    expect(await counts(t)).toEqual(before);
    await eventually(async () => {
      const rejections = await t.run(async (ctx) => await ctx.db.query("webhookRejections").collect());
      expect(Object.fromEntries(rejections.map((r) => [r.reason, r.count]))).toEqual({
        "bad signature": 4,
        "missing signature": 1,
        "body too large": 1,
      });
    });
  });

  it("checks signatures in the default runtime: no handler on the webhook path runs an action", async () => {
    // Convex runs HTTP actions in its V8 runtime; a Node action per webhook costs a cold start and a call each.
    const { readFileSync } = await import("node:fs");
    for (const file of ["twilio.ts", "resend.ts", "http.ts"]) {
      const source = readFileSync(new URL(`./${file}`, import.meta.url), "utf8");
      expect(source, file).not.toMatch(/runAction\(|"use node"/);
    }
    // …and the checks still hold: the SDK's signature passes, a signature of another body does not.
    const t = setup();
    const { number } = await world(t);
    const params = { MessageSid: newSid(), From: ANN, To: number, Body: "signed by the SDK" };
    expect((await twilioPost(t, "/webhooks/twilio/inbound", params)).status).toBe(200);
    expect((await counts(t)).messages).toBe(1);
  });

  it("refuses bodies that are not UTF-8 or not well-formed form encoding with 400, storing nothing", async () => {
    const t = setup();
    const { number } = await world(t);
    const url = `${SITE}/webhooks/twilio/inbound`;
    const params = { MessageSid: newSid(), From: ANN, To: number, Body: "caf\u00e9" };
    const signed = twilioRequest(SECRET, url, params);
    // The same form with "é" sent as Latin-1 (%E9): URLSearchParams would store U+FFFD.
    const latin1 = new URLSearchParams(params).toString().replace("caf%C3%A9", "caf%E9");
    expect((await t.fetch("/webhooks/twilio/inbound", { ...signed, body: latin1 })).status).toBe(400);
    const rawBytes = new Uint8Array([...new TextEncoder().encode("MessageSid=SM1&Body=caf"), 0xe9]);
    expect((await t.fetch("/webhooks/twilio/inbound", { ...signed, body: rawBytes })).status).toBe(400);
    const resendBody = new Uint8Array([...new TextEncoder().encode('{"type":"email.sent","data":{"email_id":"x\u00e9'), 0xff, ...new TextEncoder().encode('"}}')]);
    const svix = resendRequest(SVIX_SECRET, {});
    expect((await t.fetch("/webhooks/resend", { ...svix, body: resendBody })).status).toBe(400);
    expect((await counts(t)).messages).toBe(0);
  });

  it("answers malformed but signed forms with 400, never 500", async () => {
    const t = setup();
    await world(t);
    const forms: Record<string, string>[] = [{}, { MessageSid: "x" }, { MessageSid: newSid(), From: ANN }, { MessageSid: "S M!", From: ANN, To: ANN }, { MessageSid: newSid(), From: ANN, To: ANN, NumMedia: "lots" }];
    for (const params of forms) {
      expect((await twilioPost(t, "/webhooks/twilio/inbound", params)).status).toBe(400);
    }
    expect((await twilioPost(t, "/webhooks/twilio/status", { MessageSid: newSid() })).status).toBe(400);
  });

  it("accepts a number from a Messaging Service pool by its service SID", async () => {
    const t = setup();
    const { as, userId } = await world(t);
    await t.run(async (ctx) => {
      const sms = (await ctx.db.query("senders").collect()).find((s) => s.userId === userId && s.channel === "sms")!;
      await ctx.db.patch("senders", sms._id, { messagingServiceSid: "MG" + "a".repeat(32) });
    });
    const res = await twilioPost(t, "/webhooks/twilio/inbound", {
      MessageSid: newSid(),
      From: ANN,
      To: "+14155559876", // a pool number never registered as a sender
      MessagingServiceSid: "MG" + "a".repeat(32),
      Body: "via the pool",
    });
    expect(res.status).toBe(200);
    const inbox = await as.query(api.inbox.conversations, { paginationOpts: { numItems: 5, cursor: null } });
    expect(inbox.page.map((c) => c.lastMessagePreview)).toEqual(["via the pool"]);
  });

  it("routes by the exact To number before a Messaging Service, so another account's claim on the service takes nothing", async () => {
    const t = setup();
    const intruder = await userWithSenders(t, "intruder@x.com"); // created first: its sender comes first in the service index
    const { as, userId, number } = await world(t);
    const sid = "MG" + "e".repeat(32);
    // Old data from before senders were unique per deployment: both accounts list the service.
    await t.run(async (ctx) => {
      for (const s of await ctx.db.query("senders").collect()) {
        if (s.channel === "sms" && (s.userId === userId || s.userId === intruder.userId)) await ctx.db.patch("senders", s._id, { messagingServiceSid: sid });
      }
    });
    const res = await twilioPost(t, "/webhooks/twilio/inbound", { MessageSid: newSid(), From: ANN, To: number, MessagingServiceSid: sid, Body: "for the number's owner" });
    expect(res.status).toBe(200);
    expect((await as.query(api.inbox.conversations, { paginationOpts: { numItems: 5, cursor: null } })).page.map((c) => c.lastMessagePreview)).toEqual([
      "for the number's owner",
    ]);
    expect((await intruder.as.query(api.inbox.conversations, { paginationOpts: { numItems: 5, cursor: null } })).page).toEqual([]);
  });

  it("keeps texts from short codes and sender IDs on their own marked contact, never answers them, and refuses impossible senders", async () => {
    const t = setup();
    const { as, number } = await world(t);
    const text = (From: string, Body: string) => twilioPost(t, "/webhooks/twilio/inbound", { MessageSid: newSid(), From, To: number, Body });
    for (const [from, body] of [["AMAZON", "Your code is 123456"], ["22395", "HELP"], ["AMAZON", "STOP"], ["22395", "Your balance is low"]]) {
      const res = await text(from, body);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>'); // no HELP reply, no opt-out notice
    }
    const inbox = (await as.query(api.inbox.conversations, { paginationOpts: { numItems: 10, cursor: null } })).page;
    expect(inbox.map((c) => [c.name, c.phone ?? null, c.unreadCount]).sort()).toEqual([
      ["22395 (short code, no replies)", null, 2],
      ["AMAZON (sender ID, no replies)", null, 2],
    ]);
    const amazon = inbox.find((c) => c.name.startsWith("AMAZON"))!;
    expect(amazon.optedOut).toEqual({ sms: false, whatsapp: false, email: false });
    const thread = (await as.query(api.messages.thread, { contactId: amazon._id, paginationOpts: { numItems: 5, cursor: null } })).page;
    expect(thread.map((m) => [m.content, m.from, m.direction])).toEqual([
      ["STOP", "AMAZON", "inbound"],
      ["Your code is 123456", "AMAZON", "inbound"],
    ]);
    // Nothing can be sent back: the contact has no phone number.
    await expect(as.mutation(api.messages.send, { contactId: amazon._id, channel: "sms", content: "hi" })).rejects.toMatchObject(code("NO_ADDRESS"));
    // No carrier sends these: refused with 400 and counted, not dropped silently.
    for (const from of ["not-a-phone", "TOOLONGSENDERID", "<script>", "whatsapp:AMAZON", "12"]) {
      expect((await text(from, "x")).status, from).toBe(400);
    }
    expect((await counts(t)).messages).toBe(4);
    await eventually(async () => {
      const rejections = await t.run(async (ctx) => await ctx.db.query("webhookRejections").collect());
      expect(rejections.find((r) => r.reason === "unrecognised sender")?.count).toBe(5);
    });
  });

  it("ignores unknown recipients: 200 with empty TwiML, nothing stored", async () => {
    const t = setup();
    await world(t);
    const res = await twilioPost(t, "/webhooks/twilio/inbound", { MessageSid: newSid(), From: ANN, To: "+14155550999", Body: "hi" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<Response></Response>");
    expect((await counts(t)).messages).toBe(0);
  });

  it("is idempotent: the same message replayed 5 times is stored once", async () => {
    const t = setup();
    const { as, number } = await world(t);
    const params = { MessageSid: newSid(), From: ANN, To: number, Body: "once" };
    for (let i = 0; i < 5; i++) expect((await twilioPost(t, "/webhooks/twilio/inbound", params)).status).toBe(200);
    expect((await counts(t)).messages).toBe(1);
    const [convo] = (await as.query(api.inbox.conversations, { paginationOpts: { numItems: 5, cursor: null } })).page;
    expect(convo.unreadCount).toBe(1);
  });

  it("round-trips opt-out and opt-in, blocking then re-allowing sends; HELP gets the configured reply", async () => {
    vi.stubEnv("HELP_REPLY", "Shop help: call 555-0100");
    const t = setup();
    const { as, number } = await world(t);
    const text = (Body: string, From = ANN, To = number) => twilioPost(t, "/webhooks/twilio/inbound", { MessageSid: newSid(), From, To, Body });
    await text("hello");
    const contactId = (await as.query(api.inbox.conversations, { paginationOpts: { numItems: 1, cursor: null } })).page[0]._id;

    const stop = await text("Stop");
    expect(await stop.text()).toContain("<Response></Response>"); // Twilio/the carrier confirms SMS STOP: no double text
    expect((await as.query(api.contacts.get, { contactId })).optedOut).toEqual({ sms: true, whatsapp: false, email: false });
    await expect(as.mutation(api.messages.send, { contactId, channel: "sms", content: "promo" })).rejects.toMatchObject(code("OPTED_OUT"));

    const help = await text("HELP");
    expect(await help.text()).toContain("<Message>Shop help: call 555-0100</Message>");

    await text("START");
    expect((await as.query(api.contacts.get, { contactId })).optedOut.sms).toBe(false);
    await expect(as.mutation(api.messages.send, { contactId, channel: "sms", content: "welcome back" })).resolves.toBeTruthy();

    // WhatsApp keywords: nobody else answers, so we confirm.
    const waStop = await text("stop", `whatsapp:${ANN}`, `whatsapp:${number}`);
    expect(await waStop.text()).toContain("You are unsubscribed from WhatsApp");
    expect((await as.query(api.contacts.get, { contactId })).optedOut).toEqual({ sms: false, whatsapp: true, email: false });
    // Twilio's Advanced Opt-Out already replied: we stay quiet.
    const advanced = await twilioPost(t, "/webhooks/twilio/inbound", { MessageSid: newSid(), From: ANN, To: number, Body: "arrêt", OptOutType: "STOP" });
    expect(await advanced.text()).toContain("<Response></Response>");
    expect((await as.query(api.contacts.get, { contactId })).optedOut.sms).toBe(true);
    const audit = (await as.query(api.auditLog.list, { paginationOpts: { numItems: 20, cursor: null } })).page;
    expect(audit.filter((e) => e.actor.kind === "webhook").map((e) => e.action)).toEqual([
      "contact.optOut",
      "contact.optOut",
      "contact.optIn",
      "contact.optOut",
    ]);
  });

  it("an inbound WhatsApp message re-opens the 24-hour window", async () => {
    const t = setup();
    const { as, number } = await world(t);
    const contactId = await as.mutation(api.contacts.create, { name: "Ann", phone: ANN });
    await expect(as.mutation(api.messages.send, { contactId, channel: "whatsapp", content: "hi" })).rejects.toMatchObject(
      code("WHATSAPP_WINDOW_CLOSED"),
    );
    await twilioPost(t, "/webhooks/twilio/inbound", { MessageSid: newSid(), From: `whatsapp:${ANN}`, To: `whatsapp:${number}`, Body: "hey" });
    const contact = await as.query(api.contacts.get, { contactId });
    expect(contact).toMatchObject({ lastMessageChannel: "whatsapp", whatsappWindowStartedAt: expect.any(Number) });
    await expect(as.mutation(api.messages.send, { contactId, channel: "whatsapp", content: "hi" })).resolves.toBeTruthy();
  });

  it("other users see nothing of it", async () => {
    const t = setup();
    const { number } = await world(t);
    const other = await userWithSenders(t, "other@x.com");
    await twilioPost(t, "/webhooks/twilio/inbound", { MessageSid: newSid(), From: ANN, To: number, Body: "for the first user" });
    expect((await other.as.query(api.inbox.conversations, { paginationOpts: { numItems: 5, cursor: null } })).page).toEqual([]);
    expect(await other.as.query(api.contacts.search, { query: "415" })).toEqual([]);
  });
});

describe("twilio status callbacks", () => {
  async function sentMessage(t: TestConvex, as: Awaited<ReturnType<typeof world>>["as"]) {
    const contactId =
      (await as.query(api.contacts.search, { query: "ann" }))[0]?._id ??
      (await as.mutation(api.contacts.create, { name: "Ann", phone: ANN }));
    vi.stubEnv("SIMULATOR_DELIVERY", "off");
    const id = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "hi" });
    await t.finishAllScheduledFunctions(() => {});
    const m = await as.query(api.messages.get, { messageId: id });
    expect(m.status).toBe("sent");
    return m;
  }

  const PERMUTATIONS = [
    ["sent", "delivered", "read"],
    ["read", "sent", "delivered"],
    ["delivered", "read", "sent"],
    ["sent", "read", "delivered"],
    ["delivered", "sent", "read"],
    ["read", "delivered", "sent"],
  ];

  it("end at the most advanced state whatever the order, and replays change nothing", async () => {
    const t = setup();
    const { as } = await world(t);
    for (const order of PERMUTATIONS) {
      const m = await sentMessage(t, as);
      for (const status of [...order, ...order]) {
        const res = await twilioPost(t, `/webhooks/twilio/status?m=${m._id}`, { MessageSid: m.providerMessageId!, MessageStatus: status });
        expect(res.status).toBe(200);
      }
      await eventually(async () => expect((await as.query(api.messages.get, { messageId: m._id })).status).toBe("read"));
    }
    // A late "sent" never overwrites "delivered"; "undelivered" fails a sent message with the reason.
    const m = await sentMessage(t, as);
    await twilioPost(t, `/webhooks/twilio/status?m=${m._id}`, { MessageSid: m.providerMessageId!, MessageStatus: "delivered" });
    await twilioPost(t, `/webhooks/twilio/status?m=${m._id}`, { MessageSid: m.providerMessageId!, MessageStatus: "sent" });
    await eventually(async () => expect((await as.query(api.messages.get, { messageId: m._id })).status).toBe("delivered"));
    const n = await sentMessage(t, as);
    for (let i = 0; i < 5; i++) {
      await twilioPost(t, `/webhooks/twilio/status?m=${n._id}`, { MessageSid: n.providerMessageId!, MessageStatus: "undelivered", ErrorCode: "30007" });
    }
    await eventually(async () =>
      expect(await as.query(api.messages.get, { messageId: n._id })).toMatchObject({
        status: "failed",
        lastError: { code: "TWILIO_30007", message: "The carrier filtered the message as spam", permanent: true },
      }),
    );
    const day = new Date().toISOString().slice(0, 10);
    await eventually(async () => {
      const stats = await as.query(api.analytics.summary, { from: day, to: day });
      expect(stats.byStatus.find((s) => s.status === "failed")!.count).toBe(1);
    });
  });

  it("ignores unknown sids and intermediate statuses with 200", async () => {
    const t = setup();
    const { as } = await world(t);
    const m = await sentMessage(t, as);
    expect((await twilioPost(t, "/webhooks/twilio/status", { MessageSid: newSid(), MessageStatus: "delivered" })).status).toBe(200);
    expect((await twilioPost(t, "/webhooks/twilio/status?m=not-an-id", { MessageSid: newSid(), MessageStatus: "delivered" })).status).toBe(200);
    expect((await twilioPost(t, "/webhooks/twilio/status", { MessageSid: m.providerMessageId!, MessageStatus: "queued" })).status).toBe(200);
    expect((await as.query(api.messages.get, { messageId: m._id })).status).toBe("sent");
  });

  it("a carrier STOP (21610) fails the message and opts the contact out", async () => {
    const t = setup();
    const { as } = await world(t);
    const m = await sentMessage(t, as);
    await twilioPost(t, "/webhooks/twilio/status", { MessageSid: m.providerMessageId!, MessageStatus: "failed", ErrorCode: "21610" });
    await eventually(async () => expect((await as.query(api.contacts.get, { contactId: m.contactId })).optedOut.sms).toBe(true));
    expect((await as.query(api.messages.get, { messageId: m._id })).status).toBe("failed");
  });
});

describe("resend webhook", () => {
  async function sentEmail(t: TestConvex, as: Awaited<ReturnType<typeof world>>["as"]) {
    vi.stubEnv("SIMULATOR_DELIVERY", "off");
    const contactId = await as.mutation(api.contacts.create, { name: "Bo", email: `bo${++sidSeq}@x.com` });
    const id = await as.mutation(api.messages.send, { contactId, channel: "email", subject: "Order", content: "Ready" });
    await t.finishAllScheduledFunctions(() => {});
    return await as.query(api.messages.get, { messageId: id });
  }
  const event = (type: string, data: object) => ({ type, created_at: new Date().toISOString(), data });

  it("turns email.received into an inbound email routed by recipient, replay-safe", async () => {
    const t = setup();
    const { as, mailbox } = await world(t);
    // Metadata only, as Resend sends it; the body waits in the simulator's Receiving API.
    await t.mutation(internal.emailBodies.putSimulated, { emailId: "em_1", text: "Do you ship to Canada?" });
    const e = event("email.received", { email_id: "em_1", from: "Ann Lee <Ann@Example.com>", to: ["other@elsewhere.example", mailbox], subject: "Question" });
    for (let i = 0; i < 5; i++) expect((await resendPost(t, e, { id: "msg_1" })).status).toBe(200);
    await t.finishAllScheduledFunctions(() => {});
    const [convo] = (await as.query(api.inbox.conversations, { paginationOpts: { numItems: 5, cursor: null } })).page;
    expect(convo).toMatchObject({ name: "Ann Lee", email: "ann@example.com", lastMessageChannel: "email", unreadCount: 1 });
    const [m] = (await as.query(api.messages.thread, { contactId: convo._id, paginationOpts: { numItems: 5, cursor: null } })).page;
    expect(m).toMatchObject({ direction: "inbound", subject: "Question", content: "Do you ship to Canada?", providerMessageId: "em_1" });
    expect((await counts(t)).messages).toBe(1);
  });

  it("updates delivery, bounce and complaint, monotonic and idempotent by event id", async () => {
    const t = setup();
    const { as } = await world(t);
    const a = await sentEmail(t, as);
    await resendPost(t, event("email.delivered", { email_id: a.providerMessageId }), { id: "e1" });
    await resendPost(t, event("email.sent", { email_id: a.providerMessageId }), { id: "e2" });
    await resendPost(t, event("email.opened", { email_id: a.providerMessageId }), { id: "e3" });
    await resendPost(t, event("email.delivery_delayed", { email_id: a.providerMessageId }), { id: "e4" });
    await eventually(async () => expect((await as.query(api.messages.get, { messageId: a._id })).status).toBe("read"));

    const b = await sentEmail(t, as);
    await resendPost(t, event("email.bounced", { email_id: b.providerMessageId, bounce: { message: "Mailbox does not exist" } }), { id: "e5" });
    await eventually(async () =>
      expect(await as.query(api.messages.get, { messageId: b._id })).toMatchObject({
        status: "failed",
        lastError: { code: "RESEND_BOUNCED", message: "The email bounced: Mailbox does not exist" },
      }),
    );
    const c = await sentEmail(t, as);
    await resendPost(t, event("email.complained", { email_id: c.providerMessageId }), { id: "e6" });
    expect((await as.query(api.contacts.get, { contactId: c.contactId })).optedOut.email).toBe(true);
    await expect(as.mutation(api.messages.send, { contactId: c.contactId, channel: "email", subject: "x", content: "y" })).rejects.toMatchObject(code("OPTED_OUT"));
    const events = await t.run(async (ctx) => (await ctx.db.query("webhookEvents").collect()).length);
    expect(events).toBe(6);
  });

  it("rejects forged, stale and unsigned events with nothing written; malformed JSON is 400", async () => {
    const t = setup();
    const { mailbox } = await world(t);
    const e = event("email.received", { email_id: "em_2", from: "x@y.com", to: [mailbox], subject: "s", text: "t" });
    expect((await resendPost(t, e, { secret: `whsec_${btoa("wrong")}` })).status).toBe(403);
    expect((await resendPost(t, e, { at: new Date(Date.now() - 10 * 60_000) })).status).toBe(403);
    expect((await t.fetch("/webhooks/resend", { method: "POST", body: JSON.stringify(e) })).status).toBe(403);
    expect((await counts(t)).messages).toBe(0);
    const bad = resendRequest(SVIX_SECRET, "ignored");
    const signedGarbage = await t.fetch("/webhooks/resend", { ...bad, body: "{not json" });
    expect(signedGarbage.status).toBe(403); // the signature covers the body: changed body, bad signature
    const { Webhook } = await import("svix");
    const body = "{not json";
    const at = new Date();
    const raw = await t.fetch("/webhooks/resend", {
      method: "POST",
      headers: { "svix-id": "x1", "svix-timestamp": String(Math.floor(at.getTime() / 1000)), "svix-signature": new Webhook(SVIX_SECRET).sign("x1", at, body) },
      body,
    });
    expect(raw.status).toBe(400);
    expect((await resendPost(t, { type: 42 })).status).toBe(400);
  });
});

describe("simulated inbound", () => {
  it("posts a correctly signed request to the real webhook route", async () => {
    const t = setup();
    const { as } = await world(t);
    const contactId = await as.mutation(api.contacts.create, { name: "Ann", phone: ANN, email: "ann@x.com" });
    // Route the action's fetch of the public site URL into this test backend.
    const realFetch = globalThis.fetch;
    const posted: string[] = [];
    vi.stubGlobal("fetch", async (input: string | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      posted.push(url.pathname);
      return url.origin === SITE ? t.fetch(url.pathname + url.search, init) : realFetch(input, init);
    });
    try {
      await as.action(api.webhooks.simulate.simulateInbound, { contactId, channel: "sms", content: "texting in" });
      await as.action(api.webhooks.simulate.simulateInbound, { contactId, channel: "email", subject: "Hi", content: "emailing in" });
    } finally {
      vi.unstubAllGlobals();
    }
    await t.finishAllScheduledFunctions(() => {}); // the email's body is fetched from the simulator, then stored
    expect(posted).toEqual(["/webhooks/twilio/inbound", "/webhooks/resend"]);
    const thread = await as.query(api.messages.thread, { contactId, paginationOpts: { numItems: 5, cursor: null } });
    expect(thread.page.map((m) => [m.channel, m.direction, m.content])).toEqual([
      ["email", "inbound", "emailing in"],
      ["sms", "inbound", "texting in"],
    ]);
    const other = await userWithSenders(t, "other@x.com");
    await expect(other.as.action(api.webhooks.simulate.simulateInbound, { contactId, channel: "sms", content: "x" })).rejects.toMatchObject(code("NOT_FOUND"));
  });

  it("reports a webhook that refuses the request with a code", async () => {
    const t = setup();
    const { as } = await userWithSenders(t);
    const contactId = await as.mutation(api.contacts.create, { name: "Ann", phone: ANN });
    vi.stubGlobal("fetch", async () => new Response("nope", { status: 403 }));
    try {
      await expect(as.action(api.webhooks.simulate.simulateInbound, { contactId, channel: "sms", content: "x" })).rejects.toMatchObject(
        code("SIMULATION_FAILED"),
      );
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("is refused when a real provider is configured", async () => {
    vi.stubEnv("TWILIO_ACCOUNT_SID", "AC" + "1".repeat(32));
    vi.stubEnv("TWILIO_AUTH_TOKEN", "real");
    const t = setup();
    const { as } = await userWithSenders(t);
    const contactId = await as.mutation(api.contacts.create, { name: "Ann", phone: ANN });
    await expect(as.action(api.webhooks.simulate.simulateInbound, { contactId, channel: "sms", content: "x" })).rejects.toMatchObject(code("INVALID_STATE"));
  });
});

