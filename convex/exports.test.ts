// @vitest-environment node
/** CSV exports: built in batches into chunks, every field, a date range, failed import rows, formulas neutralised. */
import Papa from "papaparse";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { CHUNK_CHARS, EXPORT_BATCH, safeCell, splitChunks } from "./lib/exports";
import { code, setup, signedInUser, type SignedIn, type TestConvex } from "./test.setup";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Build the export and download it the way the app does: chunk by chunk. */
async function download(t: TestConvex, user: SignedIn, exportId: Id<"exports">) {
  await t.finishAllScheduledFunctions(vi.runAllTimers);
  const exp = await user.as.query(api.exports.get, { exportId });
  expect(exp.status).toBe("ready");
  let text = "";
  for (let seq = 0; seq < exp.chunks; seq++) text += await user.as.query(api.exports.chunk, { exportId, seq });
  return { exp, rows: Papa.parse<string[]>(text.trimEnd()).data };
}

describe("exports", () => {
  it("exports every contact with tags and custom fields, in name order", async () => {
    const t = setup();
    const user = await signedInUser(t);
    await user.as.mutation(api.customFields.create, { label: "Tier", type: "select", options: ["Gold"] });
    await user.as.mutation(api.customFields.create, { label: "VIP", type: "boolean" });
    await user.as.mutation(api.contacts.create, { name: "Bo", phone: "+14155550102", tags: ["a", "b"], fields: { tier: "Gold", vip: true } });
    await user.as.mutation(api.contacts.create, { name: "=HYPERLINK(\"x\")", email: "ann@example.com" });
    const exportId = await user.as.mutation(api.exports.create, { kind: "contacts" });
    const { rows, exp } = await download(t, user, exportId);
    expect(exp.rows).toBe(2);
    expect(rows[0]).toEqual(expect.arrayContaining(["id", "name", "phone", "email", "tags", "Tier", "VIP", "consent_source"]));
    const col = (name: string) => rows[0].indexOf(name);
    expect(rows.slice(1).map((r) => [r[col("name")], r[col("phone")], r[col("tags")], r[col("Tier")], r[col("VIP")]])).toEqual([
      // "=" sorts before letters.
      ["'=HYPERLINK(\"x\")", "", "", "", ""],
      ["Bo", "+14155550102", "a, b", "Gold", "Yes"],
    ]);
  });

  it("exports the messages of a date range, one row each, in batches", async () => {
    const t = setup();
    const user = await signedInUser(t);
    const contactId = await user.as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550101" });
    const day = Date.UTC(2026, 0, 10);
    const count = EXPORT_BATCH.messages * 2 + 5;
    await t.run(async (ctx) => {
      for (let i = 0; i < count + 10; i++) {
        await ctx.db.insert("messages", {
          userId: user.userId,
          contactId,
          channel: "sms",
          direction: i % 2 ? "inbound" : "outbound",
          status: i % 2 ? "received" : "delivered",
          content: `Message ${i}, with "quotes"\nand a newline`,
          at: day + i * 60_000 - (i >= count ? 86_400_000 * 3 : 0),
          attempts: 0,
        });
      }
    });
    const exportId = await user.as.mutation(api.exports.create, { kind: "messages", from: day, to: day + 86_400_000 });
    const { rows, exp } = await download(t, user, exportId);
    expect(exp.rows).toBe(count);
    expect(rows).toHaveLength(count + 1);
    expect(rows[1].slice(1, 7)).toEqual([new Date(day).toISOString(), "outbound", "sms", "delivered", contactId, "Ann"]);
    expect(rows[1][10]).toBe('Message 0, with "quotes"\nand a newline');
    await expect(user.as.mutation(api.exports.create, { kind: "messages", from: day, to: day })).rejects.toMatchObject(code("INVALID_ARGUMENT"));
  });

  it("exports an import's failed rows with the reason and the original cells", async () => {
    const t = setup();
    const user = await signedInUser(t);
    const storageId = await t.run(async (ctx) => await ctx.storage.store(new Blob(["Name,Phone\nAnn,+14155550101\nBo,12\nCy,\n"])));
    const importId = await user.as.mutation(api.imports.create, { storageId, fileName: "shop.csv" });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    await user.as.mutation(api.imports.start, { importId });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const exportId = await user.as.mutation(api.exports.create, { kind: "importFailures", importId });
    const { rows, exp } = await download(t, user, exportId);
    expect(exp.fileName).toBe("shop-failed-rows.csv");
    expect(rows).toEqual([
      ["row", "reason", "Name", "Phone"],
      ["3", '"12" is not a valid phone number (default country US).', "Bo", "12"],
      ["4", "No phone number or email address.", "Cy", ""],
    ]);
  });

  it("deletes exports after a day", async () => {
    const t = setup();
    const user = await signedInUser(t);
    const exportId = await user.as.mutation(api.exports.create, { kind: "contacts" });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    vi.advanceTimersByTime(25 * 3600_000);
    await t.mutation(internal.exportJobs.cleanup, {});
    await expect(user.as.query(api.exports.get, { exportId })).rejects.toMatchObject(code("NOT_FOUND"));
    expect(await t.run(async (ctx) => await ctx.db.query("exportChunks").collect())).toEqual([]);
  });
});

describe("CSV cells", () => {
  it("neutralises formulas but keeps phone numbers and negative numbers", () => {
    expect(["=1+1", "@SUM(A1)", "+cmd", "-x", "+14155550123", "-12.5", "plain"].map(safeCell)).toEqual([
      "'=1+1",
      "'@SUM(A1)",
      "'+cmd",
      "'-x",
      "+14155550123",
      "-12.5",
      "plain",
    ]);
  });
  it("splits long text into chunks without breaking a surrogate pair", () => {
    const text = "a".repeat(CHUNK_CHARS - 1) + "😀" + "b";
    const chunks = splitChunks(text);
    expect(chunks.join("")).toBe(text);
    expect(chunks[0]).toHaveLength(CHUNK_CHARS - 1);
  });
});
