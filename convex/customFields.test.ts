import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import { code, setup, signedInUser } from "./test.setup";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("custom fields", () => {
  it("defines fields with stable keys and refuses a second field of the same name", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    await as.mutation(api.customFields.create, { label: "Customer tier", type: "select", options: ["Gold", "Silver", "gold"] });
    await as.mutation(api.customFields.create, { label: "Birthday", type: "date" });
    const fields = await as.query(api.customFields.list, {});
    expect(fields.map((f) => [f.key, f.type, f.options])).toEqual([
      ["customer_tier", "select", ["Gold", "Silver"]],
      ["birthday", "date", undefined],
    ]);
    await expect(as.mutation(api.customFields.create, { label: "customer TIER", type: "text" })).rejects.toMatchObject(code("DUPLICATE_NAME"));
    await expect(as.mutation(api.customFields.create, { label: "Size", type: "select", options: [] })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
    await expect(as.mutation(api.customFields.create, { label: "Notes", type: "text", options: ["x"] })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
  });

  it("validates values on create and update, and null removes one", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    await as.mutation(api.customFields.create, { label: "Tier", type: "select", options: ["Gold", "Silver"] });
    await as.mutation(api.customFields.create, { label: "Orders", type: "number" });
    await as.mutation(api.customFields.create, { label: "Birthday", type: "date" });
    const id = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123", fields: { tier: "gold", orders: 3 } });
    expect((await as.query(api.contacts.get, { contactId: id })).fields).toEqual({ tier: "Gold", orders: 3 });

    const bad: Array<Record<string, string>> = [{ tier: "Bronze" }, { orders: "three" }, { birthday: "2024-02-30" }, { nope: "x" }];
    for (const fields of bad) {
      await expect(as.mutation(api.contacts.update, { contactId: id, fields })).rejects.toMatchObject(code("INVALID_FIELD_VALUE"));
    }
    await expect(as.mutation(api.contacts.create, { name: "Bo", phone: "+14155550124", fields: { orders: true } })).rejects.toMatchObject(
      code("INVALID_FIELD_VALUE"),
    );
    await as.mutation(api.contacts.update, { contactId: id, fields: { birthday: "1990-05-01", tier: null } });
    expect((await as.query(api.contacts.get, { contactId: id })).fields).toEqual({ orders: 3, birthday: "1990-05-01" });
  });

  it("removes a deleted field's values from every contact, in batches, before its key can be used again", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    const fieldId = await as.mutation(api.customFields.create, { label: "Tier", type: "text" });
    const ids = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await as.mutation(api.contacts.create, { name: `C${i}`, phone: `+1415555010${i}`, fields: { tier: `t${i}` } }));
    }
    await as.mutation(api.customFields.remove, { fieldId });
    expect(await as.query(api.customFields.list, {})).toEqual([]);
    // Recreated before the purge finished: a new key, so old values never join the new field.
    await as.mutation(api.customFields.create, { label: "Tier", type: "number" });
    expect((await as.query(api.customFields.list, {}))[0].key).toBe("tier_2");
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    for (const id of ids) expect((await as.query(api.contacts.get, { contactId: id })).fields).toBeUndefined();
    expect(await t.run(async (ctx) => await ctx.db.get("customFields", fieldId))).toBeNull();
  });

  it("makes text values searchable", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    await as.mutation(api.customFields.create, { label: "Company", type: "text" });
    await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123", fields: { company: "Acme Bakery" } });
    expect((await as.query(api.contacts.search, { query: "bakery" })).map((c) => c.name)).toEqual(["Ann"]);
  });
});

describe("tags", () => {
  it("tags contacts in bulk, counts each tag, and ignores case", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    const a = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123", tags: ["VIP"] });
    const b = await as.mutation(api.contacts.create, { name: "Bo", phone: "+14155550124" });
    expect(await as.mutation(api.tags.apply, { contactIds: [a, b], add: ["vip", "Spring sale"], remove: [] })).toEqual({ changed: 2 });
    expect((await as.query(api.contacts.get, { contactId: a })).tags).toEqual(["VIP", "Spring sale"]);
    expect((await as.query(api.tags.list, {})).map((tag) => [tag.name, tag.count])).toEqual([
      ["Spring sale", 2],
      ["VIP", 2],
    ]);
    await as.mutation(api.tags.apply, { contactIds: [a], add: [], remove: ["SPRING SALE"] });
    await as.mutation(api.contacts.remove, { contactId: b });
    expect((await as.query(api.tags.list, {})).map((tag) => [tag.name, tag.count])).toEqual([["VIP", 1]]);
    const indexed = await t.run(async (ctx) => (await ctx.db.query("contactTags").collect()).map((d) => [d.tagKey, d.contactId]));
    expect(indexed).toEqual([["vip", a]]);
    expect((await as.query(api.contacts.search, { query: "vip" })).map((c) => c.name)).toEqual(["Ann"]);
  });

  it("replaces tags on update and refuses more than 50", async () => {
    const t = setup();
    const { as } = await signedInUser(t);
    const a = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123", tags: ["a", "b"] });
    await as.mutation(api.contacts.update, { contactId: a, tags: ["b", "c"] });
    expect((await as.query(api.tags.list, {})).map((tag) => tag.name)).toEqual(["b", "c"]);
    const many = Array.from({ length: 51 }, (_, i) => `t${i}`);
    await expect(as.mutation(api.contacts.update, { contactId: a, tags: many })).rejects.toMatchObject(code("LIMIT_EXCEEDED"));
    await expect(as.mutation(api.tags.apply, { contactIds: Array(501).fill(a), add: ["x"], remove: [] })).rejects.toMatchObject(
      code("LIMIT_EXCEEDED"),
    );
  });
});
