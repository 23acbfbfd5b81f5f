"use node";
/** Email through Resend's SDK. Our message id is the idempotency key, so a retry never sends twice. */
import { Resend } from "resend";
import { classifyResendError, networkError } from "./errors";
import type { MessageSender, OutboundMessage, ResendConfig, SendResult } from "./types";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Plain text → minimal HTML: escaped, paragraphs and line breaks kept. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
}

export class ResendSender implements MessageSender {
  readonly provider = "resend" as const;
  private readonly client: Resend;

  constructor(private readonly config: ResendConfig) {
    this.client = new Resend(config.apiKey, config.baseUrl ? { baseUrl: config.baseUrl.replace(/\/$/, "") } : undefined);
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })), this.config.timeoutMs);
    });
    try {
      const { data, error, headers } = await Promise.race([
        this.client.emails.send(
          {
            from: message.from,
            to: [message.to],
            subject: message.subject ?? "",
            text: message.content,
            html: textToHtml(message.content),
            ...(message.replyTo ? { replyTo: message.replyTo } : {}),
            ...(message.inReplyTo
              ? { headers: { "In-Reply-To": message.inReplyTo, References: message.references ?? message.inReplyTo } }
              : {}),
            ...(message.mediaUrls?.length
              ? {
                  attachments: message.mediaUrls.map((path, i) => ({
                    path,
                    filename: message.mediaNames?.[i] || path.split("/").pop() || "file",
                  })),
                }
              : {}),
          },
          { idempotencyKey: `message-${message.id}` },
        ),
        timeout,
      ]);
      if (error) throw classifyResendError(error, headers);
      if (!data?.id) throw classifyResendError({ statusCode: 502, message: "Resend returned no email id" });
      return { providerMessageId: data.id };
    } catch (error) {
      if (error instanceof Error && error.name === "ChannelError") throw error;
      throw networkError(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
