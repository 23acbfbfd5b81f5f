/**
 * Contacts: create, edit (name, email, an opt-out), the duplicate errors that point to the
 * existing contact, search, and delete with a confirmation that says what goes with it.
 */
import { expect, test } from "@playwright/test";
import { shot, signUp } from "./support";

test("create and edit a contact, and hit the duplicate errors", async ({ page }, testInfo) => {
  await signUp(page, "contacts");
  await page.goto("/contacts");
  await expect(page.getByText("No contacts yet")).toBeVisible();
  await shot(page, testInfo, "01-contacts-empty");
  const newContact = page.getByRole("button", { name: "New contact" }).first();

  // A contact needs an address.
  await newContact.click();
  let dialog = page.getByRole("dialog", { name: "New contact" });
  await dialog.getByLabel("Name").fill("Grace Hopper");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("A contact needs a phone number or an email address.");
  await dialog.getByLabel("Phone").fill("(415) 555-0171");
  await dialog.getByLabel("Email").fill("grace@example.com");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  const table = page.getByRole("table", { name: "Contacts, by name" });
  let row = table.getByRole("row", { name: /Grace Hopper/ });
  await expect(row).toContainText("+1 415 555 0171");
  await expect(row).toContainText("grace@example.com");

  // Edit: name, email and a WhatsApp opt-out.
  await row.getByRole("button", { name: "Edit Grace Hopper" }).click();
  dialog = page.getByRole("dialog", { name: "Edit contact" });
  await expect(dialog.getByRole("textbox", { name: "Phone" })).toHaveValue("+1 415 555 0171");
  await dialog.getByLabel("Name").fill("Grace B. Hopper");
  await dialog.getByRole("textbox", { name: "Email" }).fill("grace.hopper@example.com");
  await dialog.getByRole("checkbox", { name: "WhatsApp" }).check();
  await shot(page, testInfo, "02-edit-contact");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  row = table.getByRole("row", { name: /Grace B\. Hopper/ });
  await expect(row).toContainText("grace.hopper@example.com");
  await expect(row.getByText("WhatsApp: opted out").first()).toBeAttached();
  await expect(row.getByText("SMS: can be messaged").first()).toBeAttached();

  // The same phone number, typed differently: refused on the field, with a way to the contact.
  await newContact.click();
  dialog = page.getByRole("dialog", { name: "New contact" });
  await dialog.getByLabel("Name").fill("Amazing Grace");
  await dialog.getByLabel("Phone").fill("+14155550171");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText("Grace B. Hopper already has this phone number.")).toBeVisible();
  await expect(dialog.getByLabel("Phone")).toHaveAttribute("aria-invalid", "true");
  await shot(page, testInfo, "03-duplicate-phone");
  await dialog.getByRole("button", { name: "Open Grace B. Hopper" }).click();
  dialog = page.getByRole("dialog", { name: "Edit contact" });
  await expect(dialog.getByLabel("Name")).toHaveValue("Grace B. Hopper");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // The same email in other case.
  await newContact.click();
  dialog = page.getByRole("dialog", { name: "New contact" });
  await dialog.getByLabel("Name").fill("Other Grace");
  await dialog.getByLabel("Email").fill("GRACE.HOPPER@example.com");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText("Grace B. Hopper already has this email address.")).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(table.getByRole("row")).toHaveCount(2);

  // A second contact; search; the conversation link; delete with what goes with it.
  await newContact.click();
  dialog = page.getByRole("dialog", { name: "New contact" });
  await dialog.getByLabel("Name").fill("Temp Person");
  await dialog.getByLabel("Email").fill("temp@example.com");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await page.getByLabel("Search contacts").fill("hopper");
  const results = page.getByRole("table", { name: "Contacts matching the search" });
  await expect(results.getByRole("row")).toHaveCount(2);
  await expect(page.getByText("1 match", { exact: true })).toBeVisible();
  const link = results.getByRole("link", { name: "Open conversation with Grace B. Hopper" });
  await expect(link).toHaveAttribute("href", /^\/inbox\?contact=/);
  await page.getByLabel("Search contacts").fill("");
  await table.getByRole("button", { name: "Delete Temp Person" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Delete Temp Person?" });
  await expect(confirm).toContainText("group memberships, its notes and its messages");
  await shot(page, testInfo, "04-delete-confirmation");
  await confirm.getByRole("button", { name: "Delete contact" }).click();
  await expect(table.getByRole("row", { name: /Temp Person/ })).toHaveCount(0);
  await expect(table.getByRole("row")).toHaveCount(2);
  await shot(page, testInfo, "05-contacts");
});
