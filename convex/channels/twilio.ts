"use node";
/** Twilio SMS/MMS and WhatsApp through the official SDK (Node only). */
import twilio from "twilio";
import { classifyTwilioError } from "./errors";
import type { Channel } from "../schema";
import type { MessageSender, OutboundMessage, SendResult, TwilioConfig } from "./types";

export class TwilioSender implements MessageSender {
  readonly provider = "twilio" as const;
  private readonly client: ReturnType<typeof twilio>;

  constructor(
    private readonly channel: Extract<Channel, "sms" | "whatsapp">,
    config: TwilioConfig,
  ) {
    // We retry ourselves (with backoff and at-most-once rules), so the SDK must not. A pump keeps
    // hundreds of calls in flight through one client: the SDK's default of 20 sockets would queue them.
    this.client = twilio(config.accountSid, config.authToken, {
      autoRetry: false,
      timeout: config.timeoutMs,
      maxSockets: 500,
      maxTotalSockets: 500,
    });
    if (config.baseUrl) this.client.api.baseUrl = config.baseUrl.replace(/\/$/, "");
  }

  private address(e164: string): string {
    return this.channel === "whatsapp" ? `whatsapp:${e164}` : e164;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    try {
      const created = await this.client.messages.create({
        to: this.address(message.to),
        ...(message.messagingServiceSid
          ? { messagingServiceSid: message.messagingServiceSid }
          : { from: this.address(message.from) }),
        // A WhatsApp template goes as its Content SID and variables (Twilio renders the approved text).
        ...(message.contentSid
          ? { contentSid: message.contentSid, ...(message.contentVariables ? { contentVariables: message.contentVariables } : {}) }
          : { body: message.content }),
        ...(message.mediaUrls?.length && !message.contentSid ? { mediaUrl: message.mediaUrls } : {}),
        ...(message.statusCallbackUrl ? { statusCallback: message.statusCallbackUrl } : {}),
      });
      return { providerMessageId: created.sid };
    } catch (error) {
      throw classifyTwilioError(error);
    }
  }
}
