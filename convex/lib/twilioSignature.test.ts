// @vitest-environment node
/** Our Web Crypto Twilio signatures against the twilio SDK's own, both ways. */
import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { twilioSignature, verifyTwilioSignature, type FormParams } from "./twilioSignature";

const TOKEN = "12345678901234567890123456789012";

/** Seeded cases: URLs with and without ports and query strings, Unicode, repeated names, empty values. */
function cases(n: number): Array<{ url: string; params: FormParams }> {
  let seed = 42;
  const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)];
  const values = ["", "hi", "Is my order ready?", "café ☕", "😀 emoji", "a&b=c", "+14155550123", "whatsapp:+1415", "x".repeat(500), "ñ\n\t"];
  const names = ["Body", "From", "To", "MessageSid", "NumMedia", "MediaUrl0", "ÄName", "a", "A", "b_1"];
  const urls = [
    "https://site.example/webhooks/twilio/inbound",
    "https://site.example:443/webhooks/twilio/status?m=abc",
    "http://127.0.0.1:3211/webhooks/twilio/inbound",
    "https://happy-animal-123.convex.site/webhooks/twilio/status?m=k17abc&x=1",
  ];
  return Array.from({ length: n }, () => {
    const params: FormParams = {};
    for (let i = 0; i < 1 + Math.floor(next() * 6); i++) {
      const name = pick(names);
      params[name] = next() < 0.2 ? [pick(values), pick(values), pick(values)] : pick(values);
    }
    return { url: pick(urls), params };
  });
}

describe("Twilio request signatures (Web Crypto)", () => {
  it("equal the twilio SDK's for 300 random requests, and each side accepts the other's", async () => {
    for (const { url, params } of cases(300)) {
      const ours = await twilioSignature(TOKEN, url, params);
      expect(ours).toBe(twilio.getExpectedTwilioSignature(TOKEN, url, params));
      expect(twilio.validateRequest(TOKEN, ours, url, params)).toBe(true);
      const theirs = twilio.getExpectedTwilioSignature(TOKEN, url, params);
      expect(await verifyTwilioSignature(TOKEN, theirs, url, params)).toBe(true);
    }
  });

  it("accepts the URL with or without its default port, as the SDK does", async () => {
    const params = { Body: "hi" };
    const signedWithPort = twilio.getExpectedTwilioSignature(TOKEN, "https://site.example:443/webhooks/twilio/inbound", params);
    expect(await verifyTwilioSignature(TOKEN, signedWithPort, "https://site.example/webhooks/twilio/inbound", params)).toBe(true);
    const signedWithout = twilio.getExpectedTwilioSignature(TOKEN, "https://site.example/webhooks/twilio/inbound", params);
    expect(await verifyTwilioSignature(TOKEN, signedWithout, "https://site.example:443/webhooks/twilio/inbound", params)).toBe(true);
  });

  it("refuses another token, URL, parameter or value, and garbage", async () => {
    const url = "https://site.example/webhooks/twilio/inbound";
    const params = { Body: "hello", From: "+14155550123" };
    const good = twilio.getExpectedTwilioSignature(TOKEN, url, params);
    expect(await verifyTwilioSignature(TOKEN, good, url, params)).toBe(true);
    expect(await verifyTwilioSignature("other-token", good, url, params)).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, good, "https://evil.example/webhooks/twilio/inbound", params)).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, good, `${url}?x=1`, params)).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, good, url, { ...params, Body: "hellO" })).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, good, url, { ...params, Extra: "" })).toBe(false);
    for (const bad of ["", "x", good.slice(1), `${good}=`, "A".repeat(good.length)]) {
      expect(await verifyTwilioSignature(TOKEN, bad, url, params)).toBe(false);
      expect(twilio.validateRequest(TOKEN, bad, url, params)).toBe(false);
    }
  });
});
