/**
 * Files from the composer. The channel's limits are explained before anything is uploaded; an
 * image dropped into the composer is uploaded to Convex file storage and goes out as an MMS
 * through Twilio's SDK to the fake Twilio (tests/e2e/server.ts), which receives its storage URL
 * and can fetch the image from it — as the real Twilio does.
 *
 * The emulator serves Convex's storage endpoints (upload URL POST, serve URL GET), so the whole
 * path runs as on a deployment; convex/attachments.test.ts covers it at the function level too.
 */
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible } from "./axe";
import { createContact, message, openConversation } from "./inbox-helpers";
import { E2E_CONTROL_PORT } from "./ports";
import { shot, signUp } from "./support";

test.use({ viewport: { width: 1440, height: 900 } });
// Long journeys through `next dev` on a shared 2-core machine: more than the default 3 minutes.
test.describe.configure({ timeout: 480_000 });

/** A 1×1 PNG. */
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

async function control(path: string, method = "POST") {
  const res = await fetch(`http://127.0.0.1:${E2E_CONTROL_PORT}${path}`, { method });
  expect(res.ok).toBe(true);
  return (await res.json()) as unknown;
}

/** Drop files onto an element as a person dragging them from the desktop would. */
async function dropFiles(page: Page, selector: string, files: Array<{ name: string; type: string; base64: string }>) {
  await page.evaluate(
    ({ selector, files }) => {
      const target = document.querySelector(selector)!;
      const data = new DataTransfer();
      for (const f of files) {
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        data.items.add(new File([bytes], f.name, { type: f.type }));
      }
      for (const type of ["dragenter", "dragover", "drop"]) {
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
      }
    },
    { selector, files },
  );
}

test("the composer explains what a channel cannot carry before uploading anything", async ({ page }, testInfo) => {
  await signUp(page, "files-refused");
  await createContact(page, { name: "Rita Refused", phone: "+1 415 555 0210" });
  const composer = await openConversation(page, "Rita Refused");
  await composer.locator("input[type=file]").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
  await expect(composer.getByRole("alert")).toHaveText("“notes.txt” is not an image or a PDF.");
  await dropFiles(page, "form[data-composer]", [{ name: "huge.png", type: "image/png", base64: Buffer.alloc(26 * 1024 * 1024).toString("base64") }]);
  await expect(composer.getByRole("alert")).toHaveText("“huge.png” is 26 MB; files may be at most 25 MB.");
  await shot(page, testInfo, "file-refused");
  await expectAccessible(page, "composer with a refused file");
});

test.describe("with the fake Twilio", () => {
  test.beforeAll(async () => {
    await control("/twilio/on");
  });
  test.afterAll(async () => {
    await control("/twilio/off");
  });

  test("an image dropped into the composer goes out as an MMS with its storage URL", async ({ page }, testInfo) => {
    await signUp(page, "files-mms");
    // Twilio is configured: the account sends SMS through a Twilio number (one the Twilio account owns).
    await control(`/twilio/numbers/${encodeURIComponent("+12125550188")}`);
    await page.goto("/settings");
    await page.getByRole("button", { name: "Add sender" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a sender" });
    await dialog.getByLabel("Channel").selectOption("sms");
    await dialog.getByLabel("Phone number").fill("+1 212 555 0188");
    await expect(dialog.getByText("Sends through Twilio")).toBeVisible();
    await dialog.getByRole("button", { name: "Add sender" }).click();
    await expect(dialog).toBeHidden();

    await createContact(page, { name: "Mia Media", phone: "+1 415 555 0211" });
    const composer = await openConversation(page, "Mia Media");
    await dropFiles(page, "form[data-composer]", [{ name: "storefront.png", type: "image/png", base64: PNG.toString("base64") }]);
    const files = composer.getByRole("list", { name: "Attached files" });
    await expect(files.getByText("storefront.png")).toBeVisible();
    await expectAccessible(page, "composer with an attachment");
    await shot(page, testInfo, "attachment-in-composer");
    await composer.getByRole("textbox", { name: "Message", exact: true }).fill("Our new storefront!");
    await composer.getByRole("button", { name: "Send", exact: true }).click();

    const sent = message(page, "Our new storefront!");
    await expect(sent.getByRole("img", { name: "Image attachment storefront.png" })).toBeVisible();
    await expect(sent.getByText("Sent", { exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(sent.getByText("From the inbox")).toBeVisible();
    await shot(page, testInfo, "mms-sent");

    // The fake Twilio got one message with the image's storage URL, and the URL serves the image.
    const received = (await control("/twilio/received", "GET")) as Array<{ body: Record<string, string | string[]> }>;
    const mms = received.filter((r) => r.body.Body === "Our new storefront!");
    expect(mms).toHaveLength(1);
    const mediaUrl = mms[0].body.MediaUrl;
    expect(typeof mediaUrl).toBe("string");
    const image = await fetch(mediaUrl as string);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await image.arrayBuffer()).equals(PNG)).toBe(true);
  });
});
