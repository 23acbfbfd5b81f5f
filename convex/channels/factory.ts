"use node";
/**
 * The channel-sender factory: picks the implementation for a channel and provider. Node only
 * (the provider SDKs), so only `"use node"` actions import it. Adding a channel means a sender
 * class in this folder and a case here.
 */
import { ResendSender } from "./resend";
import { SimulatorSender } from "./simulator";
import { TwilioSender } from "./twilio";
import type { Channel, Provider } from "../schema";
import { ChannelError, type ChannelConfig, type MessageSender } from "./types";

type SenderFactory = (channel: Channel, provider: Provider, config: ChannelConfig) => MessageSender;
let override: SenderFactory | null = null;

/** Tests inject fake providers (failures, timeouts, crashes) here; null restores the real factory. */
export function setSenderFactoryForTests(factory: SenderFactory | null): void {
  override = factory;
}

function notConfigured(provider: Provider): ChannelError {
  return new ChannelError({
    code: "PROVIDER_NOT_CONFIGURED",
    message: `${provider === "twilio" ? "Twilio" : "Resend"} credentials are not set on the deployment`,
    permanent: true,
  });
}

export function createSender(channel: Channel, provider: Provider, config: ChannelConfig): MessageSender {
  return override ? override(channel, provider, config) : realSender(channel, provider, config);
}

/** The implementation for a channel and provider, ignoring any test override. */
export function realSender(channel: Channel, provider: Provider, config: ChannelConfig): MessageSender {
  if (provider === "simulator") return new SimulatorSender(channel, config.simulatorRateLimit);
  if (provider === "twilio" && (channel === "sms" || channel === "whatsapp")) {
    if (!config.twilio) throw notConfigured(provider);
    return new TwilioSender(channel, { ...config.twilio, timeoutMs: config.timeoutMs });
  }
  if (provider === "resend" && channel === "email") {
    if (!config.resend) throw notConfigured(provider);
    return new ResendSender({ ...config.resend, timeoutMs: config.timeoutMs });
  }
  throw new ChannelError({
    code: "PROVIDER_MISMATCH",
    message: `${provider} cannot send ${channel} messages`,
    permanent: true,
  });
}
