// @vitest-environment node
/**
 * Inbound email as Resend really sends it: `email.received` carries metadata only, and the body
 * comes from the Receiving API (`GET /emails/receiving/{id}`), here the local fake Resend that
 * the real resend SDK is pointed at. Payload shapes are Resend's documented examples.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeProviderServer } from "../../tests/fakes/providerServer";
import { api } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { MAX_INBOUND_TEXT } from "../lib/emailBodies";
import { setup, signedInUser, type TestConvex } from "../test.setup";
import { resendRequest } from "./signing";

const SITE = "https://site.example";
const SECRET = "sim-secret";
const SVIX_SECRET = `whsec_${btoa(SECRET)}`;
const MAILBOX = "support@shop.example";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await new FakeProviderServer().start();
});
afterAll(async () => await server.stop());
beforeEach(() => {
  vi.useFakeTimers();
  vi.stubEnv("CONVEX_SITE_URL", SITE);
  vi.stubEnv("SIMULATOR_WEBHOOK_SECRET", SECRET);
  vi.stubEnv("RESEND_API_KEY", "re_test");
  vi.stubEnv("RESEND_API_BASE_URL", server.url);
  vi.stubEnv("SIMULATOR_DELIVERY", "off");
  server.receivedEmails.clear();
  server.received.length = 0;
  server.lookups.length = 0;
  server.receivingFailures = 0;
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

/** Resend's documented `email.received` event (metadata only: no text, no HTML). */
function receivedEvent(emailId: string, overrides: Record<string, unknown> = {}) {
  return {
    type: "email.received",
    created_at: "2026-02-22T23:41:12.126Z",
    data: {
      email_id: emailId,
      created_at: "2026-02-22T23:41:11.894719+00:00",
      from: "Ann Lee <ann@example.com>",
      to: [MAILBOX],
      bcc: [],
      cc: [],
      message_id: `<${emailId}@mail.example.com>`,
      subject: "Do you ship to Canada?",
      attachments: [
        { id: "2a0c9ce0-3112-4728-976e-47ddcd16a318", filename: "avatar.png", content_type: "image/png", content_disposition: "inline", content_id: "img001" },
      ],
      ...overrides,
    },
  };
}

/** Resend's documented `GET /emails/receiving/{id}` answer. */
function receivedEmail(emailId: string, body: { text: string | null; html: string | null }, headers: Record<string, string> = {}) {
  return {
    id: emailId,
    to: [MAILBOX],
    from: "Ann Lee <ann@example.com>",
    created_at: "2026-02-22T23:41:11.894719+00:00",
    subject: "Do you ship to Canada?",
    bcc: null,
    cc: null,
    reply_to: null,
    received_for: [MAILBOX],
    message_id: `<${emailId}@mail.example.com>`,
    headers,
    raw: null,
    attachments: [
      { id: "2a0c9ce0", filename: "avatar.png", size: 4096, content_type: "image/png", content_id: "img001", content_disposition: "inline" },
      { id: "3b1d", filename: "invoice.pdf", size: 24576, content_type: "application/pdf", content_id: null, content_disposition: "attachment" },
    ],
    ...body,
  };
}

async function shop(t: TestConvex) {
  const user = await signedInUser(t);
  await user.as.mutation(api.senders.create, { channel: "email", address: MAILBOX, provider: "resend" });
  return user;
}

async function post(t: TestConvex, event: unknown, id?: string) {
  return await t.fetch("/webhooks/resend", resendRequest(SVIX_SECRET, event, id));
}

/**
 * Run scheduled work (fetch retries wait up to minutes). Fake time moves in 5 s steps, not all at
 * once: undici arms a connect timeout on a fake timer while a real socket opens.
 */
async function settle(t: TestConvex) {
  await t.finishAllScheduledFunctions(() => vi.advanceTimersByTime(5000), 200);
}

async function onlyEmail(t: TestConvex, as: Awaited<ReturnType<typeof shop>>["as"]) {
  const [convo] = (await as.query(api.inbox.conversations, { paginationOpts: { numItems: 5, cursor: null } })).page;
  const thread = (await as.query(api.messages.thread, { contactId: convo._id, paginationOpts: { numItems: 5, cursor: null } })).page;
  expect(thread).toHaveLength(1);
  return { convo, message: thread[0], body: await as.query(api.emailBodies.get, { messageId: thread[0]._id as Id<"messages"> }) };
}

describe("inbound email from Resend", { timeout: 30_000 }, () => {
  it("fetches text, HTML and attachments from the Receiving API; replays store it once", async () => {
    const t = setup();
    const { as } = await shop(t);
    server.receivedEmails.set(
      "em_1",
      receivedEmail("em_1", { text: "Hello,\nDo you ship to Canada?", html: '<p>Hello,</p><p>Do you ship to <b>Canada</b>?</p><img src="cid:img001">' }, {
        References: "<earlier@mail.example.com>",
      }),
    );
    for (let i = 0; i < 3; i++) expect((await post(t, receivedEvent("em_1"), "msg_em_1")).status).toBe(200);
    expect((await post(t, receivedEvent("em_1"), "msg_em_1_again")).status).toBe(200); // same email, another event id
    await settle(t);
    const { convo, message, body } = await onlyEmail(t, as);
    expect(convo).toMatchObject({ name: "Ann Lee", email: "ann@example.com", unreadCount: 1 });
    expect(message).toMatchObject({ direction: "inbound", subject: "Do you ship to Canada?", content: "Hello,\nDo you ship to Canada?", providerMessageId: "em_1" });
    expect(body).toEqual({
      html: '<p>Hello,</p><p>Do you ship to <b>Canada</b>?</p><img src="cid:img001">',
      htmlUrl: null,
      fullTextUrl: null,
      fetchError: null,
      attachments: [
        { filename: "avatar.png", contentType: "image/png", size: 4096, contentId: "img001", inline: true },
        { filename: "invoice.pdf", contentType: "application/pdf", size: 24576, inline: false },
      ],
    });
    // The SDK asked for inline images as cid: references, not as megabytes of data: URIs.
    expect(server.lookups.filter((l) => l.startsWith("GET /emails/receiving/em_1"))[0]).toContain("html_format=cid");
    const stored = await t.run(async (ctx) => await ctx.db.query("emailBodies").collect());
    expect(stored.map((b) => [b.emailMessageId, b.references])).toEqual([["<em_1@mail.example.com>", "<earlier@mail.example.com> <em_1@mail.example.com>"]]);
  });

  it("uses the HTML's text when an email has no text part", async () => {
    const t = setup();
    const { as } = await shop(t);
    server.receivedEmails.set("em_2", receivedEmail("em_2", { text: null, html: "<div>Order <b>#42</b> &amp; more<br>Thanks</div><script>x()</script>" }));
    await post(t, receivedEvent("em_2"));
    await settle(t);
    expect((await onlyEmail(t, as)).message.content).toBe("Order #42 & more\nThanks");
  });

  it("retries a Resend outage, and stores the email with a visible note rather than lose it", async () => {
    const t = setup();
    const { as } = await shop(t);
    server.receivingFailures = 2;
    server.receivedEmails.set("em_3", receivedEmail("em_3", { text: "after the outage", html: null }));
    await post(t, receivedEvent("em_3"));
    await settle(t);
    expect((await onlyEmail(t, as)).message.content).toBe("after the outage");
    expect(server.lookups.filter((l) => l.startsWith("GET /emails/receiving/em_3"))).toHaveLength(3);

    const t2 = setup();
    const other = await shop(t2);
    await post(t2, receivedEvent("em_gone")); // Resend no longer has it: 404 is not worth retrying
    await settle(t2);
    const gone = await onlyEmail(t2, other.as);
    expect(gone.message.content).toMatch(/^\[The body of this email could not be fetched: Resend answered 404/);
    expect(gone.body).toMatchObject({ fetchError: expect.stringContaining("404"), attachments: [{ filename: "avatar.png" }] });
  });

  it("keeps huge bodies within Convex's 1 MiB document limit: text cut visibly, the rest in file storage", async () => {
    const t = setup();
    const { as } = await shop(t);
    const text = "€".repeat(500_000); // 1.5 MB of UTF-8
    const html = `<p>${"ü".repeat(600_000)}</p>`; // 1.2 MB
    server.receivedEmails.set("em_big", receivedEmail("em_big", { text, html }));
    await post(t, receivedEvent("em_big"));
    await settle(t);
    const { message, body } = await onlyEmail(t, as);
    expect(message.content.startsWith("€".repeat(MAX_INBOUND_TEXT))).toBe(true);
    expect(message.content.length).toBeLessThan(MAX_INBOUND_TEXT + 200);
    expect(message.content).toMatch(/\[This email is longer than 50,000 characters \(1465 KB\); the rest is in its full text\.\]$/);
    expect(body).toMatchObject({ html: null, htmlUrl: expect.any(String), fullTextUrl: expect.any(String) });
    const files = await t.run(async (ctx) => {
      const [b] = await ctx.db.query("emailBodies").collect();
      return [await (await ctx.storage.get(b.textStorageId!))!.text(), await (await ctx.storage.get(b.htmlStorageId!))!.text()];
    });
    expect(files).toEqual([text, html]);
    // Removing the contact removes the files too.
    await as.mutation(api.contacts.remove, { contactId: message.contactId });
    await settle(t);
    expect(await t.run(async (ctx) => [(await ctx.db.query("emailBodies").collect()).length, (await ctx.db.system.query("_storage").collect()).length])).toEqual([0, 0]);
  });

  it("answers in the sender's thread: a reply carries In-Reply-To and References", async () => {
    const t = setup();
    const { as } = await shop(t);
    server.receivedEmails.set("em_4", receivedEmail("em_4", { text: "Where is my order?", html: null }, { references: "<a@x.example> <b@x.example>" }));
    await post(t, receivedEvent("em_4"));
    await settle(t);
    const { message } = await onlyEmail(t, as);
    await as.mutation(api.messages.send, { contactId: message.contactId, channel: "email", subject: "Re: Do you ship to Canada?", content: "On its way." });
    await settle(t);
    const sent = server.accepted("resend");
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({
      to: ["ann@example.com"],
      headers: { "In-Reply-To": "<em_4@mail.example.com>", References: "<a@x.example> <b@x.example> <em_4@mail.example.com>" },
    });
  });
});
