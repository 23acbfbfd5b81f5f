/**
 * The REST API's request pipeline, the same for every route:
 *
 *   route match (404/405) → body size (413) → API key and rate limits (401/429)
 *   → zod validation of path, query, body and headers (400) → handler → JSON
 *
 * Anything a handler throws becomes the one error shape (./errors.ts); only a bug gives 500.
 */
import { z } from "zod";
import { internal } from "../_generated/api";
import type { ActionCtx } from "../_generated/server";
import { hashApiKey, looksLikeApiKey, sha256Hex } from "../lib/apiKeys";
import { openCursor, sealCursor } from "../lib/cursors";
import { env } from "../lib/env";
import { parseForm, readBodyBytes, readTextBody } from "../lib/httpBody";
import { ApiError, errorResponse, jsonResponse } from "./errors";
import { API_BASE, matchRoute, type ApiRoute } from "./route";
import { MAX_BODY_BYTES } from "./schemas";

/** Idempotency-Key: 1–255 visible ASCII characters (a UUID is typical). */
const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;
/** Deepest JSON nesting looked into; real bodies are 3 levels deep. */
const MAX_DEPTH = 20;

/** Routes without query parameters refuse any, as the others refuse unknown ones. */
const NO_QUERY = z.strictObject({});

type Issue = { in: "path" | "query" | "body" | "header"; path: string; message: string };

export async function handleApiRequest(ctx: ActionCtx, request: Request, routes: readonly ApiRoute[]): Promise<Response> {
  const url = new URL(request.url);
  const method = request.method === "HEAD" ? "GET" : request.method;
  const label = `${method} ${url.pathname}`;
  try {
    const match = matchRoute(routes, method, url.pathname.slice(API_BASE.length));
    if (match.kind === "none") throw new ApiError("NOT_FOUND", `There is no endpoint ${url.pathname}.`);
    if (match.kind === "wrongMethod") {
      const allow = match.allowed.join(", ");
      if (method === "OPTIONS") return new Response(null, { status: 204, headers: { Allow: allow } });
      throw new ApiError("METHOD_NOT_ALLOWED", `${url.pathname} allows ${allow}.`, { allowed: match.allowed }, { Allow: allow });
    }
    const { route, params } = match;
    const body = await readBody(request, route);
    const raw = body.text;
    const auth = route.authenticated === false ? null : await authenticate(ctx, request);

    const issues: Issue[] = [];
    if (route.rawBody) checkFileBody(request, body.bytes!, route.rawBody.contentTypes, issues);
    const input = {
      params: parse(route.params, params, "path", issues),
      query: parse(route.query ?? NO_QUERY, queryObject(url, issues), "query", issues),
      body: route.body === undefined ? undefined : parse(route.body, parseJson(raw, issues), "body", issues),
      bodyHash: sha256Hex(raw),
      idempotencyKey: route.idempotent ? idempotencyKey(request, issues) : null,
      raw: body.bytes,
    };
    // Cursors are handed out sealed (./lib/cursors): open this one for the account and list, or refuse it.
    const binding = auth === null ? null : cursorBinding(auth.userId, route, input.query);
    const listQuery = input.query as { cursor?: unknown } | undefined;
    if (binding !== null && listQuery !== undefined && typeof listQuery.cursor === "string") {
      const query = listQuery as { cursor: string };
      const inner = await openCursor(env.cursorSecret(), binding, query.cursor);
      if (inner === null) issues.push({ in: "query", path: "cursor", message: "This is not a cursor this list gave to this API key's account." });
      else query.cursor = inner;
    }
    if (issues.length > 0) {
      throw new ApiError("INVALID_ARGUMENT", describeIssues(issues), { issues });
    }
    const apiCtx = {
      runQuery: ctx.runQuery,
      runMutation: ctx.runMutation,
      storage: ctx.storage,
      get auth() {
        if (auth === null) throw new Error(`${route.method} ${route.path} is not authenticated`);
        return auth;
      },
    };
    const result = await route.handler(apiCtx, input);
    if (result.file) {
      return new Response(result.file.text, {
        status: result.status,
        headers: { "Content-Type": result.file.contentType, "Cache-Control": "no-store", ...result.headers },
      });
    }
    const page = result.body as { nextCursor?: unknown } | undefined;
    if (binding !== null && typeof page === "object" && page !== null && typeof page.nextCursor === "string") {
      page.nextCursor = await sealCursor(env.cursorSecret(), binding, page.nextCursor);
    }
    return jsonResponse(result.status, result.body, result.headers);
  } catch (error) {
    return errorResponse(error, label);
  }
}

/**
 * The body: UTF-8 text for JSON routes (400 if it is not UTF-8), bytes for file routes; 413 past
 * the route's limit (by its declared length first, unread).
 */
async function readBody(request: Request, route: ApiRoute): Promise<{ text: string; bytes: Uint8Array | null }> {
  const max = route.rawBody?.maxBytes ?? MAX_BODY_BYTES;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > max) throw tooLarge(max);
  if (route.rawBody) {
    const file = await readBodyBytes(request, max);
    if (!file.ok) throw tooLarge(max);
    return { text: "", bytes: file.bytes };
  }
  if (route.body === undefined) return { text: "", bytes: null };
  const body = await readTextBody(request, MAX_BODY_BYTES);
  if (body.ok) return { text: body.text, bytes: null };
  if (body.error === "tooLarge") throw tooLarge(max);
  const issues: Issue[] = [{ in: "body", path: "", message: "The body is not valid UTF-8." }];
  throw new ApiError("INVALID_ARGUMENT", describeIssues(issues), { issues });
}

function tooLarge(max: number) {
  const size = max >= 1024 * 1024 ? `${max / 1024 / 1024} MB` : `${max / 1024} KB`;
  return new ApiError("PAYLOAD_TOO_LARGE", `Request bodies are at most ${size}.`, { maxBytes: max });
}

/** A file body: one of the route's content types, and not empty. */
function checkFileBody(request: Request, bytes: Uint8Array, contentTypes: string[], issues: Issue[]): void {
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (!contentTypes.includes(type)) {
    issues.push({ in: "header", path: "Content-Type", message: `Send the file as ${contentTypes.join(" or ")}.` });
  }
  if (bytes.length === 0) issues.push({ in: "body", path: "", message: "The body is empty: send the file." });
}

/** `Authorization: Bearer <key>` → the key's user, or 401/429. */
async function authenticate(ctx: ActionCtx, request: Request) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  const key = match?.[1] ?? null;
  const keyHash = key !== null && looksLikeApiKey(key) ? hashApiKey(key) : null;
  const result = await ctx.runMutation(internal.api.auth.authenticate, { keyHash, ip: clientIp(request.headers) });
  if (result.ok) return { userId: result.userId, keyPrefix: result.keyPrefix };
  if (result.reason === "rateLimited") {
    const seconds = Math.max(1, Math.ceil((result.retryAt - Date.now()) / 1000));
    throw new ApiError("RATE_LIMITED", undefined, { retryAfterSeconds: seconds }, { "Retry-After": String(seconds) });
  }
  throw new ApiError(
    "INVALID_API_KEY",
    key === null ? "Send your API key as `Authorization: Bearer uik_live_…`." : undefined,
    {},
    { "WWW-Authenticate": 'Bearer realm="api"' },
  );
}

/** The client's address as the proxy in front of Convex reports it. */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const ip = forwarded || headers.get("x-real-ip")?.trim() || "unknown";
  return ip.slice(0, 64);
}

/**
 * The query string as an object of own properties (so `__proto__` is a parameter like any other,
 * and refused as unknown), decoded strictly: an escape that is not UTF-8 is refused, not replaced.
 */
function queryObject(url: URL, issues: Issue[]): Record<string, string> {
  const out: Record<string, string> = {};
  const form = parseForm(url.search.slice(1));
  if (form === null) {
    issues.push({ in: "query", path: "", message: "The query string is not valid UTF-8 percent-encoding." });
    return out;
  }
  for (const [name, value] of Object.entries(form)) {
    if (Array.isArray(value)) issues.push({ in: "query", path: name, message: "Give this parameter once." });
    Object.defineProperty(out, name, { value: Array.isArray(value) ? value[0] : value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** What a cursor is bound to: the account, the route, and the list's filters (not its page size). */
function cursorBinding(userId: string, route: ApiRoute, query: unknown): string {
  const filters = Object.entries((query ?? {}) as Record<string, unknown>)
    .filter(([name]) => name !== "cursor" && name !== "limit")
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([userId, `${route.method} ${route.path}`, filters]);
}

function parseJson(raw: string, issues: Issue[]): unknown {
  if (raw.trim() === "") {
    issues.push({ in: "body", path: "", message: "A JSON body is required." });
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    issues.push({ in: "body", path: "", message: "The body is not valid JSON." });
    return undefined;
  }
  const problem = unstorable(value);
  if (problem) {
    issues.push({ in: "body", path: "", message: problem });
    return undefined;
  }
  return value;
}

/** What Convex could not store even where a schema allows any string: deep nesting, broken Unicode. */
function unstorable(value: unknown): string | null {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (depth > MAX_DEPTH) return `The body is nested more than ${MAX_DEPTH} levels deep.`;
    if (typeof v === "string") {
      if (!isWellFormed(v)) return "The body contains text that is not valid Unicode.";
    } else if (typeof v === "object" && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        if (!isWellFormed(k)) return "The body contains text that is not valid Unicode.";
        stack.push({ value: child, depth: depth + 1 });
      }
    }
  }
  return null;
}

/** No lone UTF-16 surrogates (JSON's \ud800 escapes can make them). */
function isWellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function idempotencyKey(request: Request, issues: Issue[]): string | null {
  const key = request.headers.get("idempotency-key");
  if (key === null) return null;
  if (!IDEMPOTENCY_KEY.test(key)) {
    issues.push({ in: "header", path: "Idempotency-Key", message: "Use 1–255 visible ASCII characters, e.g. a UUID." });
    return null;
  }
  return key;
}

function parse(schema: z.ZodType | undefined, value: unknown, where: Issue["in"], issues: Issue[]): unknown {
  if (schema === undefined) return undefined;
  if (value === undefined && where === "body") return undefined; // already reported
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues.slice(0, 20)) {
    const path = issue.path.map(String).join(".");
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
    issues.push({
      in: where,
      path: keys.length === 1 ? (path ? `${path}.${keys[0]}` : keys[0]) : path,
      message:
        issue.code === "unrecognized_keys"
          ? `Unknown ${where === "query" ? "parameter" : "field"}${keys.length > 1 ? "s" : ""}: ${keys.join(", ")}.`
          : issue.message,
    });
  }
  return undefined;
}

function describeIssues(issues: Issue[]): string {
  const first = issues[0];
  const where = first.path ? `${first.in} ${first.path}` : first.in;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `Invalid ${where}: ${first.message}${more}`;
}
