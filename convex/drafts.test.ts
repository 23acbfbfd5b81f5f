// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import { code, setup, userWithSenders, type TestConvex } from "./test.setup";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

async function world(t: TestConvex) {
  const user = await userWithSenders(t);
  const contactId = await user.as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123", email: "ann@x.com" });
  return { ...user, contactId };
}

const drafts = (t: TestConvex) => t.run(async (ctx) => await ctx.db.query("drafts").collect());

describe("drafts", () => {
  it("keeps what was typed per contact, and marks the conversation", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    expect(await as.query(api.drafts.get, { contactId })).toBeNull();
    await as.mutation(api.drafts.save, {
      contactId,
      channel: "email",
      content: "Half a thought",
      subject: "Your order",
      schedule: "2030-01-02T09:30",
      clientId: "tab-1",
    });
    expect(await as.query(api.drafts.get, { contactId })).toMatchObject({
      channel: "email",
      content: "Half a thought",
      subject: "Your order",
      schedule: "2030-01-02T09:30",
      clientId: "tab-1",
    });
    expect((await as.query(api.contacts.get, { contactId })).hasDraft).toBe(true);

    // Another tab carries on: one draft per contact, the latest text and writer.
    await as.mutation(api.drafts.save, { contactId, channel: "sms", content: "Whole thought", clientId: "tab-2" });
    expect(await drafts(t)).toHaveLength(1);
    expect(await as.query(api.drafts.get, { contactId })).toMatchObject({ channel: "sms", content: "Whole thought", clientId: "tab-2" });
    expect((await as.query(api.drafts.get, { contactId }))?.subject).toBeUndefined();
  });

  it("an emptied draft is deleted and the mark goes", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    await as.mutation(api.drafts.save, { contactId, content: "x", clientId: "a" });
    await as.mutation(api.drafts.save, { contactId, content: "   ", clientId: "a" });
    expect(await drafts(t)).toHaveLength(0);
    expect((await as.query(api.contacts.get, { contactId })).hasDraft).toBeUndefined();
    // An open "send later" picker alone is worth keeping.
    await as.mutation(api.drafts.save, { contactId, content: "", schedule: "", clientId: "a" });
    expect(await drafts(t)).toHaveLength(1);
  });

  it("sending from the inbox deletes the draft; the REST API's sends leave it", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    await as.mutation(api.drafts.save, { contactId, content: "Ready", clientId: "a" });
    await as.mutation(api.messages.send, { contactId, channel: "sms", content: "Ready" });
    expect(await drafts(t)).toHaveLength(0);
    expect((await as.query(api.contacts.get, { contactId })).hasDraft).toBeUndefined();
    // A refused send keeps it.
    await as.mutation(api.drafts.save, { contactId, content: "Again", clientId: "a" });
    await expect(as.mutation(api.messages.send, { contactId, channel: "sms", content: "" })).rejects.toMatchObject(code("CONTENT_INVALID"));
    expect(await drafts(t)).toHaveLength(1);
  });

  it("goes with its contact", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    await as.mutation(api.drafts.save, { contactId, content: "Bye", clientId: "a" });
    await as.mutation(api.contacts.remove, { contactId });
    expect(await drafts(t)).toHaveLength(0);
  });

  it("refuses another user's contact and oversized drafts", async () => {
    const t = setup();
    const { contactId } = await world(t);
    const other = await userWithSenders(t, "eve@example.com");
    await expect(other.as.mutation(api.drafts.save, { contactId, content: "hi", clientId: "e" })).rejects.toMatchObject(code("NOT_FOUND"));
    await expect(other.as.query(api.drafts.get, { contactId })).rejects.toMatchObject(code("NOT_FOUND"));
    const { as, contactId: own } = { as: other.as, contactId: await other.as.mutation(api.contacts.create, { name: "Bo", phone: "+14155550999" }) };
    await expect(as.mutation(api.drafts.save, { contactId: own, content: "x".repeat(60_000), clientId: "e" })).rejects.toMatchObject(
      code("INVALID_ARGUMENT"),
    );
  });
});
