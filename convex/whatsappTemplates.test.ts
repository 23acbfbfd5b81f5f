// @vitest-environment node
/** WhatsApp templates: sync (the simulator's Content API offline), mapping, and sending outside the 24-hour window. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeProvider } from "../tests/fakes/fakeProvider";
import { api } from "./_generated/api";
import { SIMULATOR_CONTENT } from "./channels/contentTemplates";
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
const DAY = 24 * 3600_000;

async function synced(t: TestConvex) {
  const user = await userWithSenders(t);
  const result = await user.as.action(api.whatsappTemplateSync.sync, {});
  const templates = await user.as.query(api.whatsappTemplates.list, {});
  const byName = Object.fromEntries(templates.map((x) => [x.name, x]));
  return { ...user, result, templates, byName };
}

describe("WhatsApp templates", () => {
  it("sync with their approval status and a guessed mapping; a second sync keeps mappings and drops what Twilio no longer lists", async () => {
    const t = setup();
    const { as, userId, result, templates, byName } = await synced(t);
    expect(result).toEqual({ added: 4, updated: 0, removed: 0, source: "simulator" });
    expect(templates.map((x) => [x.name, x.status])).toEqual([
      ["appointment_reminder", "pending"],
      ["follow_up", "approved"],
      ["order_ready", "approved"],
      ["spring_sale", "rejected"],
    ]);
    expect(byName.order_ready.placeholders).toEqual([
      { key: "1", sample: "first_name", mapping: "firstName" },
      { key: "2", sample: "order_number", mapping: "" },
    ]);
    expect(await as.query(api.whatsappTemplates.list, { approvedOnly: true })).toHaveLength(2);

    await as.mutation(api.whatsappTemplates.setMapping, { templateId: byName.order_ready._id, mapping: [{ key: "2", mapping: "var.orderId|soon" }] });
    await expect(
      as.mutation(api.whatsappTemplates.setMapping, { templateId: byName.order_ready._id, mapping: [{ key: "2", mapping: "company" }] }),
    ).rejects.toMatchObject(code("TEMPLATE_VARIABLE_UNKNOWN"));
    await expect(
      as.mutation(api.whatsappTemplates.setMapping, { templateId: byName.order_ready._id, mapping: [{ key: "9", mapping: "firstName" }] }),
    ).rejects.toMatchObject(code("INVALID_ARGUMENT"));

    // Twilio drops one template: the next sync removes it and keeps the mapping of the others.
    await t.run(async (ctx) => {
      const gone = await ctx.db.query("whatsappTemplates").withIndex("by_user_and_contentSid", (q) => q.eq("userId", userId).eq("contentSid", SIMULATOR_CONTENT[3].sid)).unique();
      await ctx.db.patch("whatsappTemplates", gone!._id, { contentSid: "HX" + "f".repeat(32) });
    });
    expect(await as.action(api.whatsappTemplateSync.sync, {})).toMatchObject({ added: 1, updated: 3, removed: 1 });
    const again = await as.query(api.whatsappTemplates.list, {});
    expect(again.find((x) => x.name === "order_ready")!.placeholders[1].mapping).toBe("var.orderId|soon");
  });

  it("an approved template reaches a contact whose window is closed, with ContentSid and ContentVariables mapped from merge fields", async () => {
    const t = setup();
    const { as, byName } = await synced(t);
    const closed = await as.mutation(api.contacts.create, { name: "Ann Lee", phone: "+14155550101" });
    await t.run(async (ctx) => ctx.db.patch("contacts", closed, { whatsappWindowStartedAt: Date.now() - 2 * DAY }));

    await expect(as.mutation(api.messages.send, { contactId: closed, channel: "whatsapp", content: "Hi" })).rejects.toMatchObject(code("WHATSAPP_WINDOW_CLOSED"));
    await expect(
      as.mutation(api.messages.send, { contactId: closed, channel: "whatsapp", content: "", whatsappTemplateId: byName.spring_sale._id }),
    ).rejects.toMatchObject(code("TEMPLATE_NOT_APPROVED"));
    // Placeholder 2 has no mapping yet: the send is refused, naming it.
    await expect(
      as.mutation(api.messages.send, { contactId: closed, channel: "whatsapp", content: "", whatsappTemplateId: byName.order_ready._id }),
    ).rejects.toMatchObject({ data: { code: "TEMPLATE_VARIABLE_MISSING", details: { variable: "2" } } });

    await as.mutation(api.whatsappTemplates.setMapping, { templateId: byName.order_ready._id, mapping: [{ key: "2", mapping: "var.orderId" }] });
    const preview = await as.query(api.templates.preview, {
      channel: "whatsapp",
      content: "",
      whatsappTemplateId: byName.order_ready._id,
      variables: [{ name: "var.orderId", value: "A-17" }],
      contactId: closed,
    });
    expect(preview.preview).toMatchObject({ content: "Hi Ann, your order A-17 is ready for pickup." });
    expect(preview.preview.problem).toBeUndefined();

    const id = await as.mutation(api.messages.send, {
      contactId: closed,
      channel: "whatsapp",
      content: "",
      whatsappTemplateId: byName.order_ready._id,
      variables: [{ name: "var.orderId", value: "A-17" }],
    });
    await settle(t);
    const m = await as.query(api.messages.get, { messageId: id });
    expect(m).toMatchObject({
      status: "delivered",
      content: "Hi Ann, your order A-17 is ready for pickup.",
      contentSid: SIMULATOR_CONTENT[0].sid,
      contentVariables: '{"1":"Ann","2":"A-17"}',
    });
    expect(provider.callsFor(id)[0].message).toMatchObject({ contentSid: SIMULATOR_CONTENT[0].sid, contentVariables: '{"1":"Ann","2":"A-17"}' });

    // Retrying a failed template send keeps the window exemption.
    await t.run(async (ctx) => ctx.db.patch("messages", id, { status: "failed" }));
    await as.mutation(api.messages.retry, { messageId: id });
  });

  it("a scheduled template send is rendered when it goes out; a template unapproved meanwhile fails it", async () => {
    const t = setup();
    const { as, byName } = await synced(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann Lee", phone: "+14155550101" });
    await as.mutation(api.whatsappTemplates.setMapping, { templateId: byName.order_ready._id, mapping: [{ key: "2", mapping: "var.orderId" }] });
    const at = Date.now() + 3_600_000;
    const id = await as.mutation(api.messages.send, { contactId: ann, channel: "whatsapp", content: "", whatsappTemplateId: byName.follow_up._id, scheduledAt: at });
    const id2 = await as.mutation(api.messages.send, { contactId: ann, channel: "whatsapp", content: "", whatsappTemplateId: byName.order_ready._id, variables: [{ name: "var.orderId", value: "1" }], scheduledAt: at + 1000 });
    await as.mutation(api.contacts.update, { contactId: ann, name: "Annie" });
    await t.run(async (ctx) => ctx.db.patch("whatsappTemplates", byName.order_ready._id, { status: "paused" }));
    await settle(t);
    expect(await as.query(api.messages.get, { messageId: id })).toMatchObject({
      status: "delivered",
      content: "Hello Annie, we have an update for you. Reply to continue the conversation.",
      contentVariables: '{"1":"Annie"}',
    });
    expect((await as.query(api.messages.get, { messageId: id2 })).lastError).toMatchObject({ code: "TEMPLATE_NOT_APPROVED" });
  });

  it("a WhatsApp broadcast with a template reaches contacts whose window is closed", async () => {
    const t = setup();
    const { as, byName } = await synced(t);
    const open = await as.mutation(api.contacts.create, { name: "Open One", phone: "+14155550102" });
    const closed = await as.mutation(api.contacts.create, { name: "Closed Two", phone: "+14155550103" });
    const never = await as.mutation(api.contacts.create, { name: "+1 415 555 0104", phone: "+14155550104" });
    await t.run(async (ctx) => ctx.db.patch("contacts", open, { whatsappWindowStartedAt: Date.now() - 3600_000 }));
    const groupId = await as.mutation(api.groups.create, { name: "WA" });
    await as.mutation(api.groups.addMembers, { groupId, contactIds: [open, closed, never] });

    const free = await as.mutation(api.broadcasts.create, { groupId, channel: "whatsapp", content: "Free text" });
    await as.mutation(api.whatsappTemplates.setMapping, { templateId: byName.follow_up._id, mapping: [{ key: "1", mapping: "firstName|friend" }] });
    const templated = await as.mutation(api.broadcasts.create, { groupId, channel: "whatsapp", content: "", whatsappTemplateId: byName.follow_up._id });
    await settle(t);
    expect((await as.query(api.broadcasts.get, { broadcastId: free })).skipped).toMatchObject({ whatsappWindowClosed: 2 });
    const b = await as.query(api.broadcasts.get, { broadcastId: templated });
    expect(b).toMatchObject({ skipped: { whatsappWindowClosed: 0, missingVariable: 0 }, counts: { total: 3, delivered: 3 } });
    const sent = provider.calls.filter((c) => c.message.contentSid === SIMULATOR_CONTENT[1].sid).map((c) => c.message.contentVariables).sort();
    expect(sent).toEqual(['{"1":"Closed"}', '{"1":"Open"}', '{"1":"friend"}']);
  });
});
