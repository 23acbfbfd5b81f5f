/**
 * The REST API's one error shape, `{ "error": { "code", "message", "details" } }`, and the
 * one table from error codes (lib/errors.ts) to HTTP statuses.
 */
import { ERROR_CODES, isAppErrorData, type AppErrorData, type ErrorCode } from "../../lib/errors";

/**
 * Every code has a status (the compiler checks the table is complete). 400 is input that is
 * malformed or out of range; 422 is well-formed input that a business rule refuses (the
 * contact opted out, the WhatsApp window is closed, no address or sender, wrong state).
 */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  INVALID_PHONE: 400,
  INVALID_EMAIL: 400,
  CONTENT_INVALID: 400,
  SUBJECT_REQUIRED: 400,
  MEDIA_URL_INVALID: 400,
  ATTACHMENT_INVALID: 400,
  SCHEDULE_IN_PAST: 400,
  LIMIT_EXCEEDED: 400,
  INVALID_FIELD_VALUE: 400,
  INVALID_FILE: 400,
  TEMPLATE_VARIABLE_UNKNOWN: 400,
  WEAK_PASSWORD: 400,
  UNAUTHENTICATED: 401,
  INVALID_API_KEY: 401,
  INVALID_CREDENTIALS: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  DUPLICATE_CONTACT: 409,
  DUPLICATE_GROUP: 409,
  DUPLICATE_SENDER: 409,
  DUPLICATE_NAME: 409,
  ACCOUNT_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  ADDRESS_REQUIRED: 422,
  NO_ADDRESS: 422,
  OPTED_OUT: 422,
  WHATSAPP_WINDOW_CLOSED: 422,
  NO_SENDER: 422,
  QUIET_HOURS: 422,
  FREQUENCY_CAP: 422,
  CONTACT_REPLIED: 422,
  INVALID_STATE: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  TEMPLATE_VARIABLE_MISSING: 422,
  TEMPLATE_NOT_APPROVED: 422,
  RATE_LIMITED: 429,
  TOO_MANY_ATTEMPTS: 429,
  INTERNAL: 500,
  SIMULATION_FAILED: 502,
};

export type ErrorDetails = Record<string, unknown>;

/** An error the HTTP layer raises itself (routing, body, authentication, validation). */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code],
    readonly details: ErrorDetails = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const JSON_HEADERS = {
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  if (status === 204) return new Response(null, { status, headers: { "Cache-Control": "no-store", ...headers } });
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/**
 * The response for anything thrown while handling a request. Coded errors keep their
 * message and details; anything else is logged and answered with a generic 500, never
 * with its message or stack.
 */
export function errorResponse(error: unknown, context: string): Response {
  let code: ErrorCode;
  let message: string;
  let details: ErrorDetails = {};
  let headers: Record<string, string> = {};
  if (error instanceof ApiError) {
    ({ code, message, details, headers } = error);
  } else if (isAppErrorData(dataOf(error))) {
    // A ConvexError from a query or mutation (matched by shape: it crossed a function boundary).
    const data = dataOf(error) as AppErrorData;
    ({ code, message } = data);
    details = data.details ?? {};
  } else {
    console.error(`REST API: ${context} failed:`, error);
    code = "INTERNAL";
    message = ERROR_CODES.INTERNAL;
  }
  return jsonResponse(STATUS_BY_CODE[code], { error: { code, message, details } }, headers);
}

function dataOf(error: unknown): unknown {
  return typeof error === "object" && error !== null ? (error as { data?: unknown }).data : undefined;
}
