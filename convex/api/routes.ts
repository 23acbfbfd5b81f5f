/**
 * The REST API v1 (`/api/v1/…`): every route, and their registration on the Convex
 * httpRouter. One prefix handler per method hands requests to the pipeline, which matches
 * the route itself (so unknown paths and methods still get the API's JSON errors).
 */
import { ROUTABLE_HTTP_METHODS, type HttpRouter } from "convex/server";
import { z } from "zod";
import { httpAction } from "../_generated/server";
import { env } from "../lib/env";
import { analyticsRoutes } from "./analytics";
import { broadcastRoutes } from "./broadcasts";
import { contactRoutes } from "./contacts";
import { customFieldRoutes } from "./customFields";
import { exportRoutes } from "./exports";
import { groupRoutes } from "./groups";
import { importRoutes } from "./imports";
import { messageRoutes } from "./messages";
import { segmentRoutes } from "./segments";
import { templateRoutes } from "./templates";
import { buildOpenApiDocument } from "./openapi";
import { handleApiRequest } from "./pipeline";
import { API_BASE, defineRoute, type ApiRoute } from "./route";

let openApiCache: { siteUrl: string; document: unknown } | null = null;

const openApiRoute = defineRoute({
  method: "GET",
  path: "/openapi.json",
  tag: "Meta",
  summary: "This API's OpenAPI 3.1 document",
  description: "Public: no API key needed.",
  authenticated: false,
  responses: { 200: { description: "The OpenAPI document.", schema: z.looseObject({ openapi: z.string() }) } },
  handler: async () => {
    const siteUrl = env.siteUrl();
    if (openApiCache?.siteUrl !== siteUrl) {
      openApiCache = { siteUrl, document: buildOpenApiDocument(API_ROUTES, siteUrl) };
    }
    return { status: 200, body: openApiCache.document };
  },
});

export const API_ROUTES: readonly ApiRoute[] = [
  ...contactRoutes,
  ...customFieldRoutes,
  ...groupRoutes,
  ...segmentRoutes,
  ...importRoutes,
  ...exportRoutes,
  ...messageRoutes,
  ...broadcastRoutes,
  ...templateRoutes,
  ...analyticsRoutes,
  openApiRoute,
];

export function registerApiRoutes(http: HttpRouter): void {
  const handler = httpAction(async (ctx, request) => await handleApiRequest(ctx, request, API_ROUTES));
  for (const method of ROUTABLE_HTTP_METHODS) {
    http.route({ pathPrefix: `${API_BASE}/`, method, handler });
  }
}
