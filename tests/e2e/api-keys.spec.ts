/**
 * API keys: create one in Settings (shown once, copied to the clipboard), send a message with
 * it from outside the browser and watch it arrive in the open inbox, then revoke it and see
 * the next request refused with 401.
 */
import { expect, test } from "@playwright/test";
import { E2E_APP_URL } from "./ports";
import { API_BASE, callApi, shot, signUp } from "./support";

test("an API key sends a message that appears live in the inbox; revoked, it gets 401", async ({ page, context }, testInfo) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: E2E_APP_URL });
  await signUp(page, "apikeys");
  await page.goto("/settings#api-keys");
  await expect(page.getByText("No API keys yet")).toBeVisible();
  await expect(page.getByText(`${API_BASE}`)).toBeVisible();

  // Create: the full key once, with a warning and a copy button.
  await page.getByRole("button", { name: "Create API key" }).click();
  const create = page.getByRole("dialog", { name: "Create an API key" });
  await create.getByRole("button", { name: "Create key" }).click();
  await expect(create.getByText("Enter a name.")).toBeVisible();
  await create.getByLabel("Name").fill("Shop website");
  await create.getByRole("button", { name: "Create key" }).click();
  const shown = page.getByRole("dialog", { name: "Copy your new API key" });
  await expect(shown.getByRole("alert")).toContainText("This is the only time the key is shown.");
  const key = await shown.getByLabel("API key “Shop website”").inputValue();
  expect(key).toMatch(/^uik_live_[A-Za-z0-9_-]{20,}$/);
  await shown.getByRole("button", { name: "Copy API key" }).click();
  await expect(shown.getByRole("button", { name: "Copy API key" })).toHaveText(/Copied/);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await shot(page, testInfo, "01-new-api-key");
  await shown.getByRole("button", { name: "Done" }).click();
  await expect(shown).toBeHidden();
  await expect(page.getByText(key)).toHaveCount(0);

  // Listed by prefix, never used yet.
  const row = page.getByRole("row", { name: /Shop website/ });
  await expect(row).toContainText(`${key.slice(0, 13)}…`);
  await expect(row).toContainText("Never");
  await expect(row).toContainText("Active");
  await shot(page, testInfo, "02-api-keys");

  // The inbox is open; a message sent with the key from this test process appears without a reload.
  await page.goto("/inbox");
  const conversations = page.getByRole("region", { name: "Conversations" });
  await expect(conversations).toBeVisible();
  let navigations = 0;
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) navigations += 1;
  });
  const sent = await callApi(key, "POST", "/messages", {
    phone: "+1 415 555 0123",
    name: "Order Customer",
    channel: "sms",
    content: "Your order #1042 is ready for pickup.",
  });
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  expect(sent.body).toMatchObject({ channel: "sms", direction: "outbound", to: "+14155550123" });
  await expect(conversations.getByText("Order Customer")).toBeVisible();
  await expect(conversations.getByText("Your order #1042 is ready for pickup.")).toBeVisible();
  expect(navigations).toBe(0);
  await conversations.getByText("Order Customer").click();
  await expect(page.getByRole("region", { name: "Conversation" }).getByText("Your order #1042 is ready for pickup.")).toBeVisible();
  await shot(page, testInfo, "03-inbox-live");

  // Revoke it: the list says so, and the next request is refused.
  await page.goto("/settings#api-keys");
  await expect(row).not.toContainText("Never");
  await row.getByRole("button", { name: "Revoke Shop website" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Revoke Shop website?" });
  await expect(confirm).toContainText("is refused (401)");
  await confirm.getByRole("button", { name: "Revoke key" }).click();
  await expect(row).toContainText("Revoked");
  await expect(row.getByRole("button", { name: "Revoke Shop website" })).toHaveCount(0);
  await shot(page, testInfo, "04-api-key-revoked");
  const refused = await callApi(key, "POST", "/messages", { phone: "+1 415 555 0123", channel: "sms", content: "Should not be sent." });
  expect(refused.status).toBe(401);
  expect(refused.body.error?.code).toBe("INVALID_API_KEY");
});
