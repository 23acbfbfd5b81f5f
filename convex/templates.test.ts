// @vitest-environment node
/** Templates and personalization: saving, rendering at send time, fallbacks, skip reasons, preview and cost. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeProvider } from "../tests/fakes/fakeProvider";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { code, setup, userWithSenders, type TestConvex } from "./test.setup";

let provider: FakeProvider;
beforeEach(() => {
  vi.useFakeTimers();
  provider = new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.useRealTimers();
});

const settle = (t: TestConvex) => t.finishAllScheduledFunctions(vi.runAllTimers, 1000);

async function account(t: TestConvex) {
  const user = await userWithSenders(t);
  await t.run(async (ctx) => ctx.db.patch("users", user.userId, { name: "Bob of Bikes" }));
  await user.as.mutation(api.customFields.create, { label: "Tier", type: "select", options: ["Gold", "Silver"] });
  return user;
}

type As = Awaited<ReturnType<typeof account>>["as"];
const contact = (as: As, name: string, extra: { phone?: string; email?: string; tier?: string } = {}) =>
  as.mutation(api.contacts.create, {
    name,
    phone: extra.phone ?? `+1415555${String(Math.floor(Math.random() * 9000) + 1000)}`,
    ...(extra.email ? { email: extra.email } : {}),
    ...(extra.tier ? { fields: { tier: extra.tier } } : {}),
  });

describe("templates", () => {
  it("are created, edited, searched and removed, each change in the audit log; unknown merge fields are refused", async () => {
    const t = setup();
    const { as } = await account(t);
    const id = await as.mutation(api.templates.create, { name: "Order ready", channel: "sms", content: "Hi {{firstName|there}}, your {{tier}} order is ready." });
    await as.mutation(api.templates.create, { name: "Welcome", channel: null, content: "Welcome {{name}}", subject: "Hello {{firstName}}" });
    expect((await as.query(api.templates.get, { templateId: id })).variables).toEqual(["firstName", "tier"]);

    await expect(
      as.mutation(api.templates.create, { name: "Bad", channel: "sms", content: "Hi {{company}} and {{firstname}}" }),
    ).rejects.toMatchObject({ data: { code: "TEMPLATE_VARIABLE_UNKNOWN", details: { variable: "company" } } });
    await expect(as.mutation(api.templates.update, { templateId: id, content: "{{coupon}}" })).rejects.toMatchObject(code("TEMPLATE_VARIABLE_UNKNOWN"));
    await expect(as.mutation(api.templates.create, { name: "order READY", channel: "sms", content: "x" })).rejects.toMatchObject(code("DUPLICATE_NAME"));
    await expect(as.mutation(api.templates.create, { name: "Mail", channel: "email", content: "x" })).rejects.toMatchObject(code("SUBJECT_REQUIRED"));
    await expect(as.mutation(api.templates.create, { name: "Sms subject", channel: "sms", content: "x", subject: "s" })).rejects.toMatchObject(code("INVALID_ARGUMENT"));

    await as.mutation(api.templates.update, { templateId: id, name: "Pickup", content: "Hi {{firstName|there}}, order {{var.orderId}} is ready." });
    expect((await as.query(api.templates.list, {})).map((x) => x.name)).toEqual(["Pickup", "Welcome"]);
    expect((await as.query(api.templates.list, { search: "pick" })).map((x) => x.name)).toEqual(["Pickup"]);
    // Usable on a channel: its own, or any.
    expect((await as.query(api.templates.list, { channel: "email" })).map((x) => x.name)).toEqual(["Welcome"]);
    await as.mutation(api.templates.remove, { templateId: id });
    await expect(as.query(api.templates.get, { templateId: id })).rejects.toMatchObject(code("NOT_FOUND"));

    const audit = await as.query(api.auditLog.list, { paginationOpts: { numItems: 20, cursor: null } });
    expect(audit.page.map((e) => e.action).filter((a) => a.startsWith("template."))).toEqual([
      "template.remove",
      "template.update",
      "template.create",
      "template.create",
    ]);
  });
});

describe("rendering at send time", () => {
  it("renders a single send with the contact's values and fallbacks; an empty field without fallback blocks it", async () => {
    const t = setup();
    const { as } = await account(t);
    const ann = await contact(as, "Ann Lee", { tier: "Gold" });
    const noName = await contact(as, "+1 415 555 0111");
    const templateId = await as.mutation(api.templates.create, { name: "Ready", channel: "sms", content: "Hi {{firstName|there}}, your {{tier|standard}} order is ready. — {{senderName}}" });

    const m1 = await as.mutation(api.messages.send, { contactId: ann, channel: "sms", content: "", templateId });
    const m2 = await as.mutation(api.messages.send, { contactId: noName, channel: "sms", content: "", templateId });
    expect((await as.query(api.messages.get, { messageId: m1 })).content).toBe("Hi Ann, your Gold order is ready. — Bob of Bikes");
    expect((await as.query(api.messages.get, { messageId: m2 })).content).toBe("Hi there, your standard order is ready. — Bob of Bikes");
    // Typed text gets merge fields too.
    const m3 = await as.mutation(api.messages.send, { contactId: ann, channel: "sms", content: "Code {{var.code}} for {{firstName}}", variables: [{ name: "var.code", value: "7731" }] });
    expect((await as.query(api.messages.get, { messageId: m3 })).content).toBe("Code 7731 for Ann");

    await expect(as.mutation(api.messages.send, { contactId: noName, channel: "sms", content: "Hi {{firstName}}" })).rejects.toMatchObject({
      data: { code: "TEMPLATE_VARIABLE_MISSING", details: { variable: "firstName" } },
    });
    await expect(as.mutation(api.messages.send, { contactId: ann, channel: "sms", content: "Hi {{nickname}}" })).rejects.toMatchObject(code("TEMPLATE_VARIABLE_UNKNOWN"));
    // A template for another channel is refused.
    const emailOnly = await as.mutation(api.templates.create, { name: "Mail", channel: "email", content: "x", subject: "y" });
    await expect(as.mutation(api.messages.send, { contactId: ann, channel: "sms", content: "", templateId: emailOnly })).rejects.toMatchObject(code("INVALID_ARGUMENT"));

    await settle(t);
    expect(provider.calls.map((c) => c.message.content)).toEqual([
      "Hi Ann, your Gold order is ready. — Bob of Bikes",
      "Hi there, your standard order is ready. — Bob of Bikes",
      "Code 7731 for Ann",
    ]);
  });

  it("renders a scheduled message when it goes out, with the contact's values then; a value emptied meanwhile fails it with the reason", async () => {
    const t = setup();
    const { as } = await account(t);
    const ann = await contact(as, "Ann Lee", { tier: "Gold" });
    const at = Date.now() + 3_600_000;
    const id = await as.mutation(api.messages.send, { contactId: ann, channel: "sms", content: "{{firstName}}: your tier is {{tier}}", scheduledAt: at });
    expect((await as.query(api.messages.get, { messageId: id })).content).toBe("Ann: your tier is Gold");
    const id2 = await as.mutation(api.messages.send, { contactId: ann, channel: "sms", content: "{{firstName}}, {{tier}}!", scheduledAt: at });

    // The contact changes while the message waits.
    await as.mutation(api.contacts.update, { contactId: ann, name: "Annie Lee", fields: { tier: "Silver" } });
    await settle(t);
    const sent = await as.query(api.messages.get, { messageId: id });
    expect(sent.content).toBe("Annie: your tier is Silver");
    expect(sent.template).toBeUndefined();
    expect(provider.callsFor(id).map((c) => c.message.content)).toEqual(["Annie: your tier is Silver"]);
    expect((await as.query(api.messages.get, { messageId: id2 })).content).toBe("Annie, Silver!");

    const id3 = await as.mutation(api.messages.send, { contactId: ann, channel: "sms", content: "{{firstName}}, {{tier}}!", scheduledAt: Date.now() + 3_600_000 });
    await as.mutation(api.contacts.update, { contactId: ann, fields: { tier: null } });
    await settle(t);
    const failed = await as.query(api.messages.get, { messageId: id3 });
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toMatchObject({ code: "TEMPLATE_VARIABLE_MISSING" });
    expect(failed.lastError!.message).toContain("{{tier}}");
    expect(provider.callsFor(id3)).toHaveLength(0);
  });
});

async function groupWith(t: TestConvex, as: As, ids: Id<"contacts">[]) {
  const groupId = await as.mutation(api.groups.create, { name: "Customers" });
  await as.mutation(api.groups.addMembers, { groupId, contactIds: ids });
  return groupId;
}

describe("broadcasts with merge fields", () => {
  it("render per recipient, skip one whose field is empty without fallback (counted, with the reason), and preview and cost the audience", async () => {
    const t = setup();
    const { as } = await account(t);
    const ann = await contact(as, "Ann Lee", { tier: "Gold" });
    const bo = await contact(as, "Bo", { tier: "Silver" });
    const cy = await contact(as, "Cy Young"); // no tier
    const noPhone = await as.mutation(api.contacts.create, { name: "Di", email: "di@example.com", fields: { tier: "Gold" } });
    const groupId = await groupWith(t, as, [ann, bo, cy, noPhone]);
    const content = "Hi {{firstName|there}}, as a {{tier}} member you get 20% off. Reply STOP to opt out";

    const previews = await as.query(api.templates.previewAudience, { channel: "sms", content, groupId, limit: 4 });
    const byName = Object.fromEntries(previews.previews.map((p) => [p.name, p]));
    expect(byName["Ann Lee"]).toMatchObject({ content: "Hi Ann, as a Gold member you get 20% off. Reply STOP to opt out", sms: { encoding: "GSM-7", segments: 1 } });
    expect(byName["Cy Young"].problem).toMatchObject({ code: "TEMPLATE_VARIABLE_MISSING" });
    expect(byName["Cy Young"].content).toBe("Hi Cy, as a  member you get 20% off. Reply STOP to opt out");
    expect(byName["Di"].problem).toMatchObject({ code: "NO_ADDRESS" });
    const one = await as.query(api.templates.preview, { channel: "sms", content, contactId: bo });
    expect(one.preview.content).toBe("Hi Bo, as a Silver member you get 20% off. Reply STOP to opt out");

    const cost = await as.query(api.templates.audienceCost, { channel: "sms", content: content + " ✓ See you soon at the shop!", groupId, paginationOpts: { numItems: 100, cursor: null } });
    expect(cost.page[0]).toMatchObject({ recipients: 2, skipped: { noAddress: 1, missingVariable: 1 }, ucs2: 2, minSegments: 2, maxSegments: 2, segments: 4 });

    const id = await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content });
    await settle(t);
    const b = await as.query(api.broadcasts.get, { broadcastId: id });
    expect(b).toMatchObject({
      status: "completed",
      skipped: { noAddress: 1, optedOut: 0, whatsappWindowClosed: 0, missingVariable: 1, contentTooLong: 0 },
      counts: { total: 4, skipped: 2, delivered: 2 },
    });
    expect(b.skippedSamples).toEqual([{ contactId: cy, name: "Cy Young", reason: expect.stringContaining("{{tier}}") }]);
    expect(provider.calls.map((c) => c.message.content).sort()).toEqual([
      "Hi Ann, as a Gold member you get 20% off. Reply STOP to opt out",
      "Hi Bo, as a Silver member you get 20% off. Reply STOP to opt out",
    ]);

    await expect(as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "{{coupon}}" })).rejects.toMatchObject(code("TEMPLATE_VARIABLE_UNKNOWN"));
  });

  it("counts a rendered text over the channel's limit as its own skip reason", async () => {
    const t = setup();
    const { as } = await account(t);
    await as.mutation(api.customFields.create, { label: "Note", type: "text" });
    const long = await as.mutation(api.contacts.create, { name: "Lou", phone: "+14155550123", fields: { note: "x".repeat(1000) } });
    const short = await contact(as, "Sam");
    const groupId = await groupWith(t, as, [long, short]);
    const id = await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "{{note|}} " + "y".repeat(700) });
    await settle(t);
    expect((await as.query(api.broadcasts.get, { broadcastId: id })).skipped).toMatchObject({ contentTooLong: 1, missingVariable: 0 });
    expect(provider.calls).toHaveLength(1);
  });
});
