import type { HttpRouter } from "convex/server";
import { webhook as resend } from "./resend";
import { inbound, status } from "./twilio";

/** Provider webhook routes. Point Twilio and Resend at these (see README "Webhooks"). */
export function registerWebhookRoutes(http: HttpRouter): void {
  http.route({ path: "/webhooks/twilio/inbound", method: "POST", handler: inbound });
  http.route({ path: "/webhooks/twilio/status", method: "POST", handler: status });
  http.route({ path: "/webhooks/resend", method: "POST", handler: resend });
}
