/**
 * Templates and personalization in the browser: a template with a fallback, inserted with "/"
 * in the inbox composer and previewed for the contact; a broadcast from a template with a
 * per-recipient preview, the SMS cost after merge and a recipient skipped for an empty field;
 * a WhatsApp template sent to a contact whose 24-hour window is closed (simulator's Content API).
 */
import { expect, test } from "@playwright/test";
import { createContact, message, openConversation } from "./inbox-helpers";
import { apiOk, createApiKey, shot, signUp } from "./support";

test("a template with a fallback, inserted with / and sent; a broadcast from a template with previews and a skipped recipient", async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  await signUp(page, "templates");

  // Create two templates on the Templates page; an unknown merge field is refused on save.
  await page.goto("/templates");
  await page.getByRole("button", { name: "New template" }).first().click();
  let dialog = page.getByRole("dialog", { name: "New template" });
  await dialog.getByLabel("Name").fill("Order ready");
  await dialog.getByLabel("Channel").selectOption("sms");
  await dialog.getByLabel("Text").fill("Hi {{firstName|there}}, your order is ready. {{coupon}}");
  await dialog.getByRole("button", { name: "Create template" }).click();
  await expect(dialog.getByText(/\{\{coupon\}\} is not a merge field/)).toBeVisible();
  await dialog.getByLabel("Text").fill("Hi {{firstName|there}}, your order is ready for pickup.");
  await dialog.getByRole("button", { name: "Create template" }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole("button", { name: "New template" }).first().click();
  dialog = page.getByRole("dialog", { name: "New template" });
  await dialog.getByLabel("Name").fill("VIP sale");
  await dialog.getByLabel("Text").fill("{{firstName}}, our VIP sale starts today: 20% off everything. Reply STOP to opt out.");
  await dialog.getByRole("button", { name: "Create template" }).click();
  await expect(dialog).toBeHidden();
  const list = page.getByRole("list", { name: "Templates" });
  await expect(list.getByRole("listitem")).toHaveCount(2);
  await page.getByRole("searchbox", { name: "Search templates" }).fill("vip");
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await shot(page, testInfo, "01-templates");

  // Insert it with "/" in the inbox composer: the preview shows it as the contact gets it.
  await createContact(page, { name: "Ann Lee", phone: "+1 415 555 0101" });
  const composer = await openConversation(page, "Ann Lee");
  const text = composer.getByRole("textbox", { name: "Message" });
  await text.fill("/ord");
  await expect(composer.getByRole("option", { name: /Order ready/ })).toBeVisible();
  await text.press("Enter");
  await expect(text).toHaveValue("Hi {{firstName|there}}, your order is ready for pickup.");
  const preview = composer.getByTestId("recipient-preview");
  await expect(preview).toContainText("Preview for Ann Lee");
  await expect(preview).toContainText("Hi Ann, your order is ready for pickup.");
  await expect(preview).toContainText("1 segment · GSM-7");
  await shot(page, testInfo, "02-composer-slash-template");
  await composer.getByRole("button", { name: "Send", exact: true }).click();
  await expect(message(page, "Hi Ann, your order is ready for pickup.")).toBeVisible();

  // A broadcast to a group: one member has no name of their own, so {{firstName}} is empty.
  const key = await createApiKey(page, "Templates test");
  const ids: string[] = [];
  for (const person of [
    { name: "Bo Diaz", phone: "+1 415 555 0102" },
    { name: "Cy Young", phone: "+1 415 555 0103" },
    { name: "+1 415 555 0104", phone: "+1 415 555 0104" },
  ]) {
    ids.push(String((await apiOk(key, "POST", "/contacts", person, 201)).id));
  }
  const group = await apiOk(key, "POST", "/groups", { name: "VIPs" }, 201);
  await apiOk(key, "POST", `/groups/${String(group.id)}/members`, { contactIds: ids }, 200);
  await page.goto(`/groups/${String(group.id)}`);
  const bc = page.getByRole("form", { name: "Broadcast to VIPs" });
  await bc.getByLabel("Start from a template").selectOption({ label: "VIP sale" });
  const previews = bc.getByRole("region", { name: "Preview per recipient" });
  await expect(previews.getByTestId("recipient-preview")).toHaveCount(3);
  await expect(previews).toContainText("Bo, our VIP sale starts today");
  await expect(previews).toContainText(/Skipped: \{\{firstName\}\} is empty for \+1 415 555 0104/);
  await expect(bc.getByTestId("audience-cost")).toContainText("2 recipients will get it");
  await expect(bc.getByTestId("audience-cost")).toContainText("SMS after merge: 1 segment per message, 2 segments in total");
  await expect(bc.getByTestId("audience-cost")).toContainText("Merge field empty, no fallback 1");
  // Any one on demand.
  await previews.getByRole("searchbox", { name: "Preview for another contact" }).fill("Ann");
  await previews.getByRole("button", { name: "Ann Lee" }).click();
  await expect(previews).toContainText("Ann, our VIP sale starts today");
  await shot(page, testInfo, "03-broadcast-preview");
  await bc.getByRole("button", { name: "Send to 3 members…" }).click();
  await page.getByRole("alertdialog", { name: "Send to 3 members now?" }).getByRole("button", { name: "Send now" }).click();
  const progress = page.getByRole("region", { name: "Broadcast to VIPs" });
  await expect(progress.getByText("Completed")).toBeVisible({ timeout: 60_000 });
  await expect(progress.getByRole("listitem").filter({ hasText: "Merge field empty, no fallback" })).toContainText("1");
  await expect(progress.getByRole("list", { name: "Skipped for their merge fields" })).toContainText("{{firstName}} is empty for +1 415 555 0104");
  await shot(page, testInfo, "04-broadcast-skipped");
});

test("a WhatsApp template goes to a contact whose 24-hour window is closed", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await signUp(page, "wa-templates");
  await page.goto("/templates");
  await page.getByRole("button", { name: "Sync from Twilio" }).click();
  const wa = page.getByRole("list", { name: "WhatsApp templates" });
  await expect(wa.getByRole("listitem", { name: "follow_up" })).toContainText("approved");
  await expect(wa.getByRole("listitem", { name: "spring_sale" })).toContainText("rejected");
  await expect(wa.getByRole("listitem", { name: "appointment_reminder" })).toContainText("pending");
  await expect(wa.getByRole("listitem", { name: "follow_up" }).getByLabel(/\{\{1\}\}/)).toHaveValue("firstName");
  // Placeholder {{2}} of order_ready: the order number, with a fallback.
  const orderReady = wa.getByRole("listitem", { name: "order_ready" });
  await orderReady.getByLabel(/\{\{2\}\}/).fill("var.orderId|today");
  await orderReady.getByRole("button", { name: "Save mapping" }).click();
  await expect(page.getByText("Mapping saved")).toBeVisible();
  await shot(page, testInfo, "05-whatsapp-templates");

  await createContact(page, { name: "Dee Closed", phone: "+1 415 555 0105" });
  const composer = await openConversation(page, "Dee Closed");
  await expect(composer.getByRole("radio", { name: /WhatsApp/ })).toBeDisabled();
  await composer.getByRole("button", { name: "Send a WhatsApp template" }).click();
  await composer.getByLabel("Approved template").selectOption({ label: "order_ready (en)" });
  await expect(composer.getByTestId("whatsapp-template-preview")).toHaveText("Hi Dee, your order today is ready for pickup.");
  await shot(page, testInfo, "06-whatsapp-template-composer");
  await composer.getByRole("button", { name: "Send template" }).click();
  await expect(message(page, "Hi Dee, your order today is ready for pickup.")).toBeVisible();
  await shot(page, testInfo, "07-whatsapp-template-sent");
});
