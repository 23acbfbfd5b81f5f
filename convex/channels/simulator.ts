/**
 * The built-in simulator: used when a provider's credentials are absent, so the whole
 * app works offline. It accepts the send and returns a provider-like id; the dispatcher
 * then reports delivery through the same internal path real status webhooks use.
 * A recipient whose number ends in 0000 (or an address starting "bounce@") is refused
 * as invalid, so failures can be demonstrated too. With a rate limit set, it refuses sends
 * past it like Twilio does (20429), per sending address, so pacing can be checked offline.
 */
import type { Channel } from "../schema";
import { ChannelError, type MessageSender, type OutboundMessage, type SendResult } from "./types";

function hex(n: number): string {
  return crypto.randomUUID().replace(/-/g, "").slice(0, n).padEnd(n, "0");
}

export function simulatorMessageId(channel: Channel): string {
  return channel === "email" ? crypto.randomUUID() : `SM${hex(32)}`;
}

/** Token buckets per sending address (this process only: a simulator, not a shared service). */
const buckets = new Map<string, { tokens: number; at: number }>();

/**
 * Logged on each send refused for the rate limit. The sender runs in the deployment's Node
 * runtime, out of a benchmark's reach, so the benchmark counts these lines in the function logs.
 */
export const SIMULATOR_RATE_LIMITED_LOG = "[simulator] refused a send for the sender's rate limit";

function overLimit(from: string, perSecond: number): boolean {
  const now = Date.now();
  // Providers absorb short bursts (Twilio queues them): a quarter second's worth.
  const burst = Math.max(1, perSecond / 4);
  const bucket = buckets.get(from) ?? { tokens: burst, at: now };
  bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
  bucket.at = now;
  buckets.set(from, bucket);
  if (bucket.tokens < 1) return true;
  bucket.tokens -= 1;
  return false;
}

export class SimulatorSender implements MessageSender {
  readonly provider = "simulator" as const;

  /** `ratePerSecond`: refuse sends past this rate per sending address (burst: a quarter second's worth). */
  constructor(
    private readonly channel: Channel,
    private readonly ratePerSecond?: number,
  ) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    if (this.ratePerSecond && overLimit(message.from, this.ratePerSecond)) {
      console.warn(`${SIMULATOR_RATE_LIMITED_LOG} (${message.from})`);
      throw new ChannelError({ code: "TWILIO_20429", message: "Too many requests (simulated rate limit)", permanent: false });
    }
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
