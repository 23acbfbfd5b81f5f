// @vitest-environment node
/** WhatsApp templates through the real Twilio SDK, against the local fake of Twilio's Messages and Content APIs. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeProviderServer } from "../../tests/fakes/providerServer";
import { readContentTemplate, SIMULATOR_CONTENT } from "./contentTemplates";
import { createSender } from "./factory";
import { listContentTemplates } from "./twilioContent";
import { ChannelError, type OutboundMessage } from "./types";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await new FakeProviderServer().start();
});
afterAll(async () => await server.stop());
beforeEach(() => {
  server.received.length = 0;
});

const twilio = () => ({ accountSid: "AC" + "1".repeat(32), authToken: "secret", baseUrl: server.url, timeoutMs: 2000 });
const orderReady = SIMULATOR_CONTENT[0];
const template: OutboundMessage = {
  id: "m1",
  channel: "whatsapp",
  to: "+14155550123",
  from: "+14155550100",
  content: "Hi Ann, your order A-17 is ready for pickup.",
  contentSid: orderReady.sid,
  contentVariables: JSON.stringify({ "1": "Ann", "2": "A-17" }),
};

describe("Twilio Content API", () => {
  it("lists the account's templates with their WhatsApp approval (ContentAndApprovals)", async () => {
    const templates = await listContentTemplates(twilio());
    expect(server.lookups.some((l) => l.startsWith("GET /v1/ContentAndApprovals?PageSize=500"))).toBe(true);
    expect(templates.map((t) => [t.name, t.status])).toEqual([
      ["order_ready", "approved"],
      ["follow_up", "approved"],
      ["spring_sale", "rejected"],
      ["appointment_reminder", "pending"],
    ]);
    expect(templates[0]).toMatchObject({
      contentSid: orderReady.sid,
      language: "en",
      body: "Hi {{1}}, your order {{2}} is ready for pickup.",
      samples: { "1": "first_name", "2": "order_number" },
      category: "UTILITY",
    });
    expect(templates[2].rejectionReason).toMatch(/sample/);
    await expect(listContentTemplates({ ...twilio(), accountSid: "AC" + "9".repeat(32) })).rejects.toMatchObject({ status: 401 });
  });

  it("reads other content types and a template without an approval request", () => {
    const t = readContentTemplate({
      sid: "HX" + "e".repeat(32),
      friendly_name: "",
      language: "fr",
      variables: null,
      types: { "twilio/card": { title: "Bonjour {{1}}" }, "twilio/quick-reply": { body: "Salut {{1}} {{3}}", actions: [] } },
      approval_requests: null,
    });
    expect(t).toEqual({ contentSid: "HX" + "e".repeat(32), name: "HX" + "e".repeat(32), language: "fr", body: "Salut {{1}} {{3}}", samples: { "1": "", "3": "" }, status: "unsubmitted" });
  });

  it("sends a template with ContentSid and ContentVariables instead of a body", async () => {
    const result = await createSender("whatsapp", "twilio", { twilio: twilio(), timeoutMs: 2000 }).send(template);
    expect(result.providerMessageId).toMatch(/^SM/);
    const body = server.received[0].body;
    expect(body).toMatchObject({ To: "whatsapp:+14155550123", From: "whatsapp:+14155550100", ContentSid: orderReady.sid, ContentVariables: '{"1":"Ann","2":"A-17"}' });
    expect(body.Body).toBeUndefined();
  });

  it("a ContentSid the account does not have is refused for good", async () => {
    const error = await createSender("whatsapp", "twilio", { twilio: twilio(), timeoutMs: 2000 })
      .send({ ...template, contentSid: "HX" + "0".repeat(32) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ code: "TWILIO_21655", permanent: true });
  });
});
