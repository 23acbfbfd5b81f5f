"use node";
/** The account's Content templates with their WhatsApp approval, from Twilio's Content API through the SDK. */
import twilio from "twilio";
import { readContentTemplate, type ContentAndApprovals, type ContentTemplate } from "./contentTemplates";
import type { TwilioConfig } from "./types";

/** At most this many templates are synced (Twilio pages them 500 at a time). */
export const CONTENT_SYNC_MAX = 1000;

export async function listContentTemplates(config: TwilioConfig): Promise<ContentTemplate[]> {
  const c = twilio(config.accountSid, config.authToken, { autoRetry: false, timeout: config.timeoutMs });
  if (config.baseUrl) c.content.baseUrl = config.baseUrl.replace(/\/$/, "");
  const items = await c.content.v1.contentAndApprovals.list({ pageSize: 500, limit: CONTENT_SYNC_MAX });
  return items.map((i) =>
    readContentTemplate({
      sid: i.sid,
      friendly_name: i.friendlyName,
      language: i.language,
      variables: i.variables as Record<string, unknown>,
      types: i.types as Record<string, unknown>,
      approval_requests: i.approvalRequests as Record<string, unknown>,
    } satisfies ContentAndApprovals),
  );
}
