import { describe, expect, it } from "vitest";
import { checkFieldValue, fieldKeyFromLabel, parseDate, parseFieldText, parseNumber, parseYesNo, type FieldDef } from "./customFields";

describe("custom field keys", () => {
  it.each([
    ["Customer tier", "customer_tier"],
    ["  Fecha de cumpleaños ", "fecha_de_cumpleanos"],
    ["2024 spend", "f_2024_spend"],
    ["!!!", "field"],
  ])("%j → %j", (label, key) => expect(fieldKeyFromLabel(label)).toBe(key));
});

describe("reading values from text", () => {
  it.each([
    ["1,234.5", 1234.5],
    ["1.234,5", 1234.5],
    ["1 234,5", 1234.5],
    ["12,5", 12.5],
    ["1,234", 1234],
    ["1.234.567", 1234567],
    ["-3", -3],
    ["€40", 40],
    ["12%", 12],
  ])("number %j → %d", (text, n) => expect(parseNumber(text)).toBe(n));

  it.each(["", "abc", "1-2", "1e5x"])("not a number: %j", (text) => expect(parseNumber(text)).toBeNull());

  it("reads dates day-first, or month-first for the US, and ISO always", () => {
    expect(parseDate("2024-03-04", false)).toBe("2024-03-04");
    expect(parseDate("2024-03-04T10:00:00Z", true)).toBe("2024-03-04");
    expect(parseDate("03/04/2024", false)).toBe("2024-04-03");
    expect(parseDate("03/04/2024", true)).toBe("2024-03-04");
    // Only valid one way round: read that way whatever the preference.
    expect(parseDate("31/12/2024", true)).toBe("2024-12-31");
    expect(parseDate("12/31/24", false)).toBe("2024-12-31");
    expect(parseDate("4.3.2024", false)).toBe("2024-03-04");
    expect(parseDate("2024-02-30", false)).toBeNull();
    expect(parseDate("next tuesday", false)).toBeNull();
  });

  it("reads yes/no in several languages", () => {
    for (const yes of ["yes", "Y", "TRUE", "1", "x", "ja", "oui", "sí"]) expect(parseYesNo(yes)).toBe(true);
    for (const no of ["no", "N", "false", "0", "nein", "non", "não"]) expect(parseYesNo(no)).toBe(false);
    expect(parseYesNo("maybe")).toBeNull();
  });
});

describe("checking values against a field", () => {
  const tier: FieldDef = { key: "tier", label: "Tier", type: "select", options: ["Gold", "Silver"] };
  const birthday: FieldDef = { key: "birthday", label: "Birthday", type: "date" };

  it("canonicalises list options without case and refuses others", () => {
    expect(checkFieldValue(tier, "gold")).toEqual({ ok: true, value: "Gold" });
    expect(checkFieldValue(tier, "Bronze")).toMatchObject({ ok: false, message: expect.stringContaining("Gold, Silver") });
  });

  it("refuses the wrong type for each kind", () => {
    expect(checkFieldValue({ key: "n", label: "N", type: "number" }, "3")).toMatchObject({ ok: false });
    expect(checkFieldValue({ key: "b", label: "B", type: "boolean" }, "yes")).toMatchObject({ ok: false });
    expect(checkFieldValue(birthday, "2024-13-01")).toMatchObject({ ok: false });
    expect(checkFieldValue({ key: "t", label: "T", type: "text" }, "x".repeat(1001))).toMatchObject({ ok: false });
  });

  it("reads text into the field's type; empty is no value", () => {
    expect(parseFieldText(birthday, " 1/2/1990 ", true)).toEqual({ ok: true, value: "1990-01-02" });
    expect(parseFieldText(birthday, "", true)).toEqual({ ok: true, value: null });
    expect(parseFieldText({ key: "v", label: "VIP", type: "boolean" }, "Oui")).toEqual({ ok: true, value: true });
    expect(parseFieldText(tier, "SILVER")).toEqual({ ok: true, value: "Silver" });
    expect(parseFieldText({ key: "n", label: "Orders", type: "number" }, "many")).toMatchObject({ ok: false, message: expect.stringContaining("Orders") });
  });
});
