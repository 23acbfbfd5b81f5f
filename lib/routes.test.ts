import { describe, expect, it } from "vitest";
import { HOME_PATH, safeNextPath, signInPathFor } from "./routes";

describe("safeNextPath", () => {
  it.each([
    ["/contacts", "/contacts"],
    ["/groups/abc?tab=members", "/groups/abc?tab=members"],
    ["/inbox?contact=k57#top", "/inbox?contact=k57#top"],
  ])("keeps the local path %s", (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it.each([
    null,
    undefined,
    "",
    "contacts",
    "https://evil.example/",
    "//evil.example/x",
    "/\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "/signin",
    "/signin?next=/contacts",
    `/${"a".repeat(1001)}`,
  ])("falls back to home for %j", (input) => {
    expect(safeNextPath(input)).toBe(HOME_PATH);
  });
});

describe("signInPathFor", () => {
  it("carries the page to come back to", () => {
    expect(signInPathFor("/groups/abc?x=1")).toBe("/signin?next=%2Fgroups%2Fabc%3Fx%3D1");
  });
  it("needs no parameter for the home page", () => {
    expect(HOME_PATH).toBe("/inbox");
    expect(signInPathFor("/")).toBe("/signin");
    expect(signInPathFor("/inbox")).toBe("/signin");
    expect(signInPathFor("/inbox?contact=k57")).toBe("/signin?next=%2Finbox%3Fcontact%3Dk57");
  });
});
