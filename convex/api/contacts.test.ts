// @vitest-environment node
/** REST API /contacts: each route's happy path and error codes. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { setup, type TestConvex } from "../test.setup";
import * as s from "./schemas";
import { apiUser, call, expectError, type ApiResponse } from "./test.helpers";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function world(t: TestConvex) {
  const owner = await apiUser(t);
  const req = (method: string, path: string, body?: unknown) => call(t, method, path, { key: owner.key, body });
  return { ...owner, req };
}

describe("POST /contacts", () => {
  it("creates a contact with normalised addresses, audited with the key's prefix", async () => {
    const t = setup();
    const { req, prefix, as } = await world(t);
    const res = await req("POST", "/contacts", {
      name: "  Ann   Lee ",
      phone: "(415) 555-0123",
      email: "Ann@Example.COM",
      socialHandles: { instagram: "@ann" },
      metadata: { orders: 3, vip: true, note: null },
    });
    expect(res.status).toBe(201);
    const contact = s.Contact.parse(res.body);
    expect(contact).toMatchObject({
      name: "Ann Lee",
      phone: "+14155550123",
      email: "ann@example.com",
      socialHandles: { instagram: "@ann" },
      metadata: { orders: 3, vip: true, note: null },
      optedOut: { sms: false, whatsapp: false, email: false },
      unreadCount: 0,
      lastMessageAt: null,
    });
    expect(Object.keys(res.body)).not.toContain("userId");
    expect(await as.query(api.contacts.get, { contactId: contact.id as Id<"contacts"> })).toMatchObject({ name: "Ann Lee" });
    const audit = await t.run(async (ctx) => await ctx.db.query("auditLog").collect());
    expect(audit.find((e) => e.action === "contact.create")).toMatchObject({
      actor: { kind: "apiKey", id: prefix },
      target: { table: "contacts", id: contact.id },
    });
  });

  it("answers bad input with 400, a missing address with 422 and a duplicate with 409", async () => {
    const t = setup();
    const { req } = await world(t);
    expectError(await req("POST", "/contacts", { name: "Ann", phone: "123" }), 400, "INVALID_PHONE");
    expectError(await req("POST", "/contacts", { name: "Ann", email: "nope" }), 400, "INVALID_EMAIL");
    expectError(await req("POST", "/contacts", { name: "   ", phone: "+14155550123" }), 400, "INVALID_ARGUMENT");
    expectError(await req("POST", "/contacts", { phone: "+14155550123" }), 400, "INVALID_ARGUMENT");
    expectError(await req("POST", "/contacts", { name: "Ann", phone: 4155550123 }), 400, "INVALID_ARGUMENT");
    expectError(await req("POST", "/contacts", { name: "Ann", phone: "+14155550123", nickname: "A" }), 400, "INVALID_ARGUMENT");
    expectError(await req("POST", "/contacts", { name: "Ann", phone: "+14155550123", metadata: { $x: 1 } }), 400, "INVALID_ARGUMENT");
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    const many = await req("POST", "/contacts", { name: "Ann", phone: "+14155550123", metadata: tooMany });
    expectError(many, 400, "INVALID_ARGUMENT");
    expect(many.body.error.details.issues[0]).toMatchObject({ in: "body", path: "metadata" });
    // Even far more fields than Convex allows in one object is a 400, not a failure.
    const huge = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, 1]));
    expectError(await req("POST", "/contacts", { name: "Ann", phone: "+14155550123", metadata: huge }), 400, "INVALID_ARGUMENT");
    expectError(await req("POST", "/contacts", { name: "Ann" }), 422, "ADDRESS_REQUIRED");

    const first = await req("POST", "/contacts", { name: "Ann", phone: "+14155550123" });
    const dup = await req("POST", "/contacts", { name: "Annie", phone: "415-555-0123" });
    expectError(dup, 409, "DUPLICATE_CONTACT");
    expect(dup.body.error.details).toMatchObject({ field: "phone", contactId: first.body.id, contactName: "Ann" });
  });
});

describe("GET /contacts", () => {
  it("pages by name with limit and cursor, and searches", async () => {
    const t = setup();
    const { req } = await world(t);
    const names = ["Cleo", "Ann", "Bob", "Dee", "Eve"];
    for (const [i, name] of names.entries()) {
      expect((await req("POST", "/contacts", { name, phone: `+1415555010${i}` })).status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: ApiResponse = await req("GET", `/contacts?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status).toBe(200);
      const page = s.ContactList.parse(res.body);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((c) => c.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(seen).toEqual(["Ann", "Bob", "Cleo", "Dee", "Eve"]);

    const found = await req("GET", "/contacts?search=cleo");
    expect(found.body.data.map((c: { name: string }) => c.name)).toEqual(["Cleo"]);
    expect((await req("GET", "/contacts?search=%28415%29%20555-0103")).body.data.map((c: { name: string }) => c.name)).toEqual(["Dee"]);
    expect((await req("GET", "/contacts?search=zzz")).body).toEqual({ data: [], nextCursor: null });
  });

  it("refuses limits outside 1–100, unknown parameters and foreign cursors with 400", async () => {
    const t = setup();
    const { req } = await world(t);
    for (const q of ["limit=0", "limit=101", "limit=abc", "limit=2.5", "sort=name", "cursor=%7B%7D"]) {
      expectError(await req("GET", `/contacts?${q}`), 400, "INVALID_ARGUMENT");
    }
    expect((await req("GET", "/contacts?limit=100")).status).toBe(200);
  });
});

describe("GET/PATCH/DELETE /contacts/{id}", () => {
  it("gets, updates (null clears an address) and deletes", async () => {
    const t = setup();
    const { req } = await world(t);
    const { body: ann } = await req("POST", "/contacts", { name: "Ann", phone: "+14155550123", email: "ann@x.com" });
    expect(s.Contact.parse((await req("GET", `/contacts/${ann.id}`)).body)).toEqual(ann);

    const patched = await req("PATCH", `/contacts/${ann.id}`, { name: "Ann Lee", email: null, metadata: { tier: "gold" } });
    expect(patched.status).toBe(200);
    expect(s.Contact.parse(patched.body)).toMatchObject({ name: "Ann Lee", email: null, phone: "+14155550123", metadata: { tier: "gold" } });
    expect((await req("PATCH", `/contacts/${ann.id}`, {})).body).toMatchObject({ name: "Ann Lee" });

    expectError(await req("PATCH", `/contacts/${ann.id}`, { phone: null }), 422, "ADDRESS_REQUIRED");
    expectError(await req("PATCH", `/contacts/${ann.id}`, { phone: "nope" }), 400, "INVALID_PHONE");
    const { body: bob } = await req("POST", "/contacts", { name: "Bob", email: "bob@x.com" });
    expectError(await req("PATCH", `/contacts/${ann.id}`, { email: "BOB@x.com" }), 409, "DUPLICATE_CONTACT");
    expectError(await req("PATCH", `/contacts/${ann.id}`, { name: 7 }), 400, "INVALID_ARGUMENT");

    expect((await req("DELETE", `/contacts/${bob.id}`)).status).toBe(204);
    expectError(await req("GET", `/contacts/${bob.id}`), 404, "NOT_FOUND");
    expectError(await req("DELETE", `/contacts/${bob.id}`), 404, "NOT_FOUND");
    expectError(await req("PATCH", `/contacts/${bob.id}`, { name: "x" }), 404, "NOT_FOUND");
  });

  it("gives 404 for malformed ids and ids of other tables", async () => {
    const t = setup();
    const { req } = await world(t);
    const { body: group } = await req("POST", "/groups", { name: "VIP" });
    for (const id of ["nope", "123", "%F0%9F%98%80", group.id, "x".repeat(200), "%E0%A4%A"]) {
      for (const method of ["GET", "PATCH", "DELETE"]) {
        expectError(await req(method, `/contacts/${id}`, method === "PATCH" ? { name: "x" } : undefined), 404, "NOT_FOUND");
      }
    }
  });

  it("deletes like the app does: memberships and notes at once, messages in scheduled batches", async () => {
    const t = setup();
    const { req, as } = await world(t);
    const { body: ann } = await req("POST", "/contacts", { name: "Ann", phone: "+14155550123" });
    const { body: group } = await req("POST", "/groups", { name: "VIP" });
    await req("POST", `/groups/${group.id}/members`, { contactIds: [ann.id] });
    await as.mutation(api.notes.create, { contactId: ann.id, content: "likes tea" });
    const sent = await req("POST", "/messages", {
      contactId: ann.id,
      channel: "sms",
      content: "Later",
      scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(sent.status).toBe(202);

    expect((await req("DELETE", `/contacts/${ann.id}`)).status).toBe(204);
    expect((await req("GET", `/groups/${group.id}`)).body.memberCount).toBe(0);
    const counts = async () =>
      await t.run(async (ctx) => ({
        notes: (await ctx.db.query("notes").collect()).length,
        messages: (await ctx.db.query("messages").collect()).length,
      }));
    expect(await counts()).toEqual({ notes: 0, messages: 1 });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await counts()).toEqual({ notes: 0, messages: 0 });
    const audit = await t.run(async (ctx) => await ctx.db.query("auditLog").collect());
    expect(audit.find((e) => e.action === "contact.remove")?.actor.kind).toBe("apiKey");
  });
});
