// @vitest-environment node
/** REST API /groups and members: each route's happy path and error codes. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setup, type TestConvex } from "../test.setup";
import * as s from "./schemas";
import { apiUser, call, expectError } from "./test.helpers";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function world(t: TestConvex) {
  const owner = await apiUser(t);
  const req = (method: string, path: string, body?: unknown) => call(t, method, path, { key: owner.key, body });
  const contact = async (name: string, phone: string) => (await req("POST", "/contacts", { name, phone })).body.id as string;
  return { ...owner, req, contact };
}

describe("/groups", () => {
  it("creates, lists by name, gets, renames and deletes", async () => {
    const t = setup();
    const { req, prefix } = await world(t);
    const vip = await req("POST", "/groups", { name: " VIP  customers ", description: "Top spenders" });
    expect(vip.status).toBe(201);
    expect(s.Group.parse(vip.body)).toMatchObject({ name: "VIP customers", description: "Top spenders", memberCount: 0 });
    await req("POST", "/groups", { name: "Alpha" });
    await req("POST", "/groups", { name: "Zeta" });

    const first = s.GroupList.parse((await req("GET", "/groups?limit=2")).body);
    expect(first.data.map((g) => g.name)).toEqual(["Alpha", "VIP customers"]);
    const rest = s.GroupList.parse((await req("GET", `/groups?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`)).body);
    expect(rest).toMatchObject({ data: [{ name: "Zeta" }], nextCursor: null });

    expect((await req("GET", `/groups/${vip.body.id}`)).body).toEqual(vip.body);
    const renamed = await req("PATCH", `/groups/${vip.body.id}`, { name: "VIPs" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "VIPs", description: "Top spenders" });
    expect((await req("DELETE", `/groups/${vip.body.id}`)).status).toBe(204);
    expectError(await req("GET", `/groups/${vip.body.id}`), 404, "NOT_FOUND");
    const audit = await t.run(async (ctx) => await ctx.db.query("auditLog").collect());
    for (const action of ["group.create", "group.update", "group.remove"]) {
      expect(audit.find((e) => e.action === action)?.actor).toEqual({ kind: "apiKey", id: prefix });
    }
  });

  it("answers duplicates with 409, bad names with 400 and unknown groups with 404", async () => {
    const t = setup();
    const { req } = await world(t);
    const { body: vip } = await req("POST", "/groups", { name: "VIP" });
    const { body: other } = await req("POST", "/groups", { name: "Other" });
    expectError(await req("POST", "/groups", { name: "vip" }), 409, "DUPLICATE_GROUP");
    expectError(await req("PATCH", `/groups/${other.id}`, { name: "VIP" }), 409, "DUPLICATE_GROUP");
    expectError(await req("POST", "/groups", { name: "" }), 400, "INVALID_ARGUMENT");
    expectError(await req("POST", "/groups", { name: "x".repeat(101) }), 400, "INVALID_ARGUMENT");
    expectError(await req("POST", "/groups", {}), 400, "INVALID_ARGUMENT");
    expectError(await req("PATCH", `/groups/${vip.id}`, { color: "red" }), 400, "INVALID_ARGUMENT");
    for (const id of ["nope", other.id.replace(/.$/, "x")]) {
      expectError(await req("GET", `/groups/${id}`), 404, "NOT_FOUND");
      expectError(await req("PATCH", `/groups/${id}`, { name: "Y" }), 404, "NOT_FOUND");
      expectError(await req("DELETE", `/groups/${id}`), 404, "NOT_FOUND");
      expectError(await req("GET", `/groups/${id}/members`), 404, "NOT_FOUND");
    }
  });
});

describe("/groups/{id}/members", () => {
  it("adds (twice is a no-op), lists in order added, and removes members", async () => {
    const t = setup();
    const { req, contact } = await world(t);
    const ann = await contact("Ann", "+14155550100");
    const bob = await contact("Bob", "+14155550101");
    const cy = await contact("Cy", "+14155550102");
    const { body: group } = await req("POST", "/groups", { name: "VIP" });

    const added = await req("POST", `/groups/${group.id}/members`, { contactIds: [bob, ann, bob] });
    expect(added.status).toBe(200);
    expect(s.MembersAdded.parse(added.body)).toEqual({ added: 2, alreadyMembers: 0 });
    expect((await req("POST", `/groups/${group.id}/members`, { contactIds: [ann, cy] })).body).toEqual({
      added: 1,
      alreadyMembers: 1,
    });
    expect((await req("GET", `/groups/${group.id}`)).body.memberCount).toBe(3);

    const page = s.ContactList.parse((await req("GET", `/groups/${group.id}/members?limit=2`)).body);
    expect(page.data).toHaveLength(2);
    const next = s.ContactList.parse(
      (await req("GET", `/groups/${group.id}/members?cursor=${encodeURIComponent(page.nextCursor!)}`)).body,
    );
    expect(new Set([...page.data, ...next.data].map((c) => c.name))).toEqual(new Set(["Ann", "Bob", "Cy"]));
    expect(next.nextCursor).toBeNull();

    expect((await req("DELETE", `/groups/${group.id}/members/${bob}`)).status).toBe(204);
    expectError(await req("DELETE", `/groups/${group.id}/members/${bob}`), 404, "NOT_FOUND");
    expect((await req("GET", `/groups/${group.id}`)).body.memberCount).toBe(2);
  });

  it("checks every contact id and the batch size", async () => {
    const t = setup();
    const { req, contact } = await world(t);
    const ann = await contact("Ann", "+14155550100");
    const { body: group } = await req("POST", "/groups", { name: "VIP" });
    expectError(await req("POST", `/groups/${group.id}/members`, { contactIds: [ann, "nope"] }), 404, "NOT_FOUND");
    expectError(await req("POST", `/groups/${group.id}/members`, { contactIds: [ann, group.id] }), 404, "NOT_FOUND");
    // Nothing was added by the refused call.
    expect((await req("GET", `/groups/${group.id}`)).body.memberCount).toBe(0);
    expectError(await req("POST", `/groups/${group.id}/members`, { contactIds: [] }), 400, "INVALID_ARGUMENT");
    expectError(await req("POST", `/groups/${group.id}/members`, { contactIds: ann }), 400, "INVALID_ARGUMENT");
    const many = Array.from({ length: 501 }, () => ann);
    expectError(await req("POST", `/groups/${group.id}/members`, { contactIds: many }), 400, "INVALID_ARGUMENT");
    expectError(await req("DELETE", `/groups/${group.id}/members/nope`), 404, "NOT_FOUND");
    expectError(await req("DELETE", `/groups/nope/members/${ann}`), 404, "NOT_FOUND");
  });
});
