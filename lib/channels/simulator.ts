/**
 * The built-in simulator: used when a provider's credentials are absent, so the whole
 * app works offline. It accepts the send and returns a provider-like id; the dispatcher
 * then reports delivery through the same internal path real status webhooks use.
 * A recipient whose number ends in 0000 (or an address starting "bounce@") is refused
 * as invalid, so failures can be demonstrated too.
 */
import { ChannelError, type Channel, type MessageSender, type OutboundMessage, type SendResult } from "./types";

function hex(n: number): string {
  return crypto.randomUUID().replace(/-/g, "").slice(0, n).padEnd(n, "0");
}

export function simulatorMessageId(channel: Channel): string {
  return channel === "email" ? crypto.randomUUID() : `SM${hex(32)}`;
}

export class SimulatorSender implements MessageSender {
  readonly provider = "simulator" as const;

  constructor(private readonly channel: Channel) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    if (this.channel === "email" ? message.to.startsWith("bounce@") : message.to.endsWith("0000")) {
      throw new ChannelError({
        code: this.channel === "email" ? "RESEND_validation_error" : "TWILIO_21211",
        message: this.channel === "email" ? "The email address does not exist" : "The phone number is not valid",
        permanent: true,
      });
    }
    return { providerMessageId: simulatorMessageId(this.channel) };
  }
}
