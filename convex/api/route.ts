/**
 * How a REST API route is declared: method, path template, the zod schemas of its path,
 * query and body, its responses, and a handler. The request pipeline (./pipeline.ts) and
 * the OpenAPI generator (./openapi.ts) both read these declarations.
 */
import type { z } from "zod";
import type { Id } from "../_generated/dataModel";
import type { ActionCtx } from "../_generated/server";

export const API_BASE = "/api/v1";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** What a handler gets: the action context and who the API key belongs to. */
export type ApiCtx = {
  runQuery: ActionCtx["runQuery"];
  runMutation: ActionCtx["runMutation"];
  /** File storage (an uploaded CSV is stored before it is imported). */
  storage: ActionCtx["storage"];
  /** Spread into every internal API function's arguments (see apiQuery/apiMutation). */
  auth: { userId: Id<"users">; keyPrefix: string };
};

export type ApiResult = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A non-JSON body (a CSV download), sent as is with its content type. */
  file?: { text: string; contentType: string };
};

type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : undefined;

export type RouteInput<P, Q, B> = {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  /** Hex SHA-256 of the raw body (idempotency compares requests by it). */
  bodyHash: string;
  /** The Idempotency-Key header, on routes that accept one. */
  idempotencyKey: string | null;
  /** The body's bytes, on routes with a `rawBody` (files). */
  raw: Uint8Array | null;
};

export type RouteSpec<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined> = {
  method: HttpMethod;
  /** Below API_BASE, with `{name}` for path parameters, e.g. "/contacts/{id}". */
  path: string;
  /** OpenAPI tag. */
  tag: string;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Takes a file as the body instead of JSON: its content types and size limit. */
  rawBody?: { contentTypes: string[]; maxBytes: number; description: string };
  /** The success response is a file of this content type (documented as a string). */
  fileResponse?: string;
  /** Accepts an `Idempotency-Key` header. */
  idempotent?: boolean;
  /** false only for the public OpenAPI document. */
  authenticated?: boolean;
  /** Success responses by status; `schema` absent means no body (204). */
  responses: Record<number, { description: string; schema?: Schema }>;
  /** Error statuses this route can give besides the common ones (400, 401, 413, 429). */
  errors?: number[];
  handler: (ctx: ApiCtx, input: RouteInput<P, Q, B>) => Promise<ApiResult>;
};

/** A route with its schema types erased, as the pipeline and the generator see it. */
export type ApiRoute = RouteSpec<Schema | undefined, Schema | undefined, Schema | undefined> & {
  segments: string[];
};

export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): ApiRoute {
  return { ...(spec as unknown as ApiRoute), segments: spec.path.split("/").filter(Boolean) };
}

export type RouteMatch =
  | { kind: "route"; route: ApiRoute; params: Record<string, string> }
  | { kind: "wrongMethod"; allowed: HttpMethod[] }
  | { kind: "none" };

/**
 * Find the route for a path below API_BASE, segment by segment as received: an empty segment
 * (`//`, a trailing `/`), a dot segment (`.`, `..`, `%2e%2e`) or a path parameter that decodes to
 * one, or to a `/`, matches nothing, so no spelling of a path reaches another route.
 */
export function matchRoute(routes: readonly ApiRoute[], method: string, path: string): RouteMatch {
  if (!path.startsWith("/")) return { kind: "none" };
  const segments = path.slice(1).split("/");
  if (segments.some((s) => s === "" || isDotSegment(s))) return { kind: "none" };
  const allowed: HttpMethod[] = [];
  for (const route of routes) {
    const params = matchSegments(route.segments, segments);
    if (params === null) continue;
    if (route.method === method) return { kind: "route", route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { kind: "wrongMethod", allowed } : { kind: "none" };
}

function matchSegments(template: string[], actual: string[]): Record<string, string> | null {
  if (template.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i];
    if (t.startsWith("{") && t.endsWith("}")) {
      let value: string;
      try {
        value = decodeURIComponent(actual[i]);
      } catch {
        return null;
      }
      if (isDotSegment(value) || /[/\\\x00-\x1f\x7f]/.test(value)) return null;
      params[t.slice(1, -1)] = value;
    } else if (t !== actual[i]) {
      return null;
    }
  }
  return params;
}

/** `.` or `..`, also percent-encoded (URL parsers treat `%2e` as a dot here). */
function isDotSegment(segment: string): boolean {
  return /^(?:\.|%2e){1,2}$/i.test(segment);
}
