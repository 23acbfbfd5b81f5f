/**
 * Reading the app's `ConvexError` payload back out of whatever a client call threw.
 *
 * Mutations and queries reach the browser as a ConvexError whose `data` is the payload.
 * Auth actions do not: in Next.js, `signIn` goes through the app's `/api/auth` proxy
 * (@convex-dev/auth/nextjs), which keeps only the error's *message* and rethrows it in the
 * browser as a plain `Error(message)`. A ConvexError's message is its JSON-serialised data
 * (possibly behind a prefix such as "Uncaught ConvexError: "), so the code is recovered from
 * the text when `data` is missing.
 */
import { ERROR_CODES, isAppErrorData, type AppErrorData, type ErrorCode } from "./errors";

const CODE_IN_TEXT = /\\?"code\\?"\s*:\s*\\?"([A-Z_]+)\\?"/;

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** The error's app payload, from `data` or (through the auth proxy) from its message. */
export function appErrorOf(error: unknown): AppErrorData | null {
  if (typeof error !== "object" || error === null) return null;
  const data = (error as { data?: unknown }).data;
  if (isAppErrorData(data)) return data;
  const message = (error as { message?: unknown }).message;
  if (typeof message !== "string") return null;
  const match = CODE_IN_TEXT.exec(message);
  if (!match || !isErrorCode(match[1])) return null;
  const code = match[1];
  return { code, message: ERROR_CODES[code] };
}

/** The error's app code, or null for anything else (network failure, bug, redacted error). */
export function errorCodeOf(error: unknown): ErrorCode | null {
  return appErrorOf(error)?.code ?? null;
}

/** A string detail of the error (`details.contactId`, …), or undefined. */
export function errorDetail(error: AppErrorData | null, key: string): string | undefined {
  const value = error?.details?.[key];
  return typeof value === "string" ? value : undefined;
}

export type AuthFlow = "signIn" | "signUp";

/** What the sign-in page says for each code the auth backend throws. */
const AUTH_MESSAGES: Partial<Record<ErrorCode, string>> = {
  WEAK_PASSWORD: ERROR_CODES.WEAK_PASSWORD,
  ACCOUNT_EXISTS: "An account with that email already exists. Sign in instead.",
  INVALID_CREDENTIALS: ERROR_CODES.INVALID_CREDENTIALS,
  INVALID_EMAIL: ERROR_CODES.INVALID_EMAIL,
  TOO_MANY_ATTEMPTS: ERROR_CODES.TOO_MANY_ATTEMPTS,
};

/** Which field of the sign-in form an auth error belongs to; null for the whole form. */
export function authErrorField(code: ErrorCode | null): "email" | "password" | null {
  if (code === "INVALID_EMAIL" || code === "ACCOUNT_EXISTS") return "email";
  if (code === "WEAK_PASSWORD") return "password";
  return null;
}

/**
 * A message for a failed sign-in or sign-up: mapped from the error code whichever way the
 * error arrived, with a generic message for anything unrecognised.
 */
export function describeAuthError(error: unknown, flow: AuthFlow): string {
  const code = errorCodeOf(error);
  if (code) return AUTH_MESSAGES[code] ?? ERROR_CODES[code];
  if (error instanceof TypeError) {
    return "Could not reach the server. Check your connection and try again.";
  }
  return flow === "signIn"
    ? "Could not sign you in. Please try again."
    : "Could not create your account. Please try again.";
}
