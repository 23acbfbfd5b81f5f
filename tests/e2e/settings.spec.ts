/**
 * Settings: sender identities (add, make default, remove), the webhook URLs, the simulator
 * panel making a contact text in through the signed webhook, and signing out.
 */
import { expect, test } from "@playwright/test";
import { apiOk, createApiKey, shot, signUp } from "./support";

test("senders, webhook URLs, simulated inbound text and sign out", async ({ page }, testInfo) => {
  await signUp(page, "settings");
  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "Sender identities" })).toBeVisible();

  // A new account starts with simulator senders on every channel (no provider configured here).
  const sms = page.getByRole("region", { name: "SMS" });
  await expect(sms.getByText("Simulator", { exact: true })).toBeVisible();
  await expect(sms.getByText("Default", { exact: true })).toBeVisible();
  await expect(page.getByText("Twilio", { exact: true }).first()).toBeVisible();

  // The three webhook URLs point at the site URL, each with a copy button.
  for (const path of ["/webhooks/twilio/inbound", "/webhooks/twilio/status", "/webhooks/resend"]) {
    await expect(page.getByText(new RegExp(`^http://127\\.0\\.0\\.1:\\d+${path.replace(/\//g, "\\/")}$`))).toBeVisible();
  }
  await expect(page.getByRole("button", { name: "Copy the Twilio inbound URL" })).toBeVisible();

  // Add an SMS number; a malformed one is refused on the field.
  await page.getByRole("button", { name: "Add sender" }).click();
  let dialog = page.getByRole("dialog", { name: "Add a sender" });
  await dialog.getByLabel("Channel").selectOption("sms");
  await dialog.getByLabel("Phone number").fill("12");
  await dialog.getByRole("button", { name: "Add sender" }).click();
  await expect(dialog.getByText('"12" is not a valid phone number.')).toBeVisible();
  await dialog.getByLabel("Phone number").fill("+1 212 555 0199");
  await dialog.getByLabel("Label").fill("Shop line");
  await dialog.getByLabel("Messages per second").fill("5");
  await expect(dialog.getByText("Sends through Simulator")).toBeVisible();
  await shot(page, testInfo, "01-add-sender");
  await dialog.getByRole("button", { name: "Add sender" }).click();
  await expect(dialog).toBeHidden();
  const added = sms.getByRole("listitem").filter({ hasText: "+1 212 555 0199" });
  await expect(added).toContainText("Shop line · 5 per second");
  await expect(added.getByText("Default", { exact: true })).toHaveCount(0);

  // Make it the default, then remove it: the other sender becomes the default again.
  await added.getByRole("button", { name: "Make default +1 212 555 0199" }).click();
  await expect(added.getByText("Default", { exact: true })).toBeVisible();
  await expect(sms.getByText("Default", { exact: true })).toHaveCount(1);
  await shot(page, testInfo, "02-senders");
  await added.getByRole("button", { name: "Remove +1 212 555 0199" }).click();
  dialog = page.getByRole("alertdialog", { name: "Remove +1 212 555 0199?" });
  await expect(dialog).toContainText("becomes the default");
  await dialog.getByRole("button", { name: "Remove sender" }).click();
  await expect(added).toHaveCount(0);
  await expect(sms.getByText("Default", { exact: true })).toHaveCount(1);

  // Simulator: a contact texts in through the real webhook route; the message lands in its thread.
  const key = await createApiKey(page, "Settings test");
  const contact = await apiOk(key, "POST", "/contacts", { name: "Sim Contact", phone: "+1 415 555 0142" }, 201);
  await page.goto("/settings#simulator");
  const simulator = page.locator("#simulator");
  await simulator.getByLabel("Search contacts").fill("Sim");
  await simulator.getByRole("radio", { name: /Sim Contact/ }).check();
  await simulator.getByLabel("Channel").selectOption("sms");
  await simulator.getByLabel("Message").fill("Hi, is my order ready?");
  await simulator.getByRole("button", { name: "Text in" }).click();
  await expect(simulator.getByText("Sim Contact’s SMS message came in.")).toBeVisible();
  await shot(page, testInfo, "03-simulator");
  const thread = await apiOk(key, "GET", `/messages?contactId=${String(contact.id)}`, undefined, 200);
  expect(thread.data).toEqual([expect.objectContaining({ direction: "inbound", status: "received", content: "Hi, is my order ready?" })]);

  // Account: sign out.
  await page.locator("#account").getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname.startsWith("/signin"));
});
