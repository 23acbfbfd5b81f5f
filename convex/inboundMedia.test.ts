// @vitest-environment node
/** Inbound MMS media is copied into file storage (Twilio's URLs need credentials and expire). */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { twilioRequest } from "./webhooks/signing";
import { FakeProvider } from "../tests/fakes/fakeProvider";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { setup, userWithSenders, type TestConvex } from "./test.setup";

const SITE = "https://site.example";
const SID = `AC${"1".repeat(32)}`;
const TOKEN = "twilio-token";
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);

let fetched: Array<{ url: string; auth: string | null }> = [];
beforeEach(() => {
  vi.stubEnv("CONVEX_SITE_URL", SITE);
  vi.stubEnv("TWILIO_ACCOUNT_SID", SID);
  vi.stubEnv("TWILIO_AUTH_TOKEN", TOKEN);
  new FakeProvider().install();
  fetched = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.includes("twilio.com") && !url.includes("media.example")) return realFetch(input, init);
    const auth = new Headers(init?.headers).get("authorization");
    fetched.push({ url, auth });
    if (url.endsWith("/ME404")) return new Response("gone", { status: 404 });
    return new Response(PNG, { headers: { "content-type": "image/png" } });
  });
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

async function receive(t: TestConvex, to: string, media: string[]) {
  const params: Record<string, string> = { MessageSid: `SM${"9".repeat(32)}`, From: "+14155550123", To: to, Body: "Here is the photo", NumMedia: String(media.length) };
  media.forEach((url, i) => {
    params[`MediaUrl${i}`] = url;
    params[`MediaContentType${i}`] = "image/png";
  });
  const res = await t.fetch("/webhooks/twilio/inbound", twilioRequest(TOKEN, `${SITE}/webhooks/twilio/inbound`, params));
  expect(res.status).toBe(200);
}

/** A Twilio number of the account's (as twilioSenders.create leaves it once Twilio has confirmed it). */
async function twilioNumber(t: TestConvex, userId: Id<"users">, address: string) {
  await t.run(async (ctx) => {
    await ctx.db.insert("senders", { userId, channel: "sms", address, provider: "twilio", ratePerSecond: 1, isDefault: false });
  });
}

describe("inbound media", () => {
  it("copies Twilio media into storage with the account's credentials; a file that cannot be fetched keeps its URL", async () => {
    const t = setup();
    const { as, userId } = await userWithSenders(t);
    const number = "+14155550777";
    await twilioNumber(t, userId, number);
    const photo = `https://api.twilio.com/2010-04-01/Accounts/${SID}/Messages/MM1/Media/ME1`;
    const lost = `https://api.twilio.com/2010-04-01/Accounts/${SID}/Messages/MM1/Media/ME404`;
    await receive(t, number, [photo, lost]);
    await t.finishAllScheduledFunctions(() => undefined);

    expect(fetched.map((f) => f.url).sort()).toEqual([lost, photo].sort());
    expect(fetched[0].auth).toBe(`Basic ${btoa(`${SID}:${TOKEN}`)}`);
    const [convo] = (await as.query(api.inbox.conversations, { paginationOpts: { numItems: 5, cursor: null } })).page;
    const [m] = (await as.query(api.messages.thread, { contactId: convo._id, paginationOpts: { numItems: 5, cursor: null } })).page;
    expect(m.attachments).toMatchObject([{ name: "ME1.png", contentType: "image/png", size: PNG.length }]);
    const stored = await t.run(async (ctx) => await ctx.storage.getUrl(m.attachments![0].storageId));
    expect(m.mediaUrls).toEqual([lost, stored]);
    expect(m.mediaTypes).toEqual(["image/png", "image/png"]);
    const bytes = await t.run(async (ctx) => Array.from(new Uint8Array(await (await ctx.storage.get(m.attachments![0].storageId))!.arrayBuffer())));
    expect(bytes).toEqual(Array.from(PNG));
    // Kept with the message (not an unsent upload the clean-up would take).
    const uploads = await t.run(async (ctx) => await ctx.db.query("uploads").collect());
    expect(uploads).toMatchObject([{ messageId: m._id, name: "ME1.png" }]);
  });

  it("sends no credentials to a host that is not Twilio's", async () => {
    const t = setup();
    const { userId } = await userWithSenders(t);
    const number = "+14155550777";
    await twilioNumber(t, userId, number);
    await receive(t, number, ["https://media.example/photo.png"]);
    await t.finishAllScheduledFunctions(() => undefined);
    expect(fetched).toEqual([{ url: "https://media.example/photo.png", auth: null }]);
  });
});
