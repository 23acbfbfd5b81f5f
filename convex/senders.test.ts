// @vitest-environment node
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeProviderServer } from "../tests/fakes/providerServer";
import { api } from "./_generated/api";
import { code, setup, signedInUser, userWithSenders } from "./test.setup";

afterEach(() => vi.unstubAllEnvs());

describe("sender identities", () => {
  it("gives a new account simulator senders on every channel, with webhook URLs to paste", async () => {
    vi.stubEnv("CONVEX_SITE_URL", "https://happy-otter-123.convex.site");
    const t = setup();
    const { as } = await userWithSenders(t);
    const { senders, configured, webhooks } = await as.query(api.senders.list, {});
    expect(senders.map((s) => [s.channel, s.provider, s.isDefault, s.ratePerSecond])).toEqual([
      ["sms", "simulator", true, 200],
      ["whatsapp", "simulator", true, 200],
      ["email", "simulator", true, 200],
    ]);
    expect(senders[0].address).toMatch(/^\+1\d{3}555\d{4}$/);
    expect(senders[1].address).toBe(senders[0].address);
    expect(senders[2].address).toMatch(/@simulator\.test$/);
    expect(configured).toEqual({ twilio: false, resend: false });
    expect(webhooks.twilioInbound).toBe("https://happy-otter-123.convex.site/webhooks/twilio/inbound");
  });

  it("adds real senders (validated, unique, becoming the default) when credentials are set", async () => {
    vi.stubEnv("TWILIO_ACCOUNT_SID", "AC" + "1".repeat(32));
    vi.stubEnv("TWILIO_AUTH_TOKEN", "token");
    const t = setup();
    const { as } = await signedInUser(t);
    const first = await as.mutation(api.senders.create, { channel: "sms", address: "(415) 555-0100" });
    const second = await as.mutation(api.senders.create, {
      channel: "sms",
      address: "+14155550101",
      messagingServiceSid: "MG" + "a".repeat(32),
      ratePerSecond: 10,
    });
    const { senders, configured } = await as.query(api.senders.list, {});
    expect(configured.twilio).toBe(true);
    expect(senders.map((s) => [s.address, s.provider, s.isDefault, s.ratePerSecond])).toEqual([
      ["+14155550100", "twilio", true, 1],
      ["+14155550101", "twilio", false, 10],
    ]);
    await as.mutation(api.senders.setDefault, { senderId: second });
    expect((await as.query(api.senders.list, {})).senders.map((s) => s.isDefault)).toEqual([false, true]);

    await expect(as.mutation(api.senders.create, { channel: "sms", address: "+14155550100" })).rejects.toMatchObject(code("DUPLICATE_SENDER"));
    const other = await signedInUser(t, "other@x.com");
    await expect(other.as.mutation(api.senders.create, { channel: "sms", address: "+14155550100" })).rejects.toMatchObject(code("DUPLICATE_SENDER"));
    await expect(as.mutation(api.senders.create, { channel: "sms", address: "12" })).rejects.toMatchObject(code("INVALID_PHONE"));
    await expect(as.mutation(api.senders.create, { channel: "email", address: "x@y.co", provider: "twilio" })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
    await expect(as.mutation(api.senders.update, { senderId: first, ratePerSecond: 0 })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
    await expect(as.mutation(api.senders.update, { senderId: first, messagingServiceSid: "nope" })).rejects.toMatchObject(code("INVALID_ARGUMENT"));

    await as.mutation(api.senders.remove, { senderId: second });
    expect((await as.query(api.senders.list, {})).senders.map((s) => [s._id, s.isDefault])).toEqual([[first, true]]);
  });

  it("sends through the real Twilio SDK to the configured base URL, with a status callback carrying our id", async () => {
    const server = await new FakeProviderServer().start();
    try {
      vi.stubEnv("TWILIO_ACCOUNT_SID", "AC" + "1".repeat(32));
      vi.stubEnv("TWILIO_AUTH_TOKEN", "token");
      vi.stubEnv("TWILIO_API_BASE_URL", server.url);
      vi.stubEnv("CONVEX_SITE_URL", "https://site.example");
      const t = setup();
      const { as } = await signedInUser(t);
      await as.mutation(api.senders.create, { channel: "sms", address: "+14155550100" });
      const contactId = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123" });
      const id = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "via twilio" });
      await t.finishAllScheduledFunctions(() => {});
      const m = await as.query(api.messages.get, { messageId: id });
      expect(m).toMatchObject({ status: "sent", provider: "twilio", providerMessageId: server.accepted()[0].id });
      expect(server.accepted()).toHaveLength(1);
      expect(server.received[0].body).toMatchObject({
        To: "+14155550123",
        From: "+14155550100",
        Body: "via twilio",
        StatusCallback: `https://site.example/webhooks/twilio/status?m=${id}`,
      });
    } finally {
      await server.stop();
    }
  });
});
