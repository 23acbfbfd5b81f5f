/**
 * What the site answers where no route does: every method a path does not serve gets 405 with
 * `Allow`, and a path nobody serves gets 404, both in the REST API's error shape (never Convex's
 * plain-text "No HttpAction routed"). Registered last, from the routes already on the router, so
 * webhooks and Convex Auth's routes are covered too. HEAD is GET to Convex; TRACE and CONNECT
 * never reach an HTTP action (Convex does not route them).
 */
import { ROUTABLE_HTTP_METHODS, type HttpRouter, type RoutableMethod } from "convex/server";
import { httpAction } from "./_generated/server";
import { ApiError, errorResponse } from "./api/errors";

function methodNotAllowed(allowed: RoutableMethod[]) {
  const allow = allowed.join(", ");
  return httpAction(async (_ctx, request) => {
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: { Allow: allow } });
    const path = new URL(request.url).pathname;
    return errorResponse(new ApiError("METHOD_NOT_ALLOWED", `${path} allows ${allow}.`, { allowed }, { Allow: allow }), path);
  });
}

const notFound = httpAction(async (_ctx, request) => {
  const path = new URL(request.url).pathname;
  return errorResponse(new ApiError("NOT_FOUND", `There is nothing at ${path}.`), path);
});

export function registerFallbacks(http: HttpRouter): void {
  const exact = new Map<string, RoutableMethod[]>();
  const prefixes = new Map<string, RoutableMethod[]>();
  for (const [path, method] of http.getRoutes()) {
    const table = path.endsWith("*") ? prefixes : exact;
    const key = path.endsWith("*") ? path.slice(0, -1) : path;
    table.set(key, [...(table.get(key) ?? []), method]);
  }
  for (const [path, allowed] of exact) {
    const handler = methodNotAllowed(allowed);
    for (const method of ROUTABLE_HTTP_METHODS) if (!allowed.includes(method)) http.route({ path, method, handler });
  }
  for (const [pathPrefix, allowed] of prefixes) {
    const handler = methodNotAllowed(allowed);
    for (const method of ROUTABLE_HTTP_METHODS) if (!allowed.includes(method)) http.route({ pathPrefix, method, handler });
  }
  for (const method of ROUTABLE_HTTP_METHODS) {
    if (!prefixes.get("/")?.includes(method)) http.route({ pathPrefix: "/", method, handler: notFound });
  }
}
