/**
 * The OpenAPI 3.1 document, generated from the route declarations and their zod schemas
 * (there is no hand-written copy to keep in step).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { API_BASE, type ApiRoute } from "./route";
import { ErrorBody, MAX_BODY_BYTES } from "./schemas";

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The input is not valid: `error.details.issues` lists each problem with where it is (`in`, `path`).",
  401: "The API key is missing, not valid, expired or revoked.",
  404: "No such resource, or it belongs to another account.",
  409: "It would duplicate an existing contact or group (`error.details` names it).",
  413: `The body is larger than ${MAX_BODY_BYTES / 1024} KB (files: the route's own limit).`,
  422: "A rule refuses it: opted out, WhatsApp window closed, no address or sender, wrong state, or an Idempotency-Key reused with another request.",
  429: "Too many requests: wait the `Retry-After` seconds.",
};

const IdempotencyHeaders = z.object({
  "Idempotency-Key": z
    .string()
    .max(255)
    .optional()
    .meta({ description: "Any unique string (a UUID): a retry with the same key returns the first response and sends nothing again." }),
});

function operationId(route: ApiRoute): string {
  const words = route.segments.map((s) =>
    s.startsWith("{") ? `By${s[1].toUpperCase()}${s.slice(2, -1)}` : s.replace(/\W+(\w)/g, (_, c: string) => c.toUpperCase()),
  );
  return route.method.toLowerCase() + words.map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}

function errorResponse(status: number) {
  return {
    description: ERROR_DESCRIPTIONS[status] ?? "Error.",
    ...(status === 429
      ? { headers: { "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" as const } } } }
      : {}),
    content: { "application/json": { schema: ErrorBody } },
  };
}

export function buildOpenApiDocument(routes: readonly ApiRoute[], siteUrl: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "An API key from Settings → API keys: `Authorization: Bearer uik_live_…`.",
  });
  for (const route of routes) {
    const authenticated = route.authenticated !== false;
    const errors = new Set<number>(route.errors ?? []);
    if (authenticated) [400, 401, 429].forEach((s) => errors.add(s));
    if (route.body || route.rawBody) errors.add(413);
    const config: RouteConfig = {
      method: route.method.toLowerCase() as RouteConfig["method"],
      path: route.path,
      operationId: operationId(route),
      tags: [route.tag],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      security: authenticated ? [{ apiKey: [] }] : [],
      request: {
        ...(route.params ? { params: route.params as RouteParameter } : {}),
        ...(route.query ? { query: route.query as RouteParameter } : {}),
        ...(route.idempotent ? { headers: IdempotencyHeaders } : {}),
        ...(route.body ? { body: { required: true, content: { "application/json": { schema: route.body } } } } : {}),
        ...(route.rawBody
          ? {
              body: {
                required: true,
                description: route.rawBody.description,
                content: Object.fromEntries(route.rawBody.contentTypes.map((t) => [t, { schema: z.string().meta({ format: "binary" }) }])),
              },
            }
          : {}),
      },
      responses: {
        ...Object.fromEntries(
          Object.entries(route.responses).map(([status, r]) => [
            status,
            {
              description: r.description,
              ...(r.schema ? { content: { [route.fileResponse ?? "application/json"]: { schema: r.schema } } } : {}),
            },
          ]),
        ),
        ...Object.fromEntries([...errors].sort().map((status) => [status, errorResponse(status)])),
      },
    };
    registry.registerPath(config);
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Unified Inbox REST API",
      version: "1.0.0",
      description:
        "Contacts, groups, messages, broadcasts and analytics over HTTP. JSON in and out; every error is " +
        '`{ "error": { "code", "message", "details" } }`. Rate limited per API key.',
    },
    servers: [{ url: `${siteUrl}${API_BASE}` }],
  });
}

type RouteParameter = NonNullable<NonNullable<RouteConfig["request"]>["params"]>;
