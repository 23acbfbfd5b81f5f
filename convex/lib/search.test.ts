import { describe, expect, it } from "vitest";
import { contactSearchText, digitTails, foldText, normalizeMessageQuery, normalizeSearchQuery } from "./search";

/** Would Convex's search (last word as a prefix, earlier words whole) match this query? */
function finds(text: string, query: string): boolean {
  const words = text.split(" ");
  const terms = query.split(" ").filter(Boolean);
  return terms.length > 0 && terms.every((t, i) => (i === terms.length - 1 ? words.some((w) => w.startsWith(t)) : words.includes(t)));
}

describe("contact search text", () => {
  it("has name words, email parts and domain, and phone digit tails", () => {
    const text = contactSearchText({ name: "Ann Lee", email: "ann.lee@example.com", phone: "+14155550123" });
    expect(text.split(" ")).toEqual(expect.arrayContaining(["ann", "lee", "example", "com", "example.com", "14155550123", "4155550123", "0123", "123"]));
    expect(digitTails("12345")).toEqual(["12345", "2345", "345"]);
  });

  it("finds contacts by any part of the phone number, as typed", () => {
    const text = contactSearchText({ name: "Ann Lee", phone: "+14155550123" });
    for (const typed of ["0123", "555-0123", "(415) 555", "+1 415 555 0123", "5550"]) expect(finds(text, normalizeSearchQuery(typed)), typed).toBe(true);
    expect(finds(text, normalizeSearchQuery("999"))).toBe(false);
  });

  it("finds names without accents, and by any word of a hyphenated name", () => {
    const alvarez = contactSearchText({ name: "José Álvarez" });
    expect(finds(alvarez, normalizeSearchQuery("alvarez"))).toBe(true);
    expect(finds(alvarez, normalizeSearchQuery("Álvarez"))).toBe(true);
    expect(finds(alvarez, normalizeSearchQuery("jose alv"))).toBe(true);
    const soren = contactSearchText({ name: "Søren Kierkegaard" });
    expect(finds(soren, normalizeSearchQuery("soren"))).toBe(true);
    const jeanLuc = contactSearchText({ name: "Jean-Luc Picard" });
    expect(finds(jeanLuc, normalizeSearchQuery("luc"))).toBe(true);
    expect(finds(jeanLuc, normalizeSearchQuery("Jean-Luc"))).toBe(true);
    expect(foldText("Łódź")).toBe("lodz");
  });

  it("finds by email domain", () => {
    const text = contactSearchText({ name: "Ann", email: "ann@shop.example.com" });
    expect(finds(text, normalizeSearchQuery("shop.example.com"))).toBe(true);
    expect(finds(text, normalizeSearchQuery("@shop.example"))).toBe(true);
    expect(finds(text, normalizeSearchQuery("other.com"))).toBe(false);
  });

  it("keeps only results matching every word", async () => {
    const { matchesAllTerms } = await import("./search");
    const text = contactSearchText({ name: "Jean-Luc Picard", email: "jl@starfleet.example" });
    expect(matchesAllTerms(text, normalizeSearchQuery("starfleet.example"))).toBe(true);
    expect(matchesAllTerms(contactSearchText({ name: "Ann", email: "ann@shop.example" }), normalizeSearchQuery("starfleet.example"))).toBe(false);
  });

  it("turns phone-like queries into digits and words into accent-free words", () => {
    expect(normalizeSearchQuery(" +1 (415) 555 ")).toBe("1415555");
    expect(normalizeSearchQuery("Ann LEE")).toBe("ann lee");
    expect(normalizeSearchQuery("12")).toBe("12");
    expect(normalizeMessageQuery("  Order #1042 ready? ")).toBe("order 1042 ready");
  });
});
