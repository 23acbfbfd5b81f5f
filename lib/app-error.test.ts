import { ConvexError } from "convex/values";
import { describe, expect, it } from "vitest";
import { appErrorOf, authErrorField, describeAuthError, errorCodeOf, errorDetail } from "./app-error";
import { ERROR_CODES } from "./errors";

const duplicate = {
  code: "DUPLICATE_CONTACT",
  message: "Ada already has this phone number.",
  details: { field: "phone", contactId: "k1", contactName: "Ada" },
} as const;

describe("appErrorOf", () => {
  it("reads a ConvexError's data as it arrives from a mutation", () => {
    const error = new ConvexError(duplicate);
    expect(appErrorOf(error)).toEqual(duplicate);
    expect(errorDetail(appErrorOf(error), "contactId")).toBe("k1");
  });

  it("recovers the code from the plain Error the Next.js auth proxy rethrows", () => {
    // What ConvexHttpClient's ConvexError.message looks like, passed on as `{ error: message }`.
    const viaProxy = new Error('{"code":"WEAK_PASSWORD","message":"Passwords need at least 8 characters."}');
    expect(appErrorOf(viaProxy)).toEqual({ code: "WEAK_PASSWORD", message: ERROR_CODES.WEAK_PASSWORD });
  });

  it("finds the code behind a prefix, a request id or escaped quotes", () => {
    expect(errorCodeOf(new Error('[Request ID: 12ab] Server Error\nUncaught ConvexError: {"code":"ACCOUNT_EXISTS","message":"x"}'))).toBe(
      "ACCOUNT_EXISTS",
    );
    expect(errorCodeOf(new Error('{\\"code\\": \\"INVALID_CREDENTIALS\\"}'))).toBe("INVALID_CREDENTIALS");
  });

  it("ignores codes the app does not know and errors without one", () => {
    expect(appErrorOf(new Error('{"code":"SOMETHING_ELSE"}'))).toBeNull();
    expect(appErrorOf(new Error("Server Error"))).toBeNull();
    expect(appErrorOf(new ConvexError("plain string"))).toBeNull();
    expect(appErrorOf(null)).toBeNull();
    expect(appErrorOf("INVALID_CREDENTIALS")).toBeNull();
    expect(errorDetail(null, "contactId")).toBeUndefined();
  });
});

describe("describeAuthError", () => {
  it.each([
    ["WEAK_PASSWORD", ERROR_CODES.WEAK_PASSWORD],
    ["INVALID_CREDENTIALS", ERROR_CODES.INVALID_CREDENTIALS],
    ["INVALID_EMAIL", ERROR_CODES.INVALID_EMAIL],
    ["TOO_MANY_ATTEMPTS", ERROR_CODES.TOO_MANY_ATTEMPTS],
  ] as const)("maps %s the same whether it came as data or as text", (code, message) => {
    expect(describeAuthError(new ConvexError({ code, message: "server text" }), "signIn")).toBe(message);
    expect(describeAuthError(new Error(JSON.stringify({ code, message: "server text" })), "signIn")).toBe(message);
  });

  it("suggests signing in when the account exists", () => {
    expect(describeAuthError(new Error('{"code":"ACCOUNT_EXISTS"}'), "signUp")).toMatch(/Sign in instead/);
  });

  it("falls back to a generic message per flow", () => {
    expect(describeAuthError(new Error("Server Error"), "signIn")).toBe("Could not sign you in. Please try again.");
    expect(describeAuthError(undefined, "signUp")).toBe("Could not create your account. Please try again.");
    expect(describeAuthError(new TypeError("Failed to fetch"), "signIn")).toMatch(/Could not reach the server/);
  });
});

describe("authErrorField", () => {
  it("puts field errors on their field and the rest on the form", () => {
    expect(authErrorField("INVALID_EMAIL")).toBe("email");
    expect(authErrorField("ACCOUNT_EXISTS")).toBe("email");
    expect(authErrorField("WEAK_PASSWORD")).toBe("password");
    expect(authErrorField("INVALID_CREDENTIALS")).toBeNull();
    expect(authErrorField(null)).toBeNull();
  });
});
