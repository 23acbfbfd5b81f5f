/**
 * What a person does: sign up, create a contact, and watch it appear in a second browser signed
 * in to the same account — live, without a reload.
 */
import { expect, test, type Page, type TestInfo } from "@playwright/test";

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

async function submitCredentials(page: Page, email: string, password: string, button: "Sign up" | "Sign in") {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: button, exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
}

test("a new contact appears live in a second browser", async ({ browser }, testInfo) => {
  const email = `e2e-${Date.now()}@example.com`;
  const password = "e2e-password-1";

  // First browser: sign up.
  const first = await browser.newContext();
  const page = await first.newPage();
  await page.goto("/signin");
  await page.getByRole("button", { name: "Create an account" }).click();
  await shot(page, testInfo, "01-sign-up-form");
  await submitCredentials(page, email, password, "Sign up");
  await shot(page, testInfo, "02-signed-up");
  await page.goto("/contacts");
  // The page header's button (an empty list shows a second one).
  const newContact = page.getByRole("button", { name: "New contact" }).first();
  await expect(newContact).toBeVisible();

  // Second browser: sign in to the same account, open the contacts page.
  const second = await browser.newContext();
  const other = await second.newPage();
  await other.goto("/signin");
  await submitCredentials(other, email, password, "Sign in");
  await other.goto("/contacts");
  await expect(other.getByText("No contacts yet")).toBeVisible();
  await shot(other, testInfo, "03-second-browser-empty");
  let navigations = 0;
  other.on("framenavigated", (frame) => {
    if (frame === other.mainFrame()) navigations += 1;
  });

  // First browser: create a contact.
  await newContact.click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("Ada Lovelace");
  await dialog.getByLabel("Phone").fill("+1 415 555 0100");
  await dialog.getByLabel("Email").fill("ada@example.com");
  await shot(page, testInfo, "04-new-contact-dialog");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Ada Lovelace").first()).toBeVisible();
  await shot(page, testInfo, "05-contact-created");

  // Second browser: it appears without a reload.
  await expect(other.getByText("Ada Lovelace").first()).toBeVisible();
  await shot(other, testInfo, "06-second-browser-live");
  expect(navigations).toBe(0);

  await first.close();
  await second.close();
});
