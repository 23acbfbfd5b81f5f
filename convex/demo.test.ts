// @vitest-environment node
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import { setup, signedInUser } from "./test.setup";

describe("demo data", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("is refused unless the deployment allows seeding", async () => {
    const t = setup();
    await signedInUser(t, "demo@example.com");
    await expect(t.mutation(internal.demo.seed, { email: "demo@example.com" })).rejects.toMatchObject({
      data: { code: "INVALID_STATE" },
    });
    expect(await t.run(async (ctx) => (await ctx.db.query("contacts").take(1)).length)).toBe(0);
  });

  it("fills an account with contacts, groups and a conversation history", async () => {
    vi.stubEnv("ALLOW_SEED_DATA", "true");
    const t = setup();
    const { as } = await signedInUser(t, "demo@example.com");
    const result = await t.mutation(internal.demo.seed, { email: "demo@example.com" });
    expect(result.contacts).toBe(8);
    const inbox = await as.query(api.inbox.conversations, { paginationOpts: { numItems: 20, cursor: null } });
    expect(inbox.page[0]).toMatchObject({ name: "Maria Gonzalez", lastMessageChannel: "whatsapp", unreadCount: 2 });
    expect(inbox.page.length).toBeGreaterThanOrEqual(5);
    const groups = await as.query(api.groups.list, { paginationOpts: { numItems: 5, cursor: null } });
    expect(groups.page.map((g) => [g.name, g.memberCount])).toEqual([["Newsletter", 6], ["VIP customers", 3]]);
    expect((await as.query(api.messages.upcoming, { paginationOpts: { numItems: 5, cursor: null } })).page).toHaveLength(1);
  });

  it("gives each contact profile counters that agree with its thread", async () => {
    vi.stubEnv("ALLOW_SEED_DATA", "true");
    const t = setup();
    const { as } = await signedInUser(t, "demo@example.com");
    await t.mutation(internal.demo.seed, { email: "demo@example.com" });
    const contacts = await as.query(api.contacts.list, { paginationOpts: { numItems: 20, cursor: null } });
    let checked = 0;
    for (const contact of contacts.page) {
      const thread = await as.query(api.messages.thread, { contactId: contact._id, paginationOpts: { numItems: 100, cursor: null } });
      const sent = thread.page.filter((m) => m.direction === "outbound" && m.sentAt !== undefined).length;
      const received = thread.page.filter((m) => m.direction === "inbound").length;
      expect([contact.name, contact.sentCount ?? 0, contact.receivedCount ?? 0]).toEqual([contact.name, sent, received]);
      if (sent > 0) checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });
});
