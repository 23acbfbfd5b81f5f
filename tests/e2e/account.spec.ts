/**
 * Settings → Account in the browser: a display name (the {{senderName}} merge field reads it), a
 * time zone other than the device's (the Scheduled page and the send-later picker use it), both
 * kept over a reload; a password change refused on the right field for a wrong current password,
 * a short new one and a mistyped repeat, then changed, after which the old password no longer
 * signs in and the new one does. axe checks the section, its errors and the sign-in error.
 */
import { expect, test, type Page } from "@playwright/test";
import { zoneLabel } from "../../lib/schedule";
import { expectAccessible } from "./axe";
import { createContact, openConversation } from "./inbox-helpers";
import { PASSWORD, shot, signUp } from "./support";

const DEVICE_ZONE = "America/Los_Angeles";
const ACCOUNT_ZONE = "Asia/Tokyo";
const NEW_PASSWORD = "e2e-new-password-2";

test.use({ timezoneId: DEVICE_ZONE, locale: "en-US", viewport: { width: 1440, height: 900 } });

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test("display name, time zone and a password change, then signing in with the new password", async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  const email = await signUp(page, "account");
  await createContact(page, { name: "Ann Lee", phone: "+1 415 555 0161" });

  await page.goto("/settings#account");
  const account = page.locator("#account");
  await expect(account.getByText(email)).toBeVisible();
  const profile = account.getByRole("form", { name: "Profile" });
  const timeZone = profile.getByLabel("Time zone");
  // Until one is chosen, the device's zone is used.
  await expect(timeZone).toHaveValue("");
  await expect(timeZone.locator("option:checked")).toHaveText(`Automatic (this device: ${zoneLabel(DEVICE_ZONE, Date.now())})`);
  await expect(profile.getByRole("button", { name: "Save" })).toBeDisabled();
  await expectAccessible(page, "settings, account section");

  // Display name and time zone, saved together.
  await profile.getByLabel("Display name").fill("  Ada   Account ");
  await timeZone.selectOption(ACCOUNT_ZONE);
  await profile.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved your account settings")).toBeVisible();
  await expect(profile.getByRole("button", { name: "Save" })).toBeDisabled();
  await shot(page, testInfo, "01-account-saved");

  // Kept on the server: a reload shows them (the name as cleaned up when saved).
  await page.reload();
  await expect(profile.getByLabel("Display name")).toHaveValue("Ada Account");
  await expect(profile.getByLabel("Time zone")).toHaveValue(ACCOUNT_ZONE);

  // The account's zone, not the device's, is where dates and schedules are.
  await page.goto("/scheduled");
  await expect(page.getByText(`Times are in your time zone, ${zoneLabel(ACCOUNT_ZONE, Date.now())}.`)).toBeVisible();
  const composer = await openConversation(page, "Ann Lee");
  await composer.getByRole("button", { name: "Send later" }).click();
  await expect(composer.getByText(`Your time zone: ${zoneLabel(ACCOUNT_ZONE, Date.now())}`)).toBeVisible();
  // The display name is what {{senderName}} says.
  await composer.getByRole("textbox", { name: "Message", exact: true }).fill("Hello from {{senderName}}");
  await expect(composer.getByTestId("recipient-preview")).toContainText("Hello from Ada Account");

  // Password: each mistake on its own field, and nothing changes.
  await page.goto("/settings#account");
  const password = account.getByRole("form", { name: "Change password" });
  await password.getByLabel("Current password").fill("not-my-password");
  await password.getByLabel("New password", { exact: true }).fill("short");
  await password.getByLabel("Repeat new password").fill("short");
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(password.getByLabel("New password", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(password.getByLabel("New password", { exact: true })).toHaveAccessibleDescription(/^Passwords need at least \d+ characters\./);
  await password.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await password.getByLabel("Repeat new password").fill(`${NEW_PASSWORD}x`);
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(password.getByLabel("Repeat new password")).toHaveAccessibleDescription("The two new passwords differ.");
  await password.getByLabel("Repeat new password").fill(NEW_PASSWORD);
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(password.getByLabel("Current password")).toHaveAccessibleDescription("The current password is not right.");
  await expectAccessible(page, "settings, password errors");
  await shot(page, testInfo, "02-password-errors");

  // The right current password: changed.
  await password.getByLabel("Current password").fill(PASSWORD);
  await password.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed")).toBeVisible();
  await expect(password.getByLabel("Current password")).toHaveValue("");
  await expect(password.getByLabel("New password", { exact: true })).toHaveValue("");

  await account.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname.startsWith("/signin"));

  // The old password no longer signs in; the new one does, to the same account.
  await signIn(page, email, PASSWORD);
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
  await expectAccessible(page, "sign-in with a wrong password");
  await shot(page, testInfo, "03-old-password-refused");
  await signIn(page, email, NEW_PASSWORD);
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
  await page.goto("/settings#account");
  await expect(account.getByText(email)).toBeVisible();
  await expect(profile.getByLabel("Display name")).toHaveValue("Ada Account");
  await shot(page, testInfo, "04-signed-in-with-new-password");
});
