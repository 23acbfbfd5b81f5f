// @vitest-environment node
/** Finding contacts (digits, accents, hyphenated names, email domains) and message text across conversations. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeProvider } from "../tests/fakes/fakeProvider";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { setup, userWithSenders, type TestConvex } from "./test.setup";

beforeEach(() => {
  vi.useFakeTimers();
  new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.useRealTimers();
});

async function inbound(t: TestConvex, userId: Id<"users">, contactId: Id<"contacts">, channel: "sms" | "email", content: string) {
  await t.run(async (ctx) => {
    const { insertInbound, MessageWrites } = await import("./lib/messages");
    const writes = new MessageWrites(ctx, userId);
    await insertInbound(ctx, writes, { contactId, channel, content, at: Date.now(), ...(channel === "email" ? { subject: "Re" } : {}) });
    await writes.flush();
  });
}

describe("contact search", () => {
  it("finds by last digits, as typed, without accents, by a hyphenated word and by email domain", async () => {
    const t = setup();
    const { as } = await userWithSenders(t);
    await as.mutation(api.contacts.create, { name: "José Álvarez", phone: "+14155550123" });
    await as.mutation(api.contacts.create, { name: "Jean-Luc Picard", email: "jl@starfleet.example" });
    await as.mutation(api.contacts.create, { name: "Ann Lee", phone: "+14155559876", email: "ann@shop.example" });
    const find = async (query: string) => (await as.query(api.contacts.search, { query })).map((c) => c.name).sort();
    expect(await find("0123")).toEqual(["José Álvarez"]);
    expect(await find("555-9876")).toEqual(["Ann Lee"]);
    expect(await find("(415) 555")).toEqual(["Ann Lee", "José Álvarez"]);
    expect(await find("alvarez")).toEqual(["José Álvarez"]);
    expect(await find("luc")).toEqual(["Jean-Luc Picard"]);
    expect(await find("starfleet.example")).toEqual(["Jean-Luc Picard"]);
    expect(await find("@shop")).toEqual(["Ann Lee"]);
  });

  it("reindexes contacts written with the old search words", async () => {
    const t = setup();
    const { as } = await userWithSenders(t);
    const id = await as.mutation(api.contacts.create, { name: "Zoë Ørsted", phone: "+14155550199" });
    await t.run(async (ctx) => await ctx.db.patch("contacts", id, { searchText: "zoë ørsted 14155550199" }));
    expect(await as.query(api.contacts.search, { query: "orsted" })).toEqual([]);
    expect(await t.mutation(internal.contacts.reindexSearch, {})).toEqual({ updated: 1, done: true });
    expect((await as.query(api.contacts.search, { query: "orsted" })).map((c) => c.name)).toEqual(["Zoë Ørsted"]);
  });
});

describe("message search", () => {
  it("finds message text across conversations, filtered by channel, direction and date", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123", email: "ann@x.com" });
    const bob = await as.mutation(api.contacts.create, { name: "Bob", phone: "+14155550124" });
    const start = Date.now();
    await inbound(t, userId, ann, "sms", "Is my order ready for pickup?");
    vi.advanceTimersByTime(3_600_000);
    await as.mutation(api.messages.send, { contactId: ann, channel: "sms", content: "Your order is ready." });
    vi.advanceTimersByTime(3_600_000);
    await inbound(t, userId, bob, "email", "Where is my order?");
    await inbound(t, userId, bob, "sms", "Thanks!");

    const search = async (args: { query: string; channel?: "sms" | "email"; direction?: "inbound" | "outbound"; from?: number; to?: number }) =>
      (await as.query(api.search.messages, args)).results.map((r) => `${r.contactName}: ${r.message.content}`).sort();
    expect(await search({ query: "order" })).toEqual(["Ann: Is my order ready for pickup?", "Ann: Your order is ready.", "Bob: Where is my order?"]);
    expect(await search({ query: "order", channel: "email" })).toEqual(["Bob: Where is my order?"]);
    expect(await search({ query: "order", direction: "outbound" })).toEqual(["Ann: Your order is ready."]);
    expect(await search({ query: "order", from: start + 1_800_000, to: start + 5_400_000 })).toEqual(["Ann: Your order is ready."]);
    expect(await search({ query: "pick" })).toEqual(["Ann: Is my order ready for pickup?"]);
    expect(await search({ query: "   " })).toEqual([]);
  });

  it("never shows another user's messages", async () => {
    const t = setup();
    const a = await userWithSenders(t, "a@example.com");
    const b = await userWithSenders(t, "b@example.com");
    const contact = await a.as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123" });
    await inbound(t, a.userId, contact, "sms", "secret order");
    expect((await b.as.query(api.search.messages, { query: "secret" })).results).toEqual([]);
    expect((await a.as.query(api.search.messages, { query: "secret" })).results).toHaveLength(1);
  });
});
