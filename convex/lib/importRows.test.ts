import { describe, expect, it } from "vitest";
import type { FieldDef } from "../../lib/customFields";
import type { Target } from "./importCsv";
import { contactChanges, dedupeInFile, planRow, readRow, type ExistingContact, type NormalizedRow } from "./importRows";

const fields = new Map<string, FieldDef>([
  ["tier", { key: "tier", label: "Tier", type: "select", options: ["Gold", "Silver"] }],
  ["birthday", { key: "birthday", label: "Birthday", type: "date" }],
]);
const ctx = { country: "US", fields };
const mapping: Target[] = ["firstName", "lastName", "mobile", "phone", "email", "tags", "consent", "field:tier", "field:birthday"];
const row = (cells: string[], n = 2, extra: Partial<typeof ctx & { tag: string }> = {}) => readRow(cells, mapping, { ...ctx, ...extra }, n);

describe("a row's values", () => {
  it("normalises names, numbers, emails, tags, consent and typed fields", () => {
    expect(row(["Ann", "Lee", "", "(415) 555-0123", " Ann@X.com ", "vip; spring", "yes", "gold", "3/4/1990"], 2, { tag: "Import May" })).toEqual({
      row: 2,
      data: {
        name: "Ann Lee",
        phone: "+14155550123",
        email: "ann@x.com",
        tags: ["vip", "spring", "Import May"],
        consent: true,
        fields: { tier: "Gold", birthday: "1990-03-04" },
      },
    });
  });

  it("prefers a valid mobile number, and falls back to the other column", () => {
    expect(row(["A", "", "+1 415 555 0199", "+1 415 555 0123", "", "", "", "", ""]).data.phone).toBe("+14155550199");
    expect(row(["A", "", "n/a", "+1 415 555 0123", "", "", "", "", ""]).data.phone).toBe("+14155550123");
  });

  it("uses the default country for national numbers", () => {
    expect(readRow(["Bo", "", "", "07400 123456", "", "", "", "", ""], mapping, { ...ctx, country: "GB" }, 3).data.phone).toBe("+447400123456");
    expect(readRow(["Bo", "", "", "(11) 8765-4321", "", "", "", "", ""], mapping, { ...ctx, country: "BR" }, 3).data.phone).toBe("+5511987654321");
  });

  it.each([
    [["A", "", "", "12", "", "", "", "", ""], /"12" is not a valid phone number/],
    [["A", "", "", "4.15555E+11", "", "", "", "", ""], /scientific notation/],
    [["A", "", "", "", "not-an-email", "", "", "", ""], /not a valid email/],
    [["A", "", "", "", "", "vip", "", "", ""], /No phone number or email/],
    [["A", "", "", "", "a@x.com", "", "maybe", "", ""], /Consent "maybe"/],
    [["A", "", "", "", "a@x.com", "", "", "Bronze", ""], /Tier: expected one of Gold, Silver/],
    [["A", "", "", "", "a@x.com", "", "", "", "someday"], /Birthday: "someday" is not a date/],
    [["A".repeat(201), "", "", "", "a@x.com", "", "", "", ""], /longer than 200/],
  ])("marks %j invalid: %s", (cells, problem) => {
    expect(row(cells).problem).toMatch(problem);
  });
});

describe("a time zone column", () => {
  const zoned: Target[] = ["name", "email", "timeZone"];
  const zoneRow = (zone: string) => readRow(["Ann", "ann@x.com", zone], zoned, ctx, 2);

  it("keeps an IANA zone as the platform spells it, and refuses what is not one", () => {
    expect(zoneRow("Europe/Paris").data.timeZone).toBe("Europe/Paris");
    expect(zoneRow(" america/new_york ").data.timeZone).toBe("America/New_York");
    expect(zoneRow("").data).not.toHaveProperty("timeZone");
    expect(zoneRow("Mars/Olympus").problem).toMatch(/"Mars\/Olympus" is not a time zone/);
    expect(zoneRow("CET+1").problem).toMatch(/not a time zone/);
  });

  it("fills an empty zone, and overwrites one only when asked", () => {
    const bo: ExistingContact = { _id: "c2", name: "Bo", email: "bo@x.com", optedOut: { sms: false, whatsapp: false, email: false } };
    expect(contactChanges(bo, { email: "bo@x.com", timeZone: "Asia/Tokyo" }, "fillEmpty", "import:1", 0)).toEqual({ timeZone: "Asia/Tokyo" });
    const inParis = { ...bo, timeZone: "Europe/Paris" };
    expect(contactChanges(inParis, { email: "bo@x.com", timeZone: "Asia/Tokyo" }, "fillEmpty", "import:1", 0)).toEqual({});
    expect(contactChanges(inParis, { email: "bo@x.com", timeZone: "Asia/Tokyo" }, "overwrite", "import:1", 0)).toEqual({ timeZone: "Asia/Tokyo" });
  });
});

describe("duplicates inside the file", () => {
  const rows: NormalizedRow[] = [
    { row: 2, data: { name: "Ann", phone: "+14155550123", tags: ["a"] } },
    { row: 3, data: { name: "Ann Lee", phone: "+14155550123", email: "ann@x.com", tags: ["b"] } },
    { row: 4, data: { email: "ann@x.com", fields: { tier: "Gold" } } },
    { row: 5, data: {}, problem: "No phone number or email address." },
    { row: 6, data: { name: "Bo", phone: "+14155550124" } },
  ];

  it("skips later rows with the same phone or email under 'skip'", () => {
    const out = dedupeInFile(rows, "skip");
    expect(out.map((o) => [o.row, o.status, o.reason])).toEqual([
      [2, "pending", undefined],
      [3, "skipped", "Same phone number as row 2."],
      // Row 3 was skipped, so its email is nobody's yet.
      [4, "pending", undefined],
      [5, "invalid", "No phone number or email address."],
      [6, "pending", undefined],
    ]);
  });

  it("merges them into the first row, filling its gaps, under 'fillEmpty'", () => {
    const out = dedupeInFile(rows, "fillEmpty");
    expect(out[0]).toEqual({
      row: 2,
      status: "pending",
      data: { name: "Ann", phone: "+14155550123", email: "ann@x.com", tags: ["a", "b"], fields: { tier: "Gold" } },
    });
    expect(out.slice(1, 3).map((o) => o.reason)).toEqual(["Same phone number as row 2: merged into it.", "Same email address as row 2: merged into it."]);
  });

  it("lets later rows win under 'overwrite'", () => {
    expect(dedupeInFile(rows, "overwrite")[0].data.name).toBe("Ann Lee");
  });

  it("skips a row that matches two different earlier rows", () => {
    const out = dedupeInFile(
      [
        { row: 2, data: { phone: "+14155550123" } },
        { row: 3, data: { email: "bo@x.com" } },
        { row: 4, data: { phone: "+14155550123", email: "bo@x.com" } },
      ],
      "overwrite",
    );
    expect(out[2]).toMatchObject({ status: "skipped", reason: "Same phone number as row 2 and same email address as row 3." });
  });
});

describe("rows against existing contacts", () => {
  const ann: ExistingContact = {
    _id: "c1",
    name: "+1 415 555 0123",
    phone: "+14155550123",
    tags: ["old"],
    fields: { tier: "Silver" },
    optedOut: { sms: false, whatsapp: false, email: false },
  };
  const bo: ExistingContact = { _id: "c2", name: "Bo", email: "bo@x.com", optedOut: { sms: false, whatsapp: false, email: false } };
  const data = { name: "Ann Lee", phone: "+14155550123", email: "ann@x.com", tags: ["vip"], fields: { tier: "Gold", birthday: "1990-01-02" } };

  it("creates, skips, or refuses a row whose phone and email belong to two contacts", () => {
    expect(planRow(data, null, null, "fillEmpty", "import:1", 0)).toEqual({ kind: "create" });
    expect(planRow(data, ann, null, "skip", "import:1", 0)).toMatchObject({ kind: "skip", reason: "Already a contact: +1 415 555 0123." });
    expect(planRow(data, ann, bo, "overwrite", "import:1", 0)).toMatchObject({
      kind: "conflict",
      reason: "The phone number belongs to +1 415 555 0123 and the email address to Bo.",
    });
  });

  it("fills only empty fields (a name made from the number counts as empty) and adds tags", () => {
    expect(contactChanges(ann, data, "fillEmpty", "import:1", 0)).toEqual({
      name: "Ann Lee",
      email: "ann@x.com",
      tags: ["old", "vip"],
      fields: { tier: "Silver", birthday: "1990-01-02" },
    });
  });

  it("overwrites what the row has", () => {
    expect(contactChanges(ann, data, "overwrite", "import:1", 0)).toEqual({
      name: "Ann Lee",
      email: "ann@x.com",
      tags: ["vip"],
      fields: { tier: "Gold", birthday: "1990-01-02" },
    });
  });

  it("reports a row that changes nothing as unchanged", () => {
    expect(planRow({ phone: "+14155550123", tags: ["OLD"] }, ann, null, "fillEmpty", "import:1", 0)).toMatchObject({ kind: "unchanged" });
  });

  it("records consent with its source; 'no' opts out everywhere, 'yes' never undoes an opt-out", () => {
    expect(contactChanges(bo, { email: "bo@x.com", consent: false }, "fillEmpty", "import:7", 5)).toEqual({
      consent: { optedIn: false, at: 5, source: "import:7" },
      optedOut: { sms: true, whatsapp: true, email: true },
    });
    const stopped = { ...bo, optedOut: { sms: true, whatsapp: false, email: false } };
    expect(contactChanges(stopped, { email: "bo@x.com", consent: true }, "overwrite", "import:7", 5)).toEqual({
      consent: { optedIn: true, at: 5, source: "import:7" },
    });
  });
});
