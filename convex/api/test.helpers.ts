/** Helpers for the REST API's tests: a user with an API key, and a JSON client over `t.fetch`. */
import { expect } from "vitest";
import { api } from "../_generated/api";
import { userWithSenders, type TestConvex } from "../test.setup";

export const BASE = "/api/v1";

/** A signed-in user with simulator senders and an API key. */
export async function apiUser(t: TestConvex, email = "owner@example.com", keyName = "Shop") {
  const user = await userWithSenders(t, email);
  const { key, apiKey } = await user.as.mutation(api.apiKeys.create, { name: keyName });
  return { ...user, key, keyId: apiKey.id, prefix: apiKey.prefix };
}

/** `body` is parsed JSON, read loosely by tests (and checked with the response schemas where it matters). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiResponse = { status: number; body: any; headers: Headers };

/** The response is the error `code` with HTTP `status` (the body is shown when it is not). */
export function expectError(res: ApiResponse, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.error.code).toBe(code);
}

export type CallOptions = {
  key?: string | null;
  body?: unknown;
  /** Sent as is (for malformed JSON); wins over `body`. */
  rawBody?: string;
  /** Sent as these exact bytes (e.g. not UTF-8); wins over `rawBody`. */
  rawBytes?: Uint8Array;
  headers?: Record<string, string>;
  ip?: string;
};

/** Call the API as a client would: Bearer key, JSON body, JSON answer. */
export async function call(t: TestConvex, method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.Authorization = `Bearer ${options.key}`;
  if (options.ip) headers["X-Forwarded-For"] = options.ip;
  let body: string | Blob | undefined = options.rawBytes ? new Blob([options.rawBytes as Uint8Array<ArrayBuffer>]) : options.rawBody;
  if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers["Content-Type"] ??= "application/json";
  const response = await t.fetch(`${BASE}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown = null;
  if (text !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
