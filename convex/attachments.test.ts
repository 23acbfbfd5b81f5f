// @vitest-environment node
/** Files from the composer: upload registration, per-channel limits, sending them, clean-up. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeProvider } from "../tests/fakes/fakeProvider";
import { api, internal } from "./_generated/api";
import { UNSENT_UPLOAD_TTL_MS } from "./attachments";
import type { Attachment } from "./schema";
import { code, setup, storeFile, userWithSenders, type TestConvex } from "./test.setup";

let provider: FakeProvider;
beforeEach(() => {
  vi.useFakeTimers();
  provider = new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.useRealTimers();
});

async function world(t: TestConvex) {
  const user = await userWithSenders(t);
  const contactId = await user.as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123", email: "ann@x.com" });
  return { ...user, contactId };
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const stored = (t: TestConvex) => t.run(async (ctx) => ({ files: await ctx.db.system.query("_storage").collect(), uploads: await ctx.db.query("uploads").collect() }));

describe("attachments", () => {
  it("registers an upload as the user's, with its stored type and size", async () => {
    const t = setup();
    const { as, contactId, userId } = await world(t);
    expect(await as.mutation(api.attachments.generateUploadUrl, {})).toMatch(/^https?:\/\//);
    const storageId = await storeFile(t, PNG, "image/png");
    const registered = await as.mutation(api.attachments.register, { storageId, name: "C:\\fakepath\\photo.png", contactId });
    if (!("attachment" in registered) || !registered.attachment) throw new Error("refused");
    const { attachment, url } = registered;
    expect(attachment).toEqual({ storageId, name: "photo.png", contentType: "image/png", size: PNG.length });
    expect(url).toBeTypeOf("string");
    // Twice is harmless; someone else cannot claim it.
    await as.mutation(api.attachments.register, { storageId, name: "photo.png", contactId });
    expect((await stored(t)).uploads).toMatchObject([{ userId, storageId, contactId }]);
    const eve = await userWithSenders(t, "eve@example.com");
    const eveContact = await eve.as.mutation(api.contacts.create, { name: "Zed", phone: "+14155550999" });
    await expect(eve.as.mutation(api.attachments.register, { storageId, name: "x.png", contactId: eveContact })).rejects.toMatchObject(code("NOT_FOUND"));
    await expect(eve.as.query(api.attachments.urls, { storageIds: [storageId] })).rejects.toMatchObject(code("NOT_FOUND"));
  });

  it("refuses (and deletes) a file that is not an image or a PDF", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    const storageId = await storeFile(t, "MZ...", "application/x-msdownload");
    expect(await as.mutation(api.attachments.register, { storageId, name: "setup.exe", contactId })).toEqual({
      refused: "“setup.exe” is not an image or a PDF.",
    });
    expect((await stored(t)).files).toHaveLength(0);
  });

  it("sends an image as MMS: the provider gets its storage URL, the message keeps the file and says it came from the inbox", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    const storageId = await storeFile(t, PNG, "image/png");
    await as.mutation(api.attachments.register, { storageId, name: "menu.png", contactId });
    const id = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "", attachments: [storageId] });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const message = await as.query(api.messages.get, { messageId: id });
    expect(message).toMatchObject({
      status: "delivered",
      attachments: [{ storageId, name: "menu.png", contentType: "image/png", size: PNG.length }],
      mediaTypes: ["image/png"],
      origin: { via: "inbox" },
    });
    const url = await t.run(async (ctx) => await ctx.storage.getUrl(storageId));
    expect(message.mediaUrls).toEqual([url]);
    expect(provider.callsFor(id)).toHaveLength(1);
    expect(provider.calls[0].message).toMatchObject({ channel: "sms", mediaUrls: [url], mediaNames: ["menu.png"] });
    expect((await stored(t)).uploads[0].messageId).toBe(id);
  });

  it("holds each channel to its limits, with a clear reason", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    const a = await storeFile(t, PNG, "image/png");
    const b = await storeFile(t, PNG, "image/png");
    const webp = await storeFile(t, "RIFF", "image/webp");
    for (const [storageId, name] of [[a, "a.png"], [b, "b.png"], [webp, "c.webp"]] as const) {
      await as.mutation(api.attachments.register, { storageId, name, contactId });
    }
    await t.run(async (ctx) => await ctx.db.patch("contacts", contactId, { whatsappWindowStartedAt: Date.now() }));
    await expect(as.mutation(api.messages.send, { contactId, channel: "whatsapp", content: "two", attachments: [a, b] })).rejects.toMatchObject({
      data: { code: "ATTACHMENT_INVALID", message: "WhatsApp messages carry one file." },
    });
    await expect(as.mutation(api.messages.send, { contactId, channel: "sms", content: "webp", attachments: [webp] })).rejects.toMatchObject({
      data: { code: "ATTACHMENT_INVALID", message: "MMS cannot carry “c.webp”: send JPEG, PNG, GIF or PDF files." },
    });
    // Email takes it, but still wants words.
    await expect(as.mutation(api.messages.send, { contactId, channel: "email", subject: "Pics", content: "", attachments: [webp] })).rejects.toMatchObject(
      code("CONTENT_INVALID"),
    );
    const id = await as.mutation(api.messages.send, { contactId, channel: "email", subject: "Pics", content: "Here", attachments: [webp, a] });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(provider.callsFor(id)[0].message.mediaNames).toEqual(["c.webp", "a.png"]);
  });

  it("another user's file cannot be sent or kept in a draft", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    const storageId = await storeFile(t, PNG, "image/png");
    await as.mutation(api.attachments.register, { storageId, name: "a.png", contactId });
    const eve = await userWithSenders(t, "eve@example.com");
    const eveContact = await eve.as.mutation(api.contacts.create, { name: "Zed", phone: "+14155550999" });
    await expect(eve.as.mutation(api.messages.send, { contactId: eveContact, channel: "sms", content: "x", attachments: [storageId] })).rejects.toMatchObject(
      code("NOT_FOUND"),
    );
    const attachment = { storageId, name: "a.png", contentType: "image/png", size: 11 };
    await expect(eve.as.mutation(api.drafts.save, { contactId: eveContact, content: "", attachments: [attachment], clientId: "e" })).rejects.toMatchObject(
      code("NOT_FOUND"),
    );
    await expect(eve.as.mutation(api.attachments.discard, { storageId })).rejects.toMatchObject(code("NOT_FOUND"));
  });

  it("a retry of a failed message with a file checks it again without treating the file as a typed link", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    const storageId = await storeFile(t, PNG, "image/png");
    await as.mutation(api.attachments.register, { storageId, name: "a.png", contactId });
    provider.answer(["permanent"]);
    const id = await as.mutation(api.messages.send, { contactId, channel: "sms", content: "", attachments: [storageId] });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect((await as.query(api.messages.get, { messageId: id })).status).toBe("failed");
    await as.mutation(api.messages.retry, { messageId: id });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect((await as.query(api.messages.get, { messageId: id })).status).toBe("delivered");
  });

  it("deletes unsent uploads after a week, keeping files a message or a draft holds; discard deletes at once", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    const ids: Attachment[] = [];
    for (const name of ["sent.png", "draft.png", "stray.png", "gone.png"]) {
      const storageId = await storeFile(t, PNG, "image/png");
      const registered = await as.mutation(api.attachments.register, { storageId, name, contactId });
      if (!("attachment" in registered) || !registered.attachment) throw new Error("refused");
      ids.push(registered.attachment);
    }
    const [sent, draft, stray, gone] = ids as [Attachment, Attachment, Attachment, Attachment];
    await as.mutation(api.messages.send, { contactId, channel: "sms", content: "x", attachments: [sent.storageId] });
    await as.mutation(api.drafts.save, { contactId, content: "later", attachments: [draft], clientId: "a" });
    await as.mutation(api.attachments.discard, { storageId: gone.storageId });
    expect((await stored(t)).files.map((f) => f._id).sort()).toEqual([sent, draft, stray].map((a) => a.storageId).sort());
    await t.finishAllScheduledFunctions(vi.runAllTimers);

    vi.advanceTimersByTime(UNSENT_UPLOAD_TTL_MS + 1000);
    expect(await t.mutation(internal.attachments.cleanUp, {})).toEqual({ deleted: 1 });
    expect((await stored(t)).uploads.map((u) => u.name).sort()).toEqual(["draft.png", "sent.png"]);
    expect((await stored(t)).files.map((f) => f._id)).not.toContain(stray.storageId);
  });

  it("a deleted contact's messages take their files with them", async () => {
    const t = setup();
    const { as, contactId } = await world(t);
    const storageId = await storeFile(t, PNG, "image/png");
    await as.mutation(api.attachments.register, { storageId, name: "a.png", contactId });
    await as.mutation(api.messages.send, { contactId, channel: "sms", content: "pic", attachments: [storageId] });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    await as.mutation(api.contacts.remove, { contactId });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await stored(t)).toEqual({ files: [], uploads: [] });
  });
});
