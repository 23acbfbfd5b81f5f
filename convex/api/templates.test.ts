// @vitest-environment node
/** REST API: /templates, /whatsapp-templates, and templates on POST /messages and /broadcasts. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../_generated/api";
import { setup, type TestConvex } from "../test.setup";
import * as s from "./schemas";
import { apiUser, call, expectError } from "./test.helpers";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const settle = (t: TestConvex) => t.finishAllScheduledFunctions(vi.runAllTimers, 1000);

describe("REST API: templates", () => {
  it("creates, lists, searches, updates and deletes templates; unknown merge fields are a 400", async () => {
    const t = setup();
    const { key } = await apiUser(t);
    const created = await call(t, "POST", "/templates", { key, body: { name: "Pickup", channel: "sms", content: "Hi {{firstName|there}}, order {{var.orderId}} is ready." } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(s.Template.parse(created.body)).toMatchObject({ name: "Pickup", channel: "sms", variables: ["firstName", "var.orderId"], subject: null });
    expect((await call(t, "POST", "/templates", { key, body: { name: "Any", content: "Hello {{name}}" } })).body.channel).toBeNull();

    const bad = await call(t, "POST", "/templates", { key, body: { name: "Bad", content: "Hi {{company}}" } });
    expectError(bad, 400, "TEMPLATE_VARIABLE_UNKNOWN");
    expect(bad.body.error.details).toMatchObject({ variable: "company" });
    expectError(await call(t, "POST", "/templates", { key, body: { name: "pickup", content: "x" } }), 409, "DUPLICATE_NAME");

    const list = await call(t, "GET", "/templates?search=order", { key });
    expect(s.TemplateList.parse(list.body).data.map((x) => x.name)).toEqual(["Pickup"]);
    const patched = await call(t, "PATCH", `/templates/${created.body.id}`, { key, body: { name: "Pick-up" } });
    expect(patched.body.name).toBe("Pick-up");
    expect((await call(t, "GET", `/templates/${created.body.id}`, { key })).body.name).toBe("Pick-up");
    expect((await call(t, "DELETE", `/templates/${created.body.id}`, { key })).status).toBe(204);
    expectError(await call(t, "GET", `/templates/${created.body.id}`, { key }), 404, "NOT_FOUND");
  });

  it("sends a template with variables on POST /messages; a field empty without fallback is a 422", async () => {
    const t = setup();
    const { key } = await apiUser(t);
    const template = (await call(t, "POST", "/templates", { key, body: { name: "Pickup", content: "Hi {{firstName|there}}, order {{var.orderId}} is ready." } })).body;
    const sent = await call(t, "POST", "/messages", {
      key,
      body: { phone: "+14155550123", name: "Ann Lee", channel: "sms", templateId: template.id, variables: { "var.orderId": "A-17" } },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body.content).toBe("Hi Ann, order A-17 is ready.");

    const missing = await call(t, "POST", "/messages", { key, body: { phone: "+14155550123", channel: "sms", templateId: template.id } });
    expectError(missing, 422, "TEMPLATE_VARIABLE_MISSING");
    expect(missing.body.error.details.variable).toBe("var.orderId");
    expectError(await call(t, "POST", "/messages", { key, body: { phone: "+14155550123", channel: "sms", content: "Hi {{nick}}" } }), 400, "TEMPLATE_VARIABLE_UNKNOWN");
    // One source of text.
    expectError(
      await call(t, "POST", "/messages", { key, body: { phone: "+14155550123", channel: "sms", content: "x", templateId: template.id } }),
      400,
      "INVALID_ARGUMENT",
    );
    expectError(await call(t, "POST", "/messages", { key, body: { phone: "+14155550123", channel: "sms" } }), 400, "INVALID_ARGUMENT");
    expectError(await call(t, "POST", "/messages", { key, body: { phone: "+14155550123", channel: "sms", templateId: "nope" } }), 404, "NOT_FOUND");
  });

  it("broadcasts a template and reports the skipped recipient; sends an approved WhatsApp template outside the window", async () => {
    const t = setup();
    const { key, as } = await apiUser(t);
    const ann = (await call(t, "POST", "/contacts", { key, body: { name: "Ann Lee", phone: "+14155550101" } })).body.id;
    const anon = (await call(t, "POST", "/contacts", { key, body: { name: "+1 415 555 0102", phone: "+14155550102" } })).body.id;
    const group = (await call(t, "POST", "/groups", { key, body: { name: "All" } })).body.id;
    await call(t, "POST", `/groups/${group}/members`, { key, body: { contactIds: [ann, anon] } });
    const template = (await call(t, "POST", "/templates", { key, body: { name: "Hello", content: "Hello {{firstName}}!" } })).body;
    const b = await call(t, "POST", "/broadcasts", { key, body: { groupId: group, channel: "sms", templateId: template.id } });
    expect(b.status, JSON.stringify(b.body)).toBe(202);
    await settle(t);
    const done = s.Broadcast.parse((await call(t, "GET", `/broadcasts/${b.body.id}`, { key })).body);
    expect(done).toMatchObject({ status: "completed", templateId: template.id, skipped: { missingVariable: 1 }, counts: { total: 2, delivered: 1 } });
    expect(done.skippedSamples).toEqual([{ contactId: anon, name: "+1 415 555 0102", reason: expect.stringContaining("{{firstName}}") }]);

    await as.action(api.whatsappTemplateSync.sync, {});
    const wa = s.WhatsAppTemplateList.parse((await call(t, "GET", "/whatsapp-templates", { key })).body).data;
    const followUp = wa.find((x) => x.name === "follow_up")!;
    expect(followUp).toMatchObject({ status: "approved", placeholders: [{ key: "1", sample: "first_name", mapping: "firstName" }] });
    // Ann never wrote on WhatsApp: free text is refused, the approved template goes.
    expectError(await call(t, "POST", "/messages", { key, body: { contactId: ann, channel: "whatsapp", content: "Hi" } }), 422, "WHATSAPP_WINDOW_CLOSED");
    const rejected = wa.find((x) => x.status === "rejected")!;
    expectError(await call(t, "POST", "/messages", { key, body: { contactId: ann, channel: "whatsapp", whatsappTemplateId: rejected.id } }), 422, "TEMPLATE_NOT_APPROVED");
    expectError(await call(t, "POST", "/messages", { key, body: { contactId: ann, channel: "sms", whatsappTemplateId: followUp.id } }), 400, "INVALID_ARGUMENT");
    const sent = await call(t, "POST", "/messages", { key, body: { contactId: ann, channel: "whatsapp", whatsappTemplateId: followUp.id } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body.content).toBe("Hello Ann, we have an update for you. Reply to continue the conversation.");
  });
});
