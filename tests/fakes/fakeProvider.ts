/**
 * A programmable provider for engine tests: records every call (the "provider side"
 * of at-most-once), and answers each call with the next scripted behaviour.
 */
import { setSenderFactoryForTests } from "../../convex/channels/factory";
import { ChannelError, type OutboundMessage } from "../../convex/channels/types";
import type { Channel, Provider } from "../../convex/schema";

export type Behaviour =
  | "ok"
  | "transient" // 503: try again
  | "rateLimited" // 429 with Retry-After
  | "permanent" // 21211: invalid number
  | "timeout" // no answer: the request may have been accepted
  | "crash"; // accepted, then the action dies before recording it

export type Call = { at: number; channel: Channel; provider: Provider; message: OutboundMessage; providerMessageId?: string };

export class FakeProvider {
  readonly calls: Call[] = [];
  private script: Behaviour[] = [];
  private fallback: Behaviour = "ok";
  private seq = 0;

  /** Behaviours for the next calls, in order; afterwards `then` (default "ok"). */
  answer(behaviours: Behaviour[], then: Behaviour = "ok"): this {
    this.script = [...behaviours];
    this.fallback = then;
    return this;
  }

  install(): this {
    setSenderFactoryForTests((channel, provider) => ({
      provider,
      send: async (message) => this.send(channel, provider, message),
    }));
    return this;
  }

  static uninstall(): void {
    setSenderFactoryForTests(null);
  }

  callsFor(messageId: string): Call[] {
    return this.calls.filter((c) => c.message.id === messageId);
  }

  private async send(channel: Channel, provider: Provider, message: OutboundMessage) {
    const behaviour = this.script.shift() ?? this.fallback;
    const call: Call = { at: Date.now(), channel, provider, message };
    this.calls.push(call);
    switch (behaviour) {
      case "ok":
      case "crash": {
        call.providerMessageId = `FAKE${++this.seq}`;
        if (behaviour === "crash") throw new Error("simulated crash after the provider accepted the message");
        return { providerMessageId: call.providerMessageId };
      }
      case "transient":
        throw new ChannelError({ code: "HTTP_503", message: "Service unavailable", permanent: false });
      case "rateLimited":
        throw new ChannelError({ code: "TWILIO_20429", message: "Too many requests", permanent: false, retryAfterMs: 30_000 });
      case "permanent":
        throw new ChannelError({ code: "TWILIO_21211", message: "The phone number is not valid", permanent: true });
      case "timeout":
        throw new ChannelError({
          code: "PROVIDER_TIMEOUT",
          message: "The provider did not answer in time",
          permanent: false,
          outcomeUnknown: true,
        });
    }
  }
}
