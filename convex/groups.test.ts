import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { code, setup, signedInUser, type TestConvex } from "./test.setup";

async function manyContacts(t: TestConvex, userId: Id<"users">, n: number) {
  return await t.run(async (ctx) => {
    const ids: Id<"contacts">[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(
        await ctx.db.insert("contacts", {
          userId,
          name: `C${i}`,
          sortName: `c${i}`,
          email: `c${i}@x.com`,
          searchText: `c${i}`,
          optedOut: { sms: false, whatsapp: false, email: false },
          unreadCount: 0,
          hasUnread: false,
        }),
      );
    }
    return ids;
  });
}

describe("groups", () => {
  afterEach(() => vi.useRealTimers());

  it("creates, renames and refuses duplicate names", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    const vip = await as.mutation(api.groups.create, { name: " VIP ", description: "best" });
    await as.mutation(api.groups.create, { name: "Newsletter" });
    await expect(as.mutation(api.groups.create, { name: "vip" })).rejects.toMatchObject({
      data: { code: "DUPLICATE_GROUP", details: { groupId: vip } },
    });
    await expect(as.mutation(api.groups.update, { groupId: vip, name: "NEWSLETTER" })).rejects.toMatchObject(
      code("DUPLICATE_GROUP"),
    );
    await expect(as.mutation(api.groups.create, { name: "" })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
    await as.mutation(api.groups.update, { groupId: vip, name: "Gold", description: "top tier" });
    const list = await as.query(api.groups.list, { paginationOpts: { numItems: 10, cursor: null } });
    expect(list.page.map((g) => [g.name, g.description ?? null])).toEqual([
      ["Gold", "top tier"],
      ["Newsletter", null],
    ]);
  });

  it("adds members once, keeps memberCount exact, removes them", async () => {
    const t = setup();
    const { as, userId } = await signedInUser(t);
    const [a, b, c] = await manyContacts(t, userId, 3);
    const g = await as.mutation(api.groups.create, { name: "G" });

    expect(await as.mutation(api.groups.addMembers, { groupId: g, contactIds: [a, b, a] })).toEqual({
      added: 2,
      alreadyMembers: 0,
    });
    expect(await as.mutation(api.groups.addMembers, { groupId: g, contactIds: [a, c] })).toEqual({
      added: 1,
      alreadyMembers: 1,
    });
    expect((await as.query(api.groups.get, { groupId: g })).memberCount).toBe(3);
    const rows = await t.run(async (ctx) =>
      ctx.db.query("groupMemberships").withIndex("by_group_and_contact", (q) => q.eq("groupId", g)).collect(),
    );
    expect(rows).toHaveLength(3);

    expect(await as.mutation(api.groups.removeMembers, { groupId: g, contactIds: [a, a, b] })).toEqual({ removed: 2 });
    expect(await as.mutation(api.groups.removeMembers, { groupId: g, contactIds: [a] })).toEqual({ removed: 0 });
    expect((await as.query(api.groups.get, { groupId: g })).memberCount).toBe(1);
    expect((await as.query(api.groups.listForContact, { contactId: c })).map((x) => x._id)).toEqual([g]);
    expect(await as.query(api.groups.listForContact, { contactId: a })).toEqual([]);
  });

  it("bounds a batch", async () => {
    const t = setup();
    const { as, userId } = await signedInUser(t);
    const ids = await manyContacts(t, userId, 501);
    const g = await as.mutation(api.groups.create, { name: "G" });
    await expect(as.mutation(api.groups.addMembers, { groupId: g, contactIds: ids })).rejects.toMatchObject(
      code("LIMIT_EXCEEDED"),
    );
    expect((await as.query(api.groups.get, { groupId: g })).memberCount).toBe(0);
  });

  it("lists members a page at a time and a contact's groups by name", async () => {
    const t = setup();
    const { as, userId } = await signedInUser(t);
    const ids = await manyContacts(t, userId, 7);
    const g = await as.mutation(api.groups.create, { name: "Zed" });
    const h = await as.mutation(api.groups.create, { name: "Alpha" });
    await as.mutation(api.groups.addMembers, { groupId: g, contactIds: ids });
    await as.mutation(api.groups.addMembers, { groupId: h, contactIds: [ids[0]] });

    const seen: string[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page: { page: { _id: string }[]; isDone: boolean; continueCursor: string } = await as.query(
        api.groups.listMembers,
        { groupId: g, paginationOpts: { numItems: 3, cursor } },
      );
      expect(page.page.length).toBeLessThanOrEqual(3);
      seen.push(...page.page.map((c) => c._id));
      if (page.isDone) break;
      cursor = page.continueCursor;
    }
    expect(seen.sort()).toEqual([...ids].sort());
    expect((await as.query(api.groups.listForContact, { contactId: ids[0] })).map((x) => x.name)).toEqual([
      "Alpha",
      "Zed",
    ]);
  });

  it("removes a large group in batches, leaving its contacts", async () => {
    vi.useFakeTimers();
    const t = setup();
    const { as, userId } = await signedInUser(t);
    const ids = await manyContacts(t, userId, 1200);
    const g = await as.mutation(api.groups.create, { name: "Big" });
    for (let i = 0; i < ids.length; i += 500) {
      await as.mutation(api.groups.addMembers, { groupId: g, contactIds: ids.slice(i, i + 500) });
    }
    expect((await as.query(api.groups.get, { groupId: g })).memberCount).toBe(1200);
    await as.mutation(api.groups.remove, { groupId: g });
    await expect(as.query(api.groups.get, { groupId: g })).rejects.toMatchObject(code("NOT_FOUND"));
    // The contact's group list never shows the removed group, even mid-purge.
    expect(await as.query(api.groups.listForContact, { contactId: ids[1100] })).toEqual([]);
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const left = await t.run(async (ctx) => (await ctx.db.query("groupMemberships").take(5)).length);
    expect(left).toBe(0);
    expect(await t.run(async (ctx) => (await ctx.db.query("contacts").collect()).length)).toBe(1200);
  }, 60_000);
});
