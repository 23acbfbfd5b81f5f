/**
 * WhatsApp templates as Twilio's Content API describes them (GET content.twilio.com/v1/
 * ContentAndApprovals: sid, friendly_name, language, variables, types, approval_requests), read
 * into what the app keeps. Plain code, so the simulator's catalogue below goes through the same
 * reading as Twilio's answers (convex/whatsappTemplateSync.ts asks Twilio in Node).
 */

/** One item of ContentAndApprovals, in Twilio's JSON shape (snake_case). */
export type ContentAndApprovals = {
  sid: string;
  friendly_name: string;
  language: string;
  /** Placeholder → sample value, e.g. {"1": "first_name"}. */
  variables?: Record<string, unknown> | null;
  /** Content type → its fields, e.g. {"twilio/text": {"body": "Hi {{1}}"}}. */
  types?: Record<string, unknown> | null;
  approval_requests?: Record<string, unknown> | null;
};

export type ContentTemplate = {
  contentSid: string;
  name: string;
  language: string;
  body: string;
  samples: Record<string, string>;
  status: string;
  category?: string;
  rejectionReason?: string;
};

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The text a recipient reads: the body of the first content type that has one (else its title). */
function bodyOf(types: Record<string, unknown>): string {
  for (const fields of Object.values(types)) {
    const body = str((fields as Record<string, unknown> | null)?.body);
    if (body) return body;
  }
  for (const fields of Object.values(types)) {
    const title = str((fields as Record<string, unknown> | null)?.title);
    if (title) return title;
  }
  return "";
}

export function readContentTemplate(item: ContentAndApprovals): ContentTemplate {
  const approval = item.approval_requests ?? {};
  const samples: Record<string, string> = {};
  for (const [k, v] of Object.entries(item.variables ?? {})) samples[k] = typeof v === "string" ? v : JSON.stringify(v);
  const body = bodyOf(item.types ?? {});
  // Every placeholder of the body gets a mapping, whether or not Twilio lists a sample for it.
  for (const m of body.matchAll(/\{\{\s*([0-9]+)\s*\}\}/g)) samples[m[1]] ??= "";
  const category = str(approval.category);
  const rejectionReason = str(approval.rejection_reason);
  return {
    contentSid: item.sid,
    name: item.friendly_name || item.sid,
    language: item.language || "",
    body,
    samples,
    // No WhatsApp approval request yet: Twilio leaves the status empty or "unsubmitted".
    status: (str(approval.status) ?? "unsubmitted").toLowerCase(),
    ...(category ? { category } : {}),
    ...(rejectionReason ? { rejectionReason } : {}),
  };
}

/**
 * The simulator's Content API: a few templates in Twilio's shape, approved and not, so the whole
 * path (sync, status, sending outside the window) works offline. The fake Twilio server in tests
 * serves the same list.
 */
export const SIMULATOR_CONTENT: ContentAndApprovals[] = [
  {
    sid: "HX" + "a1".repeat(16),
    friendly_name: "order_ready",
    language: "en",
    variables: { "1": "first_name", "2": "order_number" },
    types: { "twilio/text": { body: "Hi {{1}}, your order {{2}} is ready for pickup." } },
    approval_requests: { name: "order_ready", category: "UTILITY", status: "approved", rejection_reason: "" },
  },
  {
    sid: "HX" + "b2".repeat(16),
    friendly_name: "follow_up",
    language: "en",
    variables: { "1": "first_name" },
    types: { "twilio/text": { body: "Hello {{1}}, we have an update for you. Reply to continue the conversation." } },
    approval_requests: { name: "follow_up", category: "UTILITY", status: "approved", rejection_reason: "" },
  },
  {
    sid: "HX" + "c3".repeat(16),
    friendly_name: "spring_sale",
    language: "en",
    variables: { "1": "first_name" },
    types: { "twilio/text": { body: "{{1}}, everything is 20% off this week!" } },
    approval_requests: { name: "spring_sale", category: "MARKETING", status: "rejected", rejection_reason: "Variables at the start of the body need a sample." },
  },
  {
    sid: "HX" + "d4".repeat(16),
    friendly_name: "appointment_reminder",
    language: "es",
    variables: { "1": "first_name", "2": "date" },
    types: { "twilio/text": { body: "Hola {{1}}, le recordamos su cita el {{2}}." } },
    approval_requests: { name: "appointment_reminder", category: "UTILITY", status: "pending", rejection_reason: "" },
  },
];
