// @vitest-environment node
/** REST API /segments and broadcasts to a segment. */
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

describe("segments over the API", () => {
  it("creates a segment, counts and lists its contacts, and broadcasts to it", async () => {
    const t = setup();
    const { key } = await apiUser(t);
    const req = (method: string, path: string, body?: unknown) => call(t, method, path, { key, body });
    for (const [name, phone, tags] of [["Ann", "+14155550101", ["vip"]], ["Bo", "+14155550102", []], ["Cy", "+14155550103", ["VIP"]]] as const) {
      await req("POST", "/contacts", { name, phone, tags });
    }
    const created = await req("POST", "/segments", { name: "VIP", conditions: [{ kind: "tag", has: true, tag: "vip" }, { kind: "reachable", channel: "sms" }] });
    expect(created.status).toBe(201);
    const got = await req("GET", `/segments/${created.body.id}`);
    expect(s.Segment.parse(got.body)).toMatchObject({ name: "VIP", count: 2 });
    expect((await req("GET", `/segments/${created.body.id}/contacts`)).body.data.map((c: { name: string }) => c.name)).toEqual(["Ann", "Cy"]);
    expectError(await req("POST", "/segments", { name: "vip", conditions: [] }), 409, "DUPLICATE_NAME");
    expectError(await req("POST", "/segments", { name: "X", conditions: [{ kind: "colour", value: "red" }] }), 400, "INVALID_ARGUMENT");

    const sent = await req("POST", "/broadcasts", { segmentId: created.body.id, channel: "sms", content: "VIP night" });
    expect(sent.status).toBe(202);
    expect(s.Broadcast.parse(sent.body)).toMatchObject({ groupId: null, segmentId: created.body.id, groupName: "VIP" });
    expectError(await req("POST", "/broadcasts", { channel: "sms", content: "x" }), 400, "INVALID_ARGUMENT");
    expect((await req("DELETE", `/segments/${created.body.id}`)).status).toBe(204);
    expectError(await req("GET", `/segments/${created.body.id}`), 404, "NOT_FOUND");
  });
});
