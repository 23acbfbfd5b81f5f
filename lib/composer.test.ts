import { ConvexError } from "convex/values";
import { describe, expect, it } from "vitest";
import type { ChannelState } from "./channelAvailability";
import { draftErrorsFromServer, hasErrors, sendArgsOf, validateDraft, type Draft } from "./composer";

const NOW = Date.UTC(2025, 5, 15, 10, 0);
const open: ChannelState = { channel: "sms", available: true };
const draft = (over: Partial<Draft> = {}): Draft => ({ channel: "sms", content: "Hello", subject: "", mediaUrl: "", scheduledAt: null, ...over });

describe("validateDraft", () => {
  it("accepts a plain message", () => {
    expect(validateDraft(draft(), open, NOW)).toEqual({});
    expect(hasErrors({})).toBe(false);
  });

  it("needs text, or for SMS and WhatsApp at least a media link", () => {
    expect(validateDraft(draft({ content: "  " }), open, NOW).content).toBe("Write a message, attach a file or add a media link.");
    expect(validateDraft(draft({ content: "", mediaUrl: "https://cdn.example/a.jpg" }), open, NOW)).toEqual({});
    const email: ChannelState = { channel: "email", available: true };
    expect(validateDraft(draft({ channel: "email", content: "", subject: "Hi", mediaUrl: "https://x.example/a" }), email, NOW).content).toBe(
      "Write the email.",
    );
  });

  it("takes files instead of text on SMS, within the channel's limits", () => {
    const photo = { storageId: "s1", name: "a.png", contentType: "image/png", size: 1000 };
    expect(validateDraft(draft({ content: "", attachments: [photo] }), open, NOW)).toEqual({});
    const whatsapp: ChannelState = { channel: "whatsapp", available: true };
    expect(validateDraft(draft({ channel: "whatsapp", attachments: [photo, { ...photo, storageId: "s2" }] }), whatsapp, NOW).attachments).toBe(
      "WhatsApp messages carry one file.",
    );
    expect(sendArgsOf(draft({ attachments: [photo] }))).toMatchObject({ attachments: ["s1"] });
    expect(draftErrorsFromServer(new ConvexError({ code: "ATTACHMENT_INVALID", message: "Too big" }))).toEqual({ attachments: "Too big" });
  });

  it("applies the 1600-character limit to SMS and WhatsApp, and 50,000 to email", () => {
    expect(validateDraft(draft({ content: "a".repeat(1600) }), open, NOW)).toEqual({});
    expect(validateDraft(draft({ content: "a".repeat(1601) }), open, NOW).content).toBe(
      "Messages are at most 1,600 characters; this one has 1,601.",
    );
    const email: ChannelState = { channel: "email", available: true };
    expect(validateDraft(draft({ channel: "email", subject: "S", content: "a".repeat(1601) }), email, NOW)).toEqual({});
  });

  it("needs a subject for email", () => {
    const email: ChannelState = { channel: "email", available: true };
    expect(validateDraft(draft({ channel: "email", subject: " " }), email, NOW)).toEqual({ subject: "Emails need a subject." });
    expect(validateDraft(draft({ channel: "email", subject: "x".repeat(301) }), email, NOW).subject).toMatch(/at most 300/);
  });

  it("accepts only https media links", () => {
    for (const url of ["http://cdn.example/a.jpg", "cdn.example/a.jpg", "javascript:alert(1)"]) {
      expect(validateDraft(draft({ mediaUrl: url }), open, NOW).mediaUrl, url).toBe("Media must be an https:// link.");
    }
  });

  it("schedules only in the future and within a year", () => {
    expect(validateDraft(draft({ scheduledAt: NOW }), open, NOW).scheduledAt).toBe("Pick a time in the future.");
    expect(validateDraft(draft({ scheduledAt: NOW + 60_000 }), open, NOW)).toEqual({});
    expect(validateDraft(draft({ scheduledAt: NOW + 400 * 86_400_000 }), open, NOW).scheduledAt).toMatch(/a year ahead/);
  });

  it("keeps a scheduled WhatsApp message inside the 24-hour window", () => {
    const whatsapp: ChannelState = { channel: "whatsapp", available: true, windowEndsAt: NOW + 3_600_000 };
    const errors = validateDraft(draft({ channel: "whatsapp", scheduledAt: NOW + 2 * 3_600_000 }), whatsapp, NOW, { timeZone: "UTC", locale: "en-US" });
    expect(errors.scheduledAt).toBe("The WhatsApp window closes Jun 15, 2025, 11:00 AM: pick an earlier time.");
    expect(validateDraft(draft({ channel: "whatsapp", scheduledAt: NOW + 1_800_000 }), whatsapp, NOW)).toEqual({});
  });

  it("explains a channel that cannot be used", () => {
    const closed: ChannelState = { channel: "whatsapp", available: false, problem: "WHATSAPP_WINDOW_CLOSED", short: "closed", reason: "Window closed." };
    expect(validateDraft(draft({ channel: "whatsapp" }), closed, NOW)).toEqual({ form: "Window closed." });
  });
});

describe("sendArgsOf", () => {
  it("sends only what the channel uses", () => {
    expect(sendArgsOf(draft({ subject: "ignored" }))).toEqual({ channel: "sms", content: "Hello" });
    expect(sendArgsOf(draft({ channel: "email", subject: " Hi ", mediaUrl: " https://x.example/a.pdf ", scheduledAt: NOW }))).toEqual({
      channel: "email",
      content: "Hello",
      subject: "Hi",
      mediaUrls: ["https://x.example/a.pdf"],
      scheduledAt: NOW,
    });
  });
});

describe("draftErrorsFromServer", () => {
  const err = (code: string, message: string, details?: Record<string, string>) => new ConvexError({ code, message, ...(details ? { details } : {}) });

  it("puts each refusal on its field", () => {
    expect(draftErrorsFromServer(err("SUBJECT_REQUIRED", "Emails need a subject."))).toEqual({ subject: "Emails need a subject." });
    expect(draftErrorsFromServer(err("CONTENT_INVALID", "Too long", { field: "subject" }))).toEqual({ subject: "Too long" });
    expect(draftErrorsFromServer(err("CONTENT_INVALID", "Empty", { field: "content" }))).toEqual({ content: "Empty" });
    expect(draftErrorsFromServer(err("MEDIA_URL_INVALID", "https only"))).toEqual({ mediaUrl: "https only" });
    expect(draftErrorsFromServer(err("SCHEDULE_IN_PAST", "Future please"))).toEqual({ scheduledAt: "Future please" });
    expect(draftErrorsFromServer(err("WHATSAPP_WINDOW_CLOSED", "Closed"))).toEqual({ form: "Closed" });
    expect(draftErrorsFromServer(err("OPTED_OUT", "Opted out"))).toEqual({ form: "Opted out" });
  });

  it("leaves other failures to the toast", () => {
    expect(draftErrorsFromServer(err("RATE_LIMITED", "Slow down"))).toBeNull();
    expect(draftErrorsFromServer(new Error("network"))).toBeNull();
  });
});
