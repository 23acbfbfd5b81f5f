// @vitest-environment node
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeProviderServer } from "../tests/fakes/providerServer";
import { api } from "./_generated/api";
import { code, setup, signedInUser, userWithSenders } from "./test.setup";

afterEach(() => vi.unstubAllEnvs());

/** Twilio credentials pointing the SDK at the local fake. */
function twilioEnv(server: FakeProviderServer) {
  vi.stubEnv("TWILIO_ACCOUNT_SID", server.twilioAccount.accountSid);
  vi.stubEnv("TWILIO_AUTH_TOKEN", "token");
  vi.stubEnv("TWILIO_API_BASE_URL", server.url);
}

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
    const server = await new FakeProviderServer().start();
    try {
      twilioEnv(server);
      server.twilioAccount.numbers.add("+14155550100").add("+14155550101");
      server.twilioAccount.services.set("MG" + "a".repeat(32), server.twilioAccount.accountSid);
      const t = setup();
      const { as } = await signedInUser(t);
      const first = await as.action(api.twilioSenders.create, { channel: "sms", address: "(415) 555-0100" });
      const second = await as.action(api.twilioSenders.create, {
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

      await expect(as.action(api.twilioSenders.create, { channel: "sms", address: "+14155550100" })).rejects.toMatchObject(code("DUPLICATE_SENDER"));
      const other = await signedInUser(t, "other@x.com");
      await expect(other.as.action(api.twilioSenders.create, { channel: "sms", address: "+14155550100" })).rejects.toMatchObject(code("DUPLICATE_SENDER"));
      await expect(as.action(api.twilioSenders.create, { channel: "sms", address: "12" })).rejects.toMatchObject(code("INVALID_PHONE"));
      await expect(as.mutation(api.senders.create, { channel: "email", address: "x@y.co", provider: "twilio" })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
      await expect(as.mutation(api.senders.update, { senderId: first, ratePerSecond: 0 })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
      await expect(as.mutation(api.senders.update, { senderId: first, messagingServiceSid: "nope" })).rejects.toMatchObject(code("INVALID_ARGUMENT"));

      await as.mutation(api.senders.remove, { senderId: second });
      expect((await as.query(api.senders.list, {})).senders.map((s) => [s._id, s.isDefault])).toEqual([[first, true]]);
    } finally {
      await server.stop();
    }
  });

  it("adds a Twilio number or Messaging Service only when Twilio says the account owns it", async () => {
    const server = await new FakeProviderServer().start();
    try {
      twilioEnv(server);
      const account = server.twilioAccount;
      account.numbers.add("+14155550100");
      account.whatsappSenders.add("+14155550177");
      account.services.set("MG" + "a".repeat(32), account.accountSid);
      account.services.set("MG" + "b".repeat(32), "AC" + "9".repeat(32)); // another Twilio account's service
      const t = setup();
      const { as } = await signedInUser(t);
      const refused = (field: string) => ({ data: { code: "INVALID_ARGUMENT", details: { field } } });

      // Not the account's number or service: refused on the field, nothing stored.
      await expect(as.action(api.twilioSenders.create, { channel: "sms", address: "+14155550199" })).rejects.toMatchObject(refused("address"));
      await expect(
        as.action(api.twilioSenders.create, { channel: "sms", address: "+14155550100", messagingServiceSid: "MG" + "b".repeat(32) }),
      ).rejects.toMatchObject(refused("messagingServiceSid"));
      await expect(
        as.action(api.twilioSenders.create, { channel: "sms", address: "+14155550100", messagingServiceSid: "MG" + "c".repeat(32) }),
      ).rejects.toMatchObject(refused("messagingServiceSid"));
      expect((await as.query(api.senders.list, {})).senders).toEqual([]);
      // The mutations cannot skip the check while Twilio is configured.
      await expect(as.mutation(api.senders.create, { channel: "sms", address: "+14155550199" })).rejects.toMatchObject(code("INVALID_STATE"));

      // The account's own number (SMS), WhatsApp sender and service go in.
      const sms = await as.action(api.twilioSenders.create, { channel: "sms", address: "+14155550100" });
      await as.action(api.twilioSenders.create, { channel: "whatsapp", address: "+14155550177" });
      await expect(as.mutation(api.senders.update, { senderId: sms, messagingServiceSid: "MG" + "a".repeat(32) })).rejects.toMatchObject(code("INVALID_STATE"));
      await expect(as.action(api.twilioSenders.update, { senderId: sms, messagingServiceSid: "MG" + "b".repeat(32) })).rejects.toMatchObject(
        refused("messagingServiceSid"),
      );
      await as.action(api.twilioSenders.update, { senderId: sms, messagingServiceSid: "MG" + "a".repeat(32) });
      await as.mutation(api.senders.update, { senderId: sms, label: "Shop", messagingServiceSid: null });
      const list = (await as.query(api.senders.list, {})).senders;
      expect(list.map((s) => [s.channel, s.address, s.label ?? null])).toEqual([
        ["sms", "+14155550100", "Shop"],
        ["whatsapp", "+14155550177", null],
      ]);
      expect(server.lookups.some((l) => l.includes("PhoneNumber=%2B14155550100"))).toBe(true);
      expect(server.lookups.some((l) => l.startsWith(`GET /v1/Services/MG${"b".repeat(32)}`))).toBe(true);
      expect(server.lookups.some((l) => l.startsWith("GET /v2/Channels/Senders"))).toBe(true);

      // Wrong credentials: a clear state error, not a 500 or a stored sender.
      vi.stubEnv("TWILIO_ACCOUNT_SID", "AC" + "7".repeat(32));
      await expect(as.action(api.twilioSenders.create, { channel: "sms", address: "+14155550188" })).rejects.toMatchObject({
        data: { code: "INVALID_STATE", message: expect.stringContaining("credentials") },
      });
    } finally {
      await server.stop();
    }
  });

  it("gives a number, WhatsApp number, Messaging Service or email address to one account only", async () => {
    const t = setup();
    const a = await userWithSenders(t, "a@x.com");
    const b = await userWithSenders(t, "b@x.com");
    const sid = "MG" + "d".repeat(32);
    const [aSms, , aEmail] = (await a.as.query(api.senders.list, {})).senders;
    await a.as.mutation(api.senders.update, { senderId: aSms._id, messagingServiceSid: sid });
    const bSms = (await b.as.query(api.senders.list, {})).senders[0];
    const taken = (field: string) => ({ data: { code: "DUPLICATE_SENDER", details: { field } } });

    await expect(b.as.mutation(api.senders.create, { channel: "sms", address: "+14155550142", provider: "simulator", messagingServiceSid: sid })).rejects.toMatchObject(
      taken("messagingServiceSid"),
    );
    await expect(b.as.mutation(api.senders.update, { senderId: bSms._id, messagingServiceSid: sid })).rejects.toMatchObject(taken("messagingServiceSid"));
    // A's SMS number is A's on WhatsApp too (inbound falls back from one phone channel to the other).
    await expect(b.as.mutation(api.senders.create, { channel: "whatsapp", address: aSms.address, provider: "simulator" })).rejects.toMatchObject(taken("address"));
    await expect(b.as.mutation(api.senders.create, { channel: "sms", address: aSms.address, provider: "simulator" })).rejects.toMatchObject(taken("address"));
    await expect(b.as.mutation(api.senders.create, { channel: "email", address: aEmail.address, provider: "simulator" })).rejects.toMatchObject(taken("address"));
    // Its owner may use the number on both phone channels, and the service on several senders.
    await a.as.mutation(api.senders.create, { channel: "sms", address: "+14155550143", provider: "simulator", messagingServiceSid: sid });
    const mine = (await a.as.query(api.senders.list, {})).senders;
    expect(mine.filter((s) => s.messagingServiceSid === sid)).toHaveLength(2);
    expect((await b.as.query(api.senders.list, {})).senders.some((s) => s.messagingServiceSid === sid)).toBe(false);
  });

  it("sends through the real Twilio SDK to the configured base URL, with a status callback carrying our id", async () => {
    const server = await new FakeProviderServer().start();
    try {
      twilioEnv(server);
      server.twilioAccount.numbers.add("+14155550100");
      vi.stubEnv("CONVEX_SITE_URL", "https://site.example");
      const t = setup();
      const { as } = await signedInUser(t);
      await as.action(api.twilioSenders.create, { channel: "sms", address: "+14155550100" });
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
