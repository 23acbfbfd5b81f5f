import { describe, expect, it } from "vitest";
import {
  guessMapping,
  isKnownVariable,
  mergeTokens,
  placeholdersOf,
  render,
  renderContentTemplate,
  renderFor,
  splitName,
  unknownVariables,
  variablesOf,
  type MergeSource,
} from "./templates";

const source = (over: Partial<MergeSource["contact"]> = {}, extra: Partial<MergeSource> = {}): MergeSource => ({
  contact: { name: "Ann Lee", phone: "+14155550100", email: "ann@example.com", fields: { tier: "Gold", renews: "2026-03-01", vip: true }, ...over },
  customFields: [
    { key: "tier", label: "Tier", type: "select", options: ["Gold", "Silver"] },
    { key: "renews", label: "Renews", type: "date" },
    { key: "vip", label: "VIP", type: "boolean" },
  ],
  sender: { name: "Bob's Bikes", email: "bob@bikes.example", address: "+14155550199" },
  ...extra,
});

describe("merge fields", () => {
  it("finds names with and without fallbacks, leaving numbered placeholders and stray braces as text", () => {
    const tokens = mergeTokens("Hi {{ firstName | there }}, {{tier}} {{1}} {{ }} {{var.order_id}} {{email|}}");
    expect(tokens.map((t) => [t.name, t.fallback])).toEqual([
      ["firstName", "there"],
      ["tier", undefined],
      ["var.order_id", undefined],
      ["email", ""],
    ]);
    expect(variablesOf("{{a}} {{b}}", "{{a}} {{c|x}}")).toEqual(["a", "b", "c"]);
  });

  it("knows contact and sender fields, the account's custom fields and var.<name>; nothing else", () => {
    const keys = new Set(["tier"]);
    expect(["firstName", "senderName", "tier", "var.orderId"].every((n) => isKnownVariable(n, keys))).toBe(true);
    expect(isKnownVariable("firstname", keys)).toBe(false);
    expect(isKnownVariable("company", keys)).toBe(false);
    expect(isKnownVariable("var.a.b", keys)).toBe(false);
    expect(unknownVariables(keys, "Hi {{firstName}} from {{company}}", "{{coupon|none}}")).toEqual(["company", "coupon"]);
  });

  it("renders values, uses a fallback only when the value is empty, and reports what is missing", () => {
    const known = () => true;
    expect(render("Hi {{firstName|there}}!", { firstName: "Ann" }, known)).toEqual({ text: "Hi Ann!", missing: [], unknown: [] });
    expect(render("Hi {{firstName|there}}!", { firstName: "  " }, known).text).toBe("Hi there!");
    expect(render("Hi {{firstName}}{{lastName|}}!", {}, known)).toEqual({ text: "Hi !", missing: ["firstName"], unknown: [] });
    expect(render("{{x}}", { x: "1" }, () => false)).toEqual({ text: "{{x}}", missing: [], unknown: ["x"] });
  });

  it("renders a contact: names, custom fields formatted by type, sender details, send variables override", () => {
    const r = renderFor(source({}, { variables: { "var.orderId": "A-17", tier: "Platinum" } }), {
      content: "{{firstName}} {{lastName}} ({{name}}, {{phone}}, {{email}}): {{tier}}, renews {{renews}}, VIP {{vip}}, order {{var.orderId}} — {{senderName}} {{senderAddress}} {{senderEmail}}",
      subject: "For {{firstName}}",
    });
    expect(r.content).toBe(
      "Ann Lee (Ann Lee, +14155550100, ann@example.com): Platinum, renews March 1, 2026, VIP Yes, order A-17 — Bob's Bikes +14155550199 bob@bikes.example",
    );
    expect(r.subject).toBe("For Ann");
    expect(r.missing).toEqual([]);
  });

  it("treats a name made from an address as no name, so the fallback is used", () => {
    expect(splitName("+1 415 555 0100")).toEqual({ first: "", last: "" });
    expect(splitName("ann@example.com")).toEqual({ first: "", last: "" });
    expect(splitName("  José  María Núñez ")).toEqual({ first: "José", last: "María Núñez" });
    const r = renderFor(source({ name: "+1 415 555 0100", fields: {} }), { content: "Hi {{firstName|there}}, {{tier}}" });
    expect(r.content).toBe("Hi there, ");
    expect(r.missing).toEqual(["tier"]);
  });
});

describe("WhatsApp content templates", () => {
  it("fills numbered placeholders from merge expressions, with fallbacks, and reports gaps", () => {
    const body = "Hi {{1}}, order {{2}} is ready. {{1}}!";
    expect(placeholdersOf(body)).toEqual(["1", "2"]);
    const ok = renderContentTemplate(body, { "1": "firstName|there", "2": "var.orderId" }, source({}, { variables: { "var.orderId": "A-17" } }));
    expect(ok).toEqual({ variables: { "1": "Ann", "2": "A-17" }, text: "Hi Ann, order A-17 is ready. Ann!", missing: [], unknown: [] });
    const gap = renderContentTemplate(body, { "1": "firstName|there" }, source({ name: "" }));
    expect(gap.missing).toEqual(["2"]);
    expect(gap.variables).toEqual({ "1": "there" });
  });

  it("guesses a placeholder's field from Twilio's sample value", () => {
    expect(guessMapping("first_name", new Set())).toBe("firstName");
    expect(guessMapping("Customer Tier", new Set(["customer_tier"]))).toBe("customer_tier");
    expect(guessMapping("order_number", new Set())).toBe("");
  });
});
