/**
 * An inbound HTML email in the thread: it arrives through the signed Resend webhook and the
 * simulator's Receiving API, shows as text, and on request as formatted HTML that is sanitized,
 * runs nothing, and loads remote images only when asked.
 */
import { expect, test } from "@playwright/test";
import { ConvexHttpClient } from "convex/browser";
import { api } from "../../convex/_generated/api";
import { createContact, message, openConversation } from "./inbox-helpers";
import { E2E_CONVEX_PORT } from "./ports";
import { shot, signUp } from "./support";

const HTML = `
  <style>.hero { background: url("https://cdn.example/hero.png") }</style>
  <h1 class="hero">Your order <b>#42</b> has shipped</h1>
  <p>Track it <a href="https://shop.example/track/42">here</a>.</p>
  <img src="https://track.example/open.gif" alt="pixel" width="1" height="1">
  <img src="x" onerror="parent.document.title='pwned'">
  <script>parent.document.title = 'pwned'</script>`;

test("an HTML email shows sanitized, with remote images blocked until asked for", async ({ page }, testInfo) => {
  await signUp(page, "email-html");
  await createContact(page, { name: "Ann Lee", email: "ann@example.com" });

  // Simulate the email as the signed-in user (the Settings simulator sends text only).
  const token = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.startsWith("__convexAuthJWT"))?.[1] ?? null);
  expect(token).not.toBeNull();
  const client = new ConvexHttpClient(`http://127.0.0.1:${E2E_CONVEX_PORT}`);
  client.setAuth(token!);
  const [ann] = await client.query(api.contacts.search, { query: "Ann" });
  await client.action(api.webhooks.simulate.simulateInbound, {
    contactId: ann._id,
    channel: "email",
    subject: "Shipped",
    content: "Your order #42 has shipped. Track it at https://shop.example/track/42",
    html: HTML,
  });

  await openConversation(page, "Ann Lee");
  const row = message(page, "Your order #42 has shipped");
  await expect(row).toBeVisible();
  const title = await page.title();
  await row.getByRole("button", { name: "Show formatted email" }).click();

  const frame = row.frameLocator('iframe[title="Formatted email"]');
  await expect(frame.getByRole("heading", { name: "Your order #42 has shipped" })).toBeVisible();
  await expect(frame.getByRole("link", { name: "here" })).toHaveAttribute("target", "_blank");
  await expect(row.getByText(/Remote images and styles are blocked \(2\)/)).toBeVisible();
  const srcdoc = (await row.locator('iframe[title="Formatted email"]').getAttribute("srcdoc")) ?? "";
  expect(srcdoc).not.toMatch(/onerror|<script|track\.example|cdn\.example/);
  expect(await row.locator("iframe").getAttribute("sandbox")).not.toContain("allow-scripts");
  await shot(page, testInfo, "email-html-blocked");

  await row.getByRole("button", { name: "Load remote images" }).click();
  await expect(row.getByText(/Remote images and styles are blocked/)).toBeHidden();
  expect((await row.locator('iframe[title="Formatted email"]').getAttribute("srcdoc")) ?? "").toContain("https://track.example/open.gif");
  await shot(page, testInfo, "email-html-remote-allowed");
  expect(await page.title()).toBe(title); // nothing in the email ran
});
