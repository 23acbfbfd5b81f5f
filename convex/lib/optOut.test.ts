import { describe, expect, it } from "vitest";
import { keywordOf } from "./optOut";
import { twiml } from "../webhooks/twiml";

describe("keywords", () => {
  it.each([
    ["STOP", "optOut"], [" stop ", "optOut"], ["Stop.", "optOut"], ["STOPALL", "optOut"], ["unsubscribe", "optOut"],
    ["END", "optOut"], ["QUIT", "optOut"], ["REVOKE", "optOut"], ["OPTOUT", "optOut"], ["CANCEL", "optOut"],
    ["START", "optIn"], ["yes", "optIn"], ["UNSTOP", "optIn"], ["HELP", "help"], ["info", "help"],
    ["please stop texting", null], ["Stopped by yesterday", null], ["", null],
  ])("%j → %s", (body, expected) => expect(keywordOf(body)).toBe(expected));

  it("trusts Twilio's OptOutType", () => {
    expect(keywordOf("arrêt", "STOP")).toBe("optOut");
    expect(keywordOf("whatever", "start")).toBe("optIn");
  });
});

describe("twiml", () => {
  it("is empty or carries an escaped reply", () => {
    expect(twiml()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    expect(twiml(`Reply <STOP> & "go"`)).toContain("<Message>Reply &lt;STOP&gt; &amp; &quot;go&quot;</Message>");
  });
});
