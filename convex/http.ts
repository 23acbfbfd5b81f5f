import { httpRouter } from "convex/server";
import { registerApiRoutes } from "./api/routes";
import { auth } from "./auth";
import { registerWebhookRoutes } from "./webhooks/routes";

const http = httpRouter();

// Convex Auth: OpenID configuration and JWKS for token verification.
auth.addHttpRoutes(http);

// Provider webhooks (Twilio, Resend): registered by convex/webhooks/routes.ts.
registerWebhookRoutes(http);
// REST API v1: registered by convex/api/routes.ts.
registerApiRoutes(http);

export default http;
