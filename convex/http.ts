import { httpRouter } from "convex/server";
import { registerApiRoutes } from "./api/routes";
import { auth } from "./auth";
import { registerFallbacks } from "./httpFallbacks";
import { registerWebhookRoutes } from "./webhooks/routes";

const http = httpRouter();

// Convex Auth: OpenID configuration and JWKS for token verification.
auth.addHttpRoutes(http);

// Provider webhooks (Twilio, Resend): registered by convex/webhooks/routes.ts.
registerWebhookRoutes(http);
// REST API v1: registered by convex/api/routes.ts.
registerApiRoutes(http);
// Last: 405 (with Allow) for every other method on those paths, 404 elsewhere, in the API's error shape.
registerFallbacks(http);

export default http;
