import { describe, expect, it } from "vitest";
import type { FieldDef } from "../../lib/customFields";
import { checkMapping, decodeCsv, detectDelimiter, detectMapping, forEachRecord, isHeaderRow } from "./importCsv";

const utf8 = (s: string) => new TextEncoder().encode(s);
const records = async (raw: string) => {
  const { text } = decodeCsv(utf8(raw));
  const out: Array<[number, string[]]> = [];
  await forEachRecord(text, detectDelimiter(text), (cells, row) => void out.push([row, cells]));
  return out;
};

describe("decoding", () => {
  it("reads UTF-8 with and without a BOM", () => {
    expect(decodeCsv(utf8("name\nZoë"))).toEqual({ text: "name\nZoë", encoding: "utf-8" });
    expect(decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8("name\nZoë")]))).toEqual({ text: "name\nZoë", encoding: "utf-8-bom" });
  });

  it("reads Windows-1252 (Excel on Windows) when the bytes are not UTF-8", () => {
    // "Zoë;Müller;€5" in Windows-1252: ë = 0xEB, ü = 0xFC, € = 0x80.
    const bytes = new Uint8Array([0x5a, 0x6f, 0xeb, 0x3b, 0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x3b, 0x80, 0x35]);
    expect(decodeCsv(bytes)).toEqual({ text: "Zoë;Müller;€5", encoding: "windows-1252" });
  });

  it("reads UTF-16 with a BOM (Excel's Unicode text)", () => {
    const text = "name\tphone\nZoë\t+14155550123";
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) bytes.set([text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8], 2 + i * 2);
    expect(decodeCsv(bytes)).toEqual({ text, encoding: "utf-16le" });
  });

  it.each([
    ["an xlsx workbook", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), /Excel workbook/],
    ["an xls file", new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 1]), /\.xls/],
    ["a PDF", utf8("%PDF-1.7 ..."), /PDF/],
    ["a binary", new Uint8Array([1, 2, 0, 4]), /binary/],
    ["HTML", utf8("<!DOCTYPE html><html>"), /web page/],
    ["JSON", utf8('[{"name": "Ann"}]'), /JSON/],
    ["nothing", utf8("  \n \n"), /empty/],
    ["no bytes", new Uint8Array(), /empty/],
  ])("refuses %s with INVALID_FILE", (_what, bytes, message) => {
    expect(() => decodeCsv(bytes)).toThrow(expect.objectContaining({ data: expect.objectContaining({ code: "INVALID_FILE", message: expect.stringMatching(message) }) }));
  });
});

describe("records", () => {
  it("detects the separator of the header line, outside quotes", () => {
    expect(detectDelimiter("name;phone;email\nAnn;1;a@b.co")).toBe(";");
    expect(detectDelimiter('"Lee, Ann",phone\n')).toBe(",");
    expect(detectDelimiter('"a;b;c",x,y')).toBe(",");
    expect(detectDelimiter("name\tphone")).toBe("\t");
    expect(detectDelimiter("email")).toBe(",");
  });

  it("keeps quoted separators, quotes and newlines inside a cell, and numbers rows like a spreadsheet", async () => {
    const text = 'name;notes;phone\r\n"Lee; Ann";"said ""hi""\nthen left";+14155550123\r\n\r\nBo;;+14155550124\n';
    expect(await records(text)).toEqual([
      [1, ["name", "notes", "phone"]],
      [2, ["Lee; Ann", 'said "hi"\nthen left', "+14155550123"]],
      [4, ["Bo", "", "+14155550124"]],
    ]);
  });

  it("waits for an async handler before reading on", async () => {
    const seen: number[] = [];
    let inFlight = 0;
    await forEachRecord("a\n1\n2\n3\n4", ",", async (_cells, row) => {
      expect(inFlight).toBe(0);
      inFlight++;
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      seen.push(row);
    });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("columns", () => {
  const fields: FieldDef[] = [
    { key: "customer_tier", label: "Customer tier", type: "select", options: ["Gold"] },
    { key: "birthday", label: "Birthday", type: "date" },
  ];

  it("tells a header row from data", () => {
    expect(isHeaderRow(["Name", "Phone", "Email"], "US")).toBe(true);
    expect(isHeaderRow(["Ann", "+1 415 555 0123", "ann@x.com"], "US")).toBe(false);
  });

  it("maps headers in several languages and custom fields by label or key", () => {
    const headers = ["Prénom", "Nachname", "E-Mail", "Téléphone", "Handy", "Tags", "Opt-in", "Customer Tier", "birthday", "Notes"];
    expect(detectMapping(headers, [], fields, "US")).toEqual([
      "firstName",
      "lastName",
      "email",
      "phone",
      "mobile",
      "tags",
      "consent",
      "field:customer_tier",
      "field:birthday",
      "",
    ]);
    expect(detectMapping(["Full name", "Telefono", "Mail"], [], [], "US")).toEqual(["name", "phone", "email"]);
  });

  it("reads a 'Phone' column of email addresses as email, and finds unnamed address columns", () => {
    const sample = [
      ["Ann", "ann@x.com", "+1 415 555 0123"],
      ["Bo", "bo@x.com", "415-555-0124"],
    ];
    expect(detectMapping(["Name", "Phone", "Column 3"], sample, [], "US")).toEqual(["name", "email", "phone"]);
  });

  it("uses each target once: a second phone column becomes mobile, further ones are ignored", () => {
    expect(detectMapping(["Phone", "Phone", "Phone"], [], [], "US")).toEqual(["phone", "mobile", ""]);
  });

  it("checks a chosen mapping", () => {
    expect(checkMapping(["name", "", "field:birthday"], 3, fields)).toEqual(["name", "", "field:birthday"]);
    expect(() => checkMapping(["name"], 2, fields)).toThrow();
    expect(checkMapping(["name", "", ""], 2, fields)).toEqual(["name", "", ""]);
    expect(() => checkMapping(["name", "name"], 2, fields)).toThrow();
    expect(() => checkMapping(["field:nope", ""], 2, fields)).toThrow();
  });
});

describe("stopping", () => {
  it("rejects when the handler throws, instead of ending quietly", async () => {
    const text = Array.from({ length: 100 }, (_, i) => `row ${i}`).join("\n");
    await expect(
      forEachRecord(text, ",", (_cells, row) => {
        if (row === 10) throw new Error("too many");
      }),
    ).rejects.toThrow("too many");
    await expect(forEachRecord(text, ",", async (_cells, row) => (row === 10 ? Promise.reject(new Error("late")) : undefined))).rejects.toThrow("late");
  });
});
