// @vitest-environment node
/** The real Twilio and Resend SDK code, against a local fake of their HTTP APIs. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeProviderServer } from "../../tests/fakes/providerServer";
import { createSender } from "./factory";
import { SimulatorSender } from "./simulator";
import { ChannelError, defaultProvider, type OutboundMessage } from "./types";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await new FakeProviderServer().start();
});
afterAll(async () => await server.stop());
beforeEach(() => {
  server.received.length = 0;
});

const config = () => ({
  twilio: { accountSid: "AC" + "1".repeat(32), authToken: "secret", baseUrl: server.url },
  resend: { apiKey: "re_test", baseUrl: server.url },
  timeoutMs: 500,
});
const sms: OutboundMessage = {
  id: "m1",
  channel: "sms",
  to: "+14155550123",
  from: "+14155550100",
  content: "Hello",
  mediaUrls: ["https://example.com/a.png"],
  statusCallbackUrl: "https://site.example/webhooks/twilio/status?m=m1",
};

async function failure(p: Promise<unknown>): Promise<ChannelError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof ChannelError) return error;
    throw error;
  }
  throw new Error("expected a ChannelError");
}

describe("factory", () => {
  it("picks the real provider when configured, else the simulator", () => {
    expect(defaultProvider("sms", config())).toBe("twilio");
    expect(defaultProvider("email", config())).toBe("resend");
    expect(defaultProvider("whatsapp", { timeoutMs: 1 } as never)).toBe("simulator");
    expect(createSender("email", "simulator", config())).toBeInstanceOf(SimulatorSender);
    expect(() => createSender("sms", "resend", config())).toThrow(ChannelError);
    expect(() => createSender("sms", "twilio", { timeoutMs: 1 })).toThrow(/credentials/);
  });
});

describe("Twilio sender (SDK)", () => {
  it("sends SMS with media and a status callback, authenticated", async () => {
    const result = await createSender("sms", "twilio", config()).send(sms);
    expect(result.providerMessageId).toMatch(/^SM/);
    const [req] = server.received;
    expect(req.path).toBe(`/2010-04-01/Accounts/AC${"1".repeat(32)}/Messages.json`);
    expect(req.body).toMatchObject({ To: "+14155550123", From: "+14155550100", Body: "Hello", MediaUrl: "https://example.com/a.png", StatusCallback: sms.statusCallbackUrl });
    expect(Buffer.from(req.auth!.replace("Basic ", ""), "base64").toString()).toBe(`AC${"1".repeat(32)}:secret`);
  });

  it("addresses WhatsApp with the whatsapp: prefix, or sends from a Messaging Service", async () => {
    await createSender("whatsapp", "twilio", config()).send({ ...sms, channel: "whatsapp", mediaUrls: undefined });
    await createSender("sms", "twilio", config()).send({ ...sms, messagingServiceSid: "MG" + "2".repeat(32) });
    expect(server.received[0].body).toMatchObject({ To: "whatsapp:+14155550123", From: "whatsapp:+14155550100" });
    expect(server.received[1].body).toMatchObject({ MessagingServiceSid: "MG" + "2".repeat(32) });
    expect(server.received[1].body.From).toBeUndefined();
  });

  it("classifies errors: invalid number permanent, 429/5xx transient, no answer unknown", async () => {
    const sender = createSender("sms", "twilio", config());
    server.script({ kind: "status", status: 400, twilioCode: 21211 });
    expect(await failure(sender.send(sms))).toMatchObject({ code: "TWILIO_21211", permanent: true, message: "The phone number is not valid" });
    server.script({ kind: "status", status: 429, twilioCode: 20429 });
    expect(await failure(sender.send(sms))).toMatchObject({ code: "TWILIO_20429", permanent: false });
    server.script({ kind: "status", status: 503 });
    expect(await failure(sender.send(sms))).toMatchObject({ permanent: false, outcomeUnknown: false });
    server.script({ kind: "status", status: 400, twilioCode: 63016 });
    expect(await failure(sender.send(sms))).toMatchObject({ code: "TWILIO_63016", permanent: true });
    server.script({ kind: "hang" });
    expect(await failure(sender.send(sms))).toMatchObject({ code: "PROVIDER_TIMEOUT", permanent: false, outcomeUnknown: true });
  });

  it("reports an unreachable provider as transient with a known outcome", async () => {
    const down = createSender("sms", "twilio", { ...config(), twilio: { ...config().twilio, baseUrl: "http://127.0.0.1:9" } });
    expect(await failure(down.send(sms))).toMatchObject({ code: "PROVIDER_UNREACHABLE", outcomeUnknown: false });
  });
});

describe("Resend sender (SDK)", () => {
  const email: OutboundMessage = { id: "m9", channel: "email", to: "ann@x.com", from: "shop@x.com", subject: "Order", content: "Ready\n\nThanks <3", replyTo: "help@x.com" };

  it("sends subject, text and HTML with our message id as idempotency key; a retry is deduplicated", async () => {
    const sender = createSender("email", "resend", config());
    const first = await sender.send(email);
    const second = await sender.send(email);
    expect(second.providerMessageId).toBe(first.providerMessageId);
    expect(server.accepted("resend")).toHaveLength(1);
    const [req] = server.received;
    expect(req.idempotencyKey).toBe("message-m9");
    expect(req.auth).toBe("Bearer re_test");
    expect(req.body).toMatchObject({ from: "shop@x.com", to: ["ann@x.com"], subject: "Order", text: "Ready\n\nThanks <3", reply_to: "help@x.com" });
    expect(req.body.html).toBe("<p>Ready</p>\n<p>Thanks &lt;3</p>");
  });

  it("a retry after a timeout is the same email (the provider keeps the idempotency key)", async () => {
    const sender = createSender("email", "resend", config());
    server.script({ kind: "hang" });
    expect(await failure(sender.send({ ...email, id: "m-hang" }))).toMatchObject({ code: "PROVIDER_TIMEOUT" });
    await sender.send({ ...email, id: "m-hang" });
    expect(server.received).toHaveLength(2);
    expect(server.accepted("resend")).toHaveLength(1);
  });

  it("classifies errors and honours Retry-After", async () => {
    const sender = createSender("email", "resend", config());
    server.script({ kind: "status", status: 422, resendName: "validation_error" });
    expect(await failure(sender.send(email))).toMatchObject({ code: "RESEND_validation_error", permanent: true });
    server.script({ kind: "status", status: 429, resendName: "rate_limit_exceeded", retryAfterSeconds: 3 });
    expect(await failure(sender.send(email))).toMatchObject({ permanent: false, retryAfterMs: 3000 });
    server.script({ kind: "hang" });
    expect(await failure(sender.send(email))).toMatchObject({ code: "PROVIDER_TIMEOUT", permanent: false });
  });
});

describe("simulator", () => {
  it("refuses sends past its rate limit per sending address, like Twilio's 20429", async () => {
    const sender = new SimulatorSender("sms", 8); // burst: 2 (a quarter second's worth)
    const send = (from: string) => sender.send({ ...sms, from, id: String(Math.random()) });
    await expect(send("+14155550001")).resolves.toMatchObject({ providerMessageId: expect.stringMatching(/^SM/) });
    await expect(send("+14155550001")).resolves.toBeTruthy();
    expect(await failure(send("+14155550001"))).toMatchObject({ code: "TWILIO_20429", permanent: false });
    await expect(send("+14155550002")).resolves.toBeTruthy(); // another sender has its own bucket
    await new Promise((r) => setTimeout(r, 150)); // 8/s refills one in 125 ms
    await expect(send("+14155550001")).resolves.toBeTruthy();
  });

  it("refuses numbers ending in 0000 as invalid", async () => {
    expect(await failure(new SimulatorSender("sms").send({ ...sms, to: "+14155550000" }))).toMatchObject({ code: "TWILIO_21211", permanent: true });
  });
});
