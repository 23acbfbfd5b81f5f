import { describe, expect, it } from "vitest";
import { channelAvailability, describeDuration, preferredChannel, type AvailabilityContact } from "./channelAvailability";
import { recipientProblem, WHATSAPP_WINDOW_MS } from "./outboundRules";

const NOW = Date.UTC(2025, 2, 10, 12, 0, 0);
const HOUR = 3_600_000;
const base: AvailabilityContact = {
  name: "Ada",
  phone: "+14155550100",
  email: "ada@example.com",
  optedOut: { sms: false, whatsapp: false, email: false },
};
const all = new Set(["sms", "whatsapp", "email"] as const);

describe("recipientProblem", () => {
  it("keeps the WhatsApp window open for exactly 24 hours after the contact's last message", () => {
    const opened = { ...base, whatsappWindowStartedAt: NOW };
    expect(recipientProblem(opened, "whatsapp", NOW + WHATSAPP_WINDOW_MS - 1)).toBeNull();
    expect(recipientProblem(opened, "whatsapp", NOW + WHATSAPP_WINDOW_MS)).toBe("WHATSAPP_WINDOW_CLOSED");
    expect(recipientProblem(base, "whatsapp", NOW)).toBe("WHATSAPP_WINDOW_CLOSED");
  });

  it("checks the address before the opt-out", () => {
    expect(recipientProblem({ ...base, phone: undefined, optedOut: { ...base.optedOut, sms: true } }, "sms", NOW)).toBe("NO_ADDRESS");
    expect(recipientProblem({ ...base, optedOut: { ...base.optedOut, sms: true } }, "sms", NOW)).toBe("OPTED_OUT");
  });
});

describe("channelAvailability", () => {
  it("offers SMS and email, and explains that WhatsApp needs the contact to write first", () => {
    const states = channelAvailability(base, NOW, all);
    expect(states.sms).toEqual({ channel: "sms", available: true });
    expect(states.email.available).toBe(true);
    expect(states.whatsapp).toMatchObject({ available: false, problem: "WHATSAPP_WINDOW_CLOSED", short: "24-hour window closed" });
    expect(states.whatsapp.available === false && states.whatsapp.reason).toBe(
      "Ada has not messaged you on WhatsApp. You can write there within 24 hours of their last WhatsApp message.",
    );
  });

  it("says how long ago the WhatsApp window closed", () => {
    const states = channelAvailability({ ...base, whatsappWindowStartedAt: NOW - WHATSAPP_WINDOW_MS - 3 * HOUR }, NOW, all);
    expect(states.whatsapp.available === false && states.whatsapp.reason).toContain("closed 3 hours ago.");
  });

  it("gives the closing time of an open WhatsApp window", () => {
    const states = channelAvailability({ ...base, whatsappWindowStartedAt: NOW - HOUR }, NOW, all);
    expect(states.whatsapp).toEqual({ channel: "whatsapp", available: true, windowEndsAt: NOW - HOUR + WHATSAPP_WINDOW_MS });
  });

  it("names missing addresses and opt-outs", () => {
    const states = channelAvailability({ ...base, phone: undefined, optedOut: { sms: false, whatsapp: false, email: true } }, NOW, all);
    expect(states.sms).toMatchObject({ available: false, problem: "NO_ADDRESS", short: "no phone number", reason: "Ada has no phone number." });
    expect(states.email).toMatchObject({ available: false, problem: "OPTED_OUT", reason: "Ada opted out of Email." });
  });

  it("blocks a channel without a sender once the senders are known", () => {
    expect(channelAvailability(base, NOW, new Set(["email"] as const)).sms).toMatchObject({ available: false, problem: "NO_SENDER" });
    expect(channelAvailability(base, NOW).sms.available).toBe(true);
  });
});

describe("preferredChannel", () => {
  it("starts with the channel the conversation last used when it is available", () => {
    const contact = { ...base, lastMessageChannel: "email" as const };
    expect(preferredChannel(contact, channelAvailability(contact, NOW, all))).toBe("email");
  });

  it("falls back to the first available channel", () => {
    const contact = { ...base, lastMessageChannel: "whatsapp" as const, whatsappWindowStartedAt: NOW - 2 * WHATSAPP_WINDOW_MS };
    expect(preferredChannel(contact, channelAvailability(contact, NOW, all))).toBe("sms");
    const emailOnly = { ...base, phone: undefined };
    expect(preferredChannel(emailOnly, channelAvailability(emailOnly, NOW, all))).toBe("email");
  });

  it("gives null when nothing can be sent", () => {
    const none = { ...base, phone: undefined, optedOut: { sms: false, whatsapp: false, email: true } };
    expect(preferredChannel(none, channelAvailability(none, NOW, all))).toBeNull();
  });
});

describe("describeDuration", () => {
  it.each([
    [0, "less than a minute"],
    [59_999, "less than a minute"],
    [60_000, "1 minute"],
    [59 * 60_000, "59 minutes"],
    [HOUR, "1 hour"],
    [23.9 * HOUR, "23 hours"],
    [24 * HOUR, "1 day"],
    [80 * HOUR, "3 days"],
  ])("%d ms is %s", (ms, text) => {
    expect(describeDuration(ms)).toBe(text);
  });
});
