// @vitest-environment node
/** REST API /imports: a text/csv body, dryRun previews, background runs, rows, cancel and undo. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setup, type TestConvex } from "../test.setup";
import * as s from "./schemas";
import { apiUser, BASE, call, expectError } from "./test.helpers";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const CSV = "name;phone;email\nAnn Lee;(415) 555-0101;ann@example.com\nBo;12;\nCy;+14155550103;cy@example.com\n";

async function post(t: TestConvex, key: string, query: string, body: BodyInit, type = "text/csv") {
  const res = await t.fetch(`${BASE}/imports${query}`, { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": type }, body });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

describe("POST /imports", () => {
  it("previews with dryRun=true and writes nothing; runs in the background otherwise", async () => {
    const t = setup();
    const { key } = await apiUser(t);
    const preview = await post(t, key, "?dryRun=true&fileName=shop.csv", CSV);
    expect(preview.status).toBe(200);
    expect(s.Import.parse(preview.body)).toMatchObject({
      fileName: "shop.csv",
      status: "ready",
      file: { delimiter: ";", hasHeader: true, headers: ["name", "phone", "email"], rows: 3 },
      mapping: ["name", "phone", "email"],
      preview: { new: 2, updated: 0, skipped: 0, invalid: 1 },
      problems: [{ row: 3, message: '"12" is not a valid phone number (default country US).' }],
    });
    expect((await call(t, "GET", "/contacts", { key })).body.data).toEqual([]);

    const run = await post(t, key, "?onDuplicate=skip&tag=shop&newGroup=Shop%20customers", CSV);
    expect(run.status).toBe(202);
    expect(run.body.status).toBe("staging");
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const done = await call(t, "GET", `/imports/${run.body.id}`, { key });
    expect(s.Import.parse(done.body)).toMatchObject({
      status: "completed",
      progress: { processed: 3, total: 3 },
      counts: { created: 2, updated: 0, unchanged: 0, skipped: 0, invalid: 1, failed: 0 },
      options: { onDuplicate: "skip", tag: "shop", newGroupName: "Shop customers" },
    });
    const contacts = (await call(t, "GET", "/contacts", { key })).body.data;
    expect(contacts.map((c: { name: string; tags: string[] }) => [c.name, c.tags])).toEqual([
      ["Ann Lee", ["shop"]],
      ["Cy", ["shop"]],
    ]);
    const invalid = await call(t, "GET", `/imports/${run.body.id}/rows?status=invalid`, { key });
    expect(invalid.body).toEqual({ data: [{ row: 3, status: "invalid", reason: expect.stringContaining('"12"'), contactId: null, cells: ["Bo", "12", ""] }], nextCursor: null });

    // The previewed import can run later, and a finished one can be undone.
    const started = await call(t, "POST", `/imports/${preview.body.id}/start`, { key });
    expect(started.status).toBe(202);
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect((await call(t, "GET", `/imports/${preview.body.id}`, { key })).body.counts).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect((await call(t, "POST", `/imports/${run.body.id}/undo`, { key })).status).toBe(202);
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect((await call(t, "GET", "/contacts", { key })).body.data).toEqual([]);
    expect((await call(t, "GET", "/imports", { key })).body.data.map((i: { status: string }) => i.status)).toEqual(["undone", "completed"]);
  });

  it("answers a file that is not CSV with 400 INVALID_FILE, and bad requests with 400", async () => {
    const t = setup();
    const { key } = await apiUser(t);
    const xlsx = await post(t, key, "", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]));
    expectError(xlsx, 400, "INVALID_FILE");
    expect(xlsx.body.error.message).toMatch(/Excel/);
    expectError(await post(t, key, "", CSV, "application/json"), 400, "INVALID_ARGUMENT");
    expectError(await post(t, key, "", ""), 400, "INVALID_ARGUMENT");
    expectError(await post(t, key, "?defaultCountry=XX", CSV), 400, "INVALID_ARGUMENT");
    expectError(await post(t, key, "?onDuplicate=merge", CSV), 400, "INVALID_ARGUMENT");
    expectError(await post(t, key, "?mapping=name,name,email", CSV), 400, "INVALID_ARGUMENT");
    expectError(await post(t, key, "?groupId=nope", CSV), 404, "NOT_FOUND");
    expectError(await post(t, key, "", new Uint8Array(10 * 1024 * 1024 + 1)), 413, "PAYLOAD_TOO_LARGE");
    expectError(await call(t, "POST", `/imports/${"x".repeat(10)}/cancel`, { key }), 404, "NOT_FOUND");
    // Nothing is left stored from the refused requests but their failed imports' records.
    const files = await t.run(async (ctx) => await ctx.db.system.query("_storage").collect());
    expect(files.length).toBeLessThanOrEqual(2);
  });

  it("cancels a running import", async () => {
    const t = setup();
    const { key } = await apiUser(t);
    const run = await post(t, key, "", CSV);
    const canceled = await call(t, "POST", `/imports/${run.body.id}/cancel`, { key });
    expect(canceled.body.status).toBe("canceled");
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect((await call(t, "GET", "/contacts", { key })).body.data).toEqual([]);
    expectError(await call(t, "POST", `/imports/${run.body.id}/cancel`, { key }), 422, "INVALID_STATE");
  });
});

describe("exports over the API", () => {
  it("builds a contacts export and downloads it as CSV; refuses the download until ready", async () => {
    const t = setup();
    const { key } = await apiUser(t);
    await call(t, "POST", "/contacts", { key, body: { name: "Zoë", phone: "+14155550101", tags: ["vip"] } });
    const created = await call(t, "POST", "/exports", { key, body: { kind: "contacts" } });
    expect(created.status).toBe(202);
    expect(s.Export.parse(created.body)).toMatchObject({ kind: "contacts", status: "building" });
    expectError(await call(t, "GET", `/exports/${created.body.id}/file`, { key }), 422, "INVALID_STATE");
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect((await call(t, "GET", `/exports/${created.body.id}`, { key })).body).toMatchObject({ status: "ready", rows: 1 });
    const res = await t.fetch(`${BASE}/exports/${created.body.id}/file`, { headers: { Authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="contacts-.*\.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    // A UTF-8 BOM first (decoders drop it when reading text).
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith("id,name,phone,email,tags,opted_out_sms,")).toBe(true);
    expect(text).toContain("Zoë,+14155550101,,vip");
    expectError(await call(t, "POST", "/exports", { key, body: { kind: "messages" } }), 400, "INVALID_ARGUMENT");
  });
});
