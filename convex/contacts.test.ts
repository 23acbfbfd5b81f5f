import { describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import { code, setup, signedInUser } from "./test.setup";

describe("contacts", () => {
  it("creates a contact with a normalised phone and lower-cased email", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    const id = await as.mutation(api.contacts.create, {
      name: "  Ann   Lee ",
      phone: "(415) 555-0123",
      email: " Ann@Example.COM ",
      socialHandles: { instagram: "@annlee" },
      metadata: { plan: "pro", orders: 3, vip: true },
    });
    const contact = await as.query(api.contacts.get, { contactId: id });
    expect(contact).toMatchObject({
      name: "Ann Lee",
      phone: "+14155550123",
      email: "ann@example.com",
      optedOut: { sms: false, whatsapp: false, email: false },
      unreadCount: 0,
      socialHandles: { instagram: "@annlee" },
      metadata: { plan: "pro", orders: 3, vip: true },
    });
  });

  it("reads national numbers in DEFAULT_COUNTRY", async () => {
    vi.stubEnv("DEFAULT_COUNTRY", "GB");
    try {
      const t = setup();
      const { as } = await signedInUser(t);
      const id = await as.mutation(api.contacts.create, { name: "Bo", phone: "07400 123456" });
      expect((await as.query(api.contacts.get, { contactId: id })).phone).toBe("+447400123456");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("rejects bad input with codes", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    await expect(as.mutation(api.contacts.create, { name: "No address" })).rejects.toMatchObject(
      code("ADDRESS_REQUIRED"),
    );
    await expect(as.mutation(api.contacts.create, { name: "X", phone: "12" })).rejects.toMatchObject(
      code("INVALID_PHONE"),
    );
    await expect(as.mutation(api.contacts.create, { name: "X", email: "not-an-email" })).rejects.toMatchObject(
      code("INVALID_EMAIL"),
    );
    await expect(as.mutation(api.contacts.create, { name: "  ", email: "a@b.co" })).rejects.toMatchObject(
      code("INVALID_ARGUMENT"),
    );
    await expect(
      as.mutation(api.contacts.create, { name: "X".repeat(201), email: "a@b.co" }),
    ).rejects.toMatchObject(code("INVALID_ARGUMENT"));
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    await expect(
      as.mutation(api.contacts.create, { name: "X", email: "a@b.co", metadata: tooMany }),
    ).rejects.toMatchObject(code("LIMIT_EXCEEDED"));
    expect(await t.run(async (ctx) => await ctx.db.query("contacts").take(10))).toHaveLength(0);
  });

  it("refuses a duplicate phone or email and names the existing contact", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123", email: "ann@x.com" });
    await expect(
      as.mutation(api.contacts.create, { name: "Other", phone: "415-555-0123" }),
    ).rejects.toMatchObject({
      data: { code: "DUPLICATE_CONTACT", details: { field: "phone", contactId: ann, contactName: "Ann" } },
    });
    await expect(
      as.mutation(api.contacts.create, { name: "Other", email: "ANN@x.com" }),
    ).rejects.toMatchObject({ data: { code: "DUPLICATE_CONTACT", details: { field: "email", contactId: ann } } });

    // Another user may have the same number.
    const other = await signedInUser(t, "other@example.com");
    await expect(other.as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123" })).resolves.toBeTruthy();
  });

  it("updates fields, clears one address but never both, and checks duplicates", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123", email: "ann@x.com" });
    const bob = await as.mutation(api.contacts.create, { name: "Bob", email: "bob@x.com" });

    await as.mutation(api.contacts.update, { contactId: ann, name: "Ann Lee", phone: null });
    expect(await as.query(api.contacts.get, { contactId: ann })).toMatchObject({ name: "Ann Lee", email: "ann@x.com" });
    expect((await as.query(api.contacts.get, { contactId: ann })).phone).toBeUndefined();

    await expect(as.mutation(api.contacts.update, { contactId: ann, email: null })).rejects.toMatchObject(
      code("ADDRESS_REQUIRED"),
    );
    await expect(as.mutation(api.contacts.update, { contactId: bob, email: "ann@x.com" })).rejects.toMatchObject({
      data: { code: "DUPLICATE_CONTACT", details: { contactId: ann } },
    });
    // Re-saving a contact's own email is not a duplicate.
    await as.mutation(api.contacts.update, { contactId: ann, email: "ANN@x.com" });
    // The search index follows the change.
    expect((await as.query(api.contacts.search, { query: "lee" })).map((c) => c._id)).toEqual([ann]);
  });

  it("lists by name a page at a time", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    for (const name of ["carol", "Alice", "bob", "Dave", "eve"]) {
      await as.mutation(api.contacts.create, { name, email: `${name.toLowerCase()}@x.com` });
    }
    const first = await as.query(api.contacts.list, { paginationOpts: { numItems: 3, cursor: null } });
    expect(first.page.map((c) => c.name)).toEqual(["Alice", "bob", "carol"]);
    const second = await as.query(api.contacts.list, {
      paginationOpts: { numItems: 3, cursor: first.continueCursor },
    });
    expect(second.page.map((c) => c.name)).toEqual(["Dave", "eve"]);
    expect(second.isDone).toBe(true);
  });

  it("searches by name, phone and email", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann Lee", phone: "+14155550123" });
    const bob = await as.mutation(api.contacts.create, { name: "Bob Stone", email: "bob@stone.io" });
    const ids = async (query: string) => (await as.query(api.contacts.search, { query })).map((c) => c._id);
    expect(await ids("ann")).toEqual([ann]);
    expect(await ids("Sto")).toEqual([bob]);
    expect(await ids("bob@stone.io")).toEqual([bob]);
    expect(await ids("(415) 555")).toEqual([ann]);
    expect(await ids("+1 415 555 0123")).toEqual([ann]);
    expect(await ids("   ")).toEqual([]);
  });

  it("sets per-channel opt-out", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    const id = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123" });
    await as.mutation(api.contacts.setOptOut, { contactId: id, channel: "sms", optedOut: true });
    expect((await as.query(api.contacts.get, { contactId: id })).optedOut).toEqual({
      sms: true,
      whatsapp: false,
      email: false,
    });
  });

  it("removes a contact with its memberships (keeping counts exact) and notes", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123" });
    const bob = await as.mutation(api.contacts.create, { name: "Bob", phone: "+14155550124" });
    const g1 = await as.mutation(api.groups.create, { name: "VIP" });
    const g2 = await as.mutation(api.groups.create, { name: "Newsletter" });
    await as.mutation(api.groups.addMembers, { groupId: g1, contactIds: [ann, bob] });
    await as.mutation(api.groups.addMembers, { groupId: g2, contactIds: [ann] });
    await as.mutation(api.notes.create, { contactId: ann, content: "likes tea" });
    await as.mutation(api.notes.create, { contactId: bob, content: "likes coffee" });

    expect(await as.mutation(api.contacts.remove, { contactId: ann })).toEqual({ memberships: 2, notes: 1 });
    await expect(as.query(api.contacts.get, { contactId: ann })).rejects.toMatchObject(code("NOT_FOUND"));
    expect((await as.query(api.groups.get, { groupId: g1 })).memberCount).toBe(1);
    expect((await as.query(api.groups.get, { groupId: g2 })).memberCount).toBe(0);
    await t.run(async (ctx) => {
      expect(await ctx.db.query("groupMemberships").take(10)).toHaveLength(1);
      expect((await ctx.db.query("notes").take(10)).map((n) => n.contactId)).toEqual([bob]);
    });
  });

  it("requires sign-in", async () => {
    const t = setup();
    await expect(t.query(api.contacts.list, { paginationOpts: { numItems: 5, cursor: null } })).rejects.toMatchObject(
      code("UNAUTHENTICATED"),
    );
    await expect(t.mutation(api.contacts.create, { name: "X", email: "x@y.co" })).rejects.toMatchObject(
      code("UNAUTHENTICATED"),
    );
  });
});
