// @vitest-environment node
/** REST API: /custom-fields, /tags, and contacts' tags and custom fields. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setup } from "../test.setup";
import * as s from "./schemas";
import { apiUser, call, expectError } from "./test.helpers";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("custom fields and tags over the API", () => {
  it("defines a field, writes typed values with a contact, and refuses wrong ones with 400", async () => {
    const t = setup();
    const { key } = await apiUser(t);
    const req = (method: string, path: string, body?: unknown) => call(t, method, path, { key, body });
    const created = await req("POST", "/custom-fields", { label: "Tier", type: "select", options: ["Gold", "Silver"] });
    expect(created.status).toBe(201);
    expect(s.CustomField.parse(created.body)).toMatchObject({ key: "tier", options: ["Gold", "Silver"] });
    expectError(await req("POST", "/custom-fields", { label: "tier", type: "text" }), 409, "DUPLICATE_NAME");
    expectError(await req("POST", "/custom-fields", { label: "X", type: "color" }), 400, "INVALID_ARGUMENT");

    const contact = await req("POST", "/contacts", { name: "Ann", phone: "+14155550123", tags: ["VIP", "vip"], fields: { tier: "gold" } });
    expect(contact.status).toBe(201);
    expect(s.Contact.parse(contact.body)).toMatchObject({ tags: ["VIP"], fields: { tier: "Gold" }, consent: null });
    const bad = await req("PATCH", `/contacts/${contact.body.id}`, { fields: { tier: "Bronze" } });
    expectError(bad, 400, "INVALID_FIELD_VALUE");
    expect(bad.body.error.details.field).toBe("tier");

    const tagged = await req("POST", "/tags/apply", { contactIds: [contact.body.id], add: ["Newsletter"], remove: ["vip"] });
    expect(tagged.body).toEqual({ changed: 1 });
    expect((await req("GET", "/tags")).body).toEqual({ data: [{ name: "Newsletter", contacts: 1 }] });
    expect((await req("GET", `/contacts/${contact.body.id}`)).body.tags).toEqual(["Newsletter"]);

    const renamed = await req("PATCH", `/custom-fields/${created.body.id}`, { label: "Level", options: ["Gold", "Silver", "Bronze"] });
    expect(renamed.body).toMatchObject({ key: "tier", label: "Level" });
    expect((await req("DELETE", `/custom-fields/${created.body.id}`)).status).toBe(204);
    expect((await req("GET", "/custom-fields")).body).toEqual({ data: [] });
    expectError(await req("DELETE", `/custom-fields/${created.body.id}`), 404, "NOT_FOUND");
  });
});
