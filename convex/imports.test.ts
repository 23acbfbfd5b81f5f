// @vitest-environment node
/** CSV imports end to end at the function level: preview, run, counts, failed rows, cancel, undo, resume. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { PROCESS_BATCH, STALE_MS } from "./importJobs";
import { code, setup, signedInUser, type SignedIn, type TestConvex } from "./test.setup";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function upload(t: TestConvex, content: string | Uint8Array) {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return await t.run(async (ctx) => await ctx.storage.store(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "text/csv" })));
}

async function settle(t: TestConvex) {
  await t.finishAllScheduledFunctions(vi.runAllTimers);
}

/** Upload, create and analyse: the import with its preview. */
async function analysed(t: TestConvex, user: SignedIn, content: string | Uint8Array, options = {}) {
  const storageId = await upload(t, content);
  const importId = await user.as.mutation(api.imports.create, { storageId, fileName: "customers.csv", options });
  await settle(t);
  return { importId, imp: await user.as.query(api.imports.get, { importId }) };
}

async function contacts(t: TestConvex, userId: Id<"users">) {
  return await t.run(async (ctx) => (await ctx.db.query("contacts").collect()).filter((c) => c.userId === userId));
}

const CSV = [
  "First name,Last name,Mobile,Email,Tags,Tier,Consent",
  "Ann,Lee,(415) 555-0101,ann@example.com,vip,Gold,yes",
  "Bo,Diaz,+1 415 555 0102,,,,", // updates the existing Bo (fills his empty email? none given) → unchanged
  "Cy,Park,415.555.0103,cy@example.com,\"new, spring\",Silver,no",
  "Dee,Khan,12,dee@example.com,,,", // invalid phone
  "Ann,Lee,+14155550101,ann.lee@work.example,,,", // same phone as row 2 → merged
  "Eli,Moss,,eli@example.com,,Bronze,", // invalid tier
  "Fay,Reed,+1 415 555 0106,,,,",
].join("\n");

async function owner(t: TestConvex) {
  const user = await signedInUser(t);
  await user.as.mutation(api.customFields.create, { label: "Tier", type: "select", options: ["Gold", "Silver"] });
  await user.as.mutation(api.contacts.create, { name: "Bo Diaz", phone: "+14155550102", tags: ["old"] });
  await user.as.mutation(api.contacts.create, { name: "+1 415 555 0106", phone: "+14155550106" });
  return user;
}

describe("CSV import", () => {
  it("previews before anything is written, then runs, with counts equal to the database", async () => {
    const t = setup();
    const user = await owner(t);
    const before = await contacts(t, user.userId);
    const { importId, imp } = await analysed(t, user, CSV, { onDuplicate: "fillEmpty", tag: "Spring import", newGroupName: "Imported May" });
    expect(imp.status).toBe("ready");
    expect(imp.analysis).toMatchObject({
      encoding: "utf-8",
      delimiter: ",",
      hasHeader: true,
      mapping: ["firstName", "lastName", "mobile", "email", "tags", "field:tier", "consent"],
      rows: 7,
      // New: Ann (merged with row 6), Cy. Updated: Bo and Fay (tag; Fay's name came from her number).
      preview: { new: 2, updated: 2, skipped: 1, invalid: 2 },
    });
    expect(imp.analysis!.problems).toEqual([
      { row: 5, message: '"12" is not a valid phone number (default country US).' },
      { row: 6, message: "Same phone number as row 2: merged into it." },
      { row: 7, message: "Tier: expected one of Gold, Silver." },
    ]);
    expect(await contacts(t, user.userId)).toEqual(before);

    await user.as.mutation(api.imports.start, { importId });
    await settle(t);
    const done = await user.as.query(api.imports.get, { importId });
    expect(done.status).toBe("completed");
    expect(done.counts).toEqual({ created: 2, updated: 2, unchanged: 0, skipped: 1, invalid: 2, failed: 0 });
    expect(done.processed).toBe(7);
    expect(done.storageId).toBeUndefined();

    const all = await contacts(t, user.userId);
    expect(all).toHaveLength(before.length + done.counts.created);
    const ann = all.find((c) => c.phone === "+14155550101")!;
    expect(ann).toMatchObject({
      name: "Ann Lee",
      email: "ann@example.com",
      tags: ["vip", "Spring import"],
      fields: { tier: "Gold" },
      consent: { optedIn: true, source: `import:${importId}` },
      importId,
    });
    const cy = all.find((c) => c.email === "cy@example.com")!;
    expect(cy.optedOut).toEqual({ sms: true, whatsapp: true, email: true });
    expect(all.find((c) => c.phone === "+14155550106")!.name).toBe("Fay Reed");
    expect(all.find((c) => c.phone === "+14155550102")!.tags).toEqual(["old", "Spring import"]);

    const group = await t.run(async (ctx) => (await ctx.db.query("groups").collect())[0]);
    expect(group).toMatchObject({ name: "Imported May", memberCount: 4 });
    expect((await user.as.query(api.tags.list, {})).find((tag) => tag.name === "Spring import")?.count).toBe(4);
    const stats = await t.run(async (ctx) => await ctx.db.query("accountStats").first());
    expect(stats?.contacts).toBe(all.length);

    const failed = await user.as.query(api.imports.rows, { importId, status: "invalid", paginationOpts: { numItems: 10, cursor: null } });
    expect(failed.page.map((r) => [r.row, r.raw[0], r.reason])).toEqual([
      [5, "Dee", '"12" is not a valid phone number (default country US).'],
      [7, "Eli", "Tier: expected one of Gold, Silver."],
    ]);
  });

  it("handles duplicates of existing contacts as chosen: skip, fill empty fields, or overwrite", async () => {
    const csv = "name,phone,email,tier\nRobert Diaz,+14155550102,bo@example.com,Gold\n";
    for (const [onDuplicate, expected] of [
      ["skip", { name: "Bo Diaz", email: undefined, fields: undefined }],
      ["fillEmpty", { name: "Bo Diaz", email: "bo@example.com", fields: { tier: "Gold" } }],
      ["overwrite", { name: "Robert Diaz", email: "bo@example.com", fields: { tier: "Gold" } }],
    ] as const) {
      const t = setup();
      const user = await owner(t);
      const { importId } = await analysed(t, user, csv, { onDuplicate });
      await user.as.mutation(api.imports.start, { importId });
      await settle(t);
      const bo = (await contacts(t, user.userId)).find((c) => c.phone === "+14155550102")!;
      expect({ name: bo.name, email: bo.email, fields: bo.fields }, onDuplicate).toEqual(expected);
      expect((await contacts(t, user.userId)).length).toBe(2);
    }
  });

  it("reads a time zone column: new contacts get the zone, an existing one when overwriting, and undo puts it back", async () => {
    const t = setup();
    const user = await owner(t);
    const csv = "Name,Phone,Time zone\nBo Diaz,+14155550102,america/los_angeles\nGus Hart,+14155550107,Europe/London\nHal Webb,+14155550108,Nowhere/Land\n";
    const { importId, imp } = await analysed(t, user, csv, { onDuplicate: "overwrite" });
    expect(imp.analysis).toMatchObject({ mapping: ["name", "phone", "timeZone"], preview: { new: 1, updated: 1, invalid: 1 } });
    expect(imp.analysis!.problems).toEqual([
      { row: 4, message: '"Nowhere/Land" is not a time zone (an IANA name such as Europe/Paris or America/New_York).' },
    ]);
    await user.as.mutation(api.imports.start, { importId });
    await settle(t);
    const zoneOf = async (phone: string) => (await contacts(t, user.userId)).find((c) => c.phone === phone)?.timeZone;
    expect(await zoneOf("+14155550102")).toBe("America/Los_Angeles");
    expect(await zoneOf("+14155550107")).toBe("Europe/London");
    await user.as.mutation(api.imports.undo, { importId });
    await settle(t);
    expect(await zoneOf("+14155550102")).toBeUndefined();
    expect(await zoneOf("+14155550107")).toBeUndefined();
  });

  it("refuses a row whose phone and email belong to two different contacts", async () => {
    const t = setup();
    const user = await owner(t);
    await user.as.mutation(api.contacts.create, { name: "Zed", email: "zed@example.com" });
    const { importId, imp } = await analysed(t, user, "name,phone,email\nX,+14155550102,zed@example.com\n", { onDuplicate: "overwrite" });
    expect(imp.analysis!.preview).toEqual({ new: 0, updated: 0, skipped: 0, invalid: 1 });
    await user.as.mutation(api.imports.start, { importId });
    await settle(t);
    const done = await user.as.query(api.imports.get, { importId });
    expect(done.counts.failed).toBe(1);
    expect(done.problems[0].message).toBe("The phone number belongs to Bo Diaz and the email address to Zed.");
  });

  it("reads Windows-1252 files separated by semicolons, with quoted newlines", async () => {
    const t = setup();
    const user = await signedInUser(t);
    const text = 'Nom;Téléphone;Notes\r\n"Zoë Müller";+33 6 12 34 56 78;"line one\r\nline two"\r\nFrançois;+33 6 12 34 56 79;x\r\n';
    const bytes = Uint8Array.from([...text].map((ch) => ({ ë: 0xeb, ü: 0xfc, é: 0xe9, ç: 0xe7 })[ch] ?? ch.charCodeAt(0)));
    const { importId, imp } = await analysed(t, user, bytes, { defaultCountry: "FR" });
    expect(imp.analysis).toMatchObject({ encoding: "windows-1252", delimiter: ";", headers: ["Nom", "Téléphone", "Notes"], mapping: ["name", "phone", ""] });
    await user.as.mutation(api.imports.start, { importId });
    await settle(t);
    expect((await contacts(t, user.userId)).map((c) => [c.name, c.phone]).sort()).toEqual([
      ["François", "+33612345679"],
      ["Zoë Müller", "+33612345678"],
    ]);
  });

  it("fails clearly on a file that is not CSV, and on options that are not valid", async () => {
    const t = setup();
    const user = await signedInUser(t);
    const { imp } = await analysed(t, user, new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0]));
    expect(imp).toMatchObject({ status: "failed", error: { code: "INVALID_FILE", message: expect.stringContaining("Excel") } });
    const storageId = await upload(t, "name,phone\nA,+14155550101\n");
    await expect(user.as.mutation(api.imports.create, { storageId, fileName: "x.csv", options: { defaultCountry: "XX" } })).rejects.toMatchObject(
      code("INVALID_ARGUMENT"),
    );
    await expect(user.as.mutation(api.imports.start, { importId: imp._id })).rejects.toMatchObject(code("INVALID_STATE"));
  });

  it("re-analyses with a chosen column mapping", async () => {
    const t = setup();
    const user = await signedInUser(t);
    const { importId, imp } = await analysed(t, user, "a,b\nAnn,ann@example.com\n");
    // "a,b" is a header of nothing known: the email column is found by its values.
    expect(imp.analysis!.mapping).toEqual(["", "email"]);
    await user.as.mutation(api.imports.setOptions, { importId, options: { mapping: ["name", "email"] } });
    await settle(t);
    expect((await user.as.query(api.imports.get, { importId })).analysis!.mapping).toEqual(["name", "email"]);
    await expect(user.as.mutation(api.imports.setOptions, { importId, options: { mapping: ["name", "name"] } })).rejects.toMatchObject(
      code("INVALID_ARGUMENT"),
    );
  });

  it("previews a 5 MB file of 50,000 rows", async () => {
    const t = setup();
    const user = await signedInUser(t);
    const lines = ["First name,Last name,Phone,Email,Tags,Notes"];
    for (let i = 0; i < 50_000; i++) {
      lines.push(`Ann${i},Lee,+1415${String(2_000_000 + i)},ann${i}@example.com,"vip, spring",Customer since 2019 with notes about them`);
    }
    const csv = lines.join("\n");
    expect(csv.length).toBeGreaterThan(5_000_000);
    const { imp } = await analysed(t, user, csv);
    expect(imp.analysis).toMatchObject({ rows: 50_000, preview: { new: 50_000, updated: 0, skipped: 0, invalid: 0 } });
    // One row more is refused.
    const { imp: tooBig } = await analysed(t, user, `${csv}\nX,Y,+14155550100,x@example.com,,`);
    expect(tooBig).toMatchObject({ status: "failed", error: { code: "LIMIT_EXCEEDED" } });
  }, 120_000);
});

async function bigImport(t: TestConvex, user: SignedIn, rows: number) {
  const lines = ["name,phone"];
  for (let i = 0; i < rows; i++) lines.push(`Person ${i},+1415${String(3_000_000 + i)}`);
  const { importId } = await analysed(t, user, lines.join("\n"));
  await user.as.mutation(api.imports.start, { importId });
  return importId;
}

/** Run scheduled functions one round at a time until `done` says so. */
async function stepUntil(t: TestConvex, done: () => Promise<boolean>) {
  for (let i = 0; i < 100 && !(await done()); i++) {
    vi.runOnlyPendingTimers();
    await t.finishInProgressScheduledFunctions();
  }
}

describe("a running import", () => {
  it("can be canceled between batches: what was written stays, the rest is not written", async () => {
    const t = setup();
    const user = await signedInUser(t);
    const importId = await bigImport(t, user, PROCESS_BATCH * 3);
    await stepUntil(t, async () => (await user.as.query(api.imports.get, { importId })).counts.created > 0);
    await user.as.mutation(api.imports.cancel, { importId });
    await settle(t);
    const imp = await user.as.query(api.imports.get, { importId });
    expect(imp.status).toBe("canceled");
    expect(imp.counts.created).toBeGreaterThan(0);
    expect(imp.counts.created).toBeLessThan(PROCESS_BATCH * 3);
    expect(await contacts(t, user.userId)).toHaveLength(imp.counts.created);
  });

  it("resumes after its job died, without writing a row twice", async () => {
    const t = setup();
    const user = await signedInUser(t);
    const importId = await bigImport(t, user, PROCESS_BATCH * 2 + 10);
    await stepUntil(t, async () => (await user.as.query(api.imports.get, { importId })).counts.created > 0);
    // The chain of batches dies (a restart): its next job sees another run and does nothing.
    await t.run(async (ctx) => {
      const imp = (await ctx.db.get("imports", importId))!;
      await ctx.db.patch("imports", importId, { run: imp.run + 100 });
    });
    await settle(t);
    expect((await user.as.query(api.imports.get, { importId })).status).toBe("running");
    vi.advanceTimersByTime(STALE_MS + 1000);
    await t.mutation(internal.importJobs.sweep, {});
    await settle(t);
    const imp = await user.as.query(api.imports.get, { importId });
    expect(imp).toMatchObject({ status: "completed", attempts: 1, counts: { created: PROCESS_BATCH * 2 + 10 } });
    expect(new Set((await contacts(t, user.userId)).map((c) => c.phone)).size).toBe(PROCESS_BATCH * 2 + 10);
  });

  it("resumes staging from the last row it wrote", async () => {
    const t = setup();
    const user = await signedInUser(t);
    const importId = await bigImport(t, user, 600);
    await stepUntil(t, async () => (await user.as.query(api.imports.get, { importId })).status === "running");
    // As if staging had died after 250 rows: forget the rest and go back to staging.
    await t.run(async (ctx) => {
      const rows = await ctx.db.query("importRows").withIndex("by_import_and_row", (q) => q.eq("importId", importId)).collect();
      for (const r of rows.slice(250)) await ctx.db.delete("importRows", r._id);
      const imp = (await ctx.db.get("imports", importId))!;
      await ctx.db.patch("imports", importId, { status: "staging", staged: 250, processed: 0, run: imp.run + 1 });
    });
    // The file was not deleted yet (the run had not finished): restore it for the resumed job.
    vi.advanceTimersByTime(STALE_MS + 1000);
    await t.mutation(internal.importJobs.sweep, {});
    await settle(t);
    const imp = await user.as.query(api.imports.get, { importId });
    expect(imp).toMatchObject({ status: "completed", staged: 600, counts: { created: 600 } });
    const rows = await t.run(async (ctx) => await ctx.db.query("importRows").collect());
    expect(new Set(rows.map((r) => r.row)).size).toBe(600);
  });
});

describe("undo", () => {
  it("removes what the import created and restores what it changed", async () => {
    const t = setup();
    const user = await owner(t);
    const bo = (await contacts(t, user.userId)).find((c) => c.phone === "+14155550102")!;
    const { importId } = await analysed(t, user, CSV, { onDuplicate: "overwrite", tag: "May", newGroupName: "May import" });
    await user.as.mutation(api.imports.start, { importId });
    await settle(t);
    expect((await contacts(t, user.userId)).find((c) => c.phone === "+14155550102")!.tags).toEqual(["May"]);

    await user.as.mutation(api.imports.undo, { importId });
    await settle(t);
    const imp = await user.as.query(api.imports.get, { importId });
    expect(imp.status).toBe("undone");
    const after = await contacts(t, user.userId);
    expect(after.map((c) => c.phone).sort()).toEqual(["+14155550102", "+14155550106"]);
    const restored = after.find((c) => c.phone === "+14155550102")!;
    expect({ ...restored, _creationTime: 0 }).toEqual({ ...bo, _creationTime: 0 });
    expect(await user.as.query(api.tags.list, {})).toEqual([expect.objectContaining({ name: "old", count: 1 })]);
    expect(await t.run(async (ctx) => await ctx.db.query("groups").collect())).toEqual([]);
    expect((await t.run(async (ctx) => await ctx.db.query("accountStats").first()))?.contacts).toBe(2);
    await expect(user.as.mutation(api.imports.undo, { importId })).rejects.toMatchObject(code("INVALID_STATE"));
  });
});
