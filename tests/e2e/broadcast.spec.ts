/**
 * A broadcast to a group built in the UI: 52 contacts created through the REST API (50 that
 * can get an SMS, one with only an email address, one whose number the simulator refuses),
 * selected on the Contacts page and added to a new group, then a broadcast from the group page
 * whose live progress reaches the end: 50 delivered, 1 failed, 1 skipped with its reason. The
 * confirmation says who will be skipped and why before anything is sent; the broadcast's page
 * lists recipients by outcome with reasons and retries the failed one.
 */
import { expect, test } from "@playwright/test";
import { expectAccessible } from "./axe";
import { apiOk, createApiKey, inBatches, shot, signUp } from "./support";

test("build a group and broadcast to it, watching progress to the end", async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  await signUp(page, "broadcast");
  const key = await createApiKey(page, "Broadcast test");

  const people = [
    ...Array.from({ length: 50 }, (_, i) => ({ name: `Spring ${String(i + 1).padStart(2, "0")}`, phone: `+1 415 555 01${String(i).padStart(2, "0")}` })),
    { name: "Spring Email-only", email: "email-only@example.com" },
    // The simulator refuses numbers ending in 0000.
    { name: "Spring Wrong-number", phone: "+1 415 555 0000" },
  ];
  await inBatches(people, 4, (person) => apiOk(key, "POST", "/contacts", person, 201));

  // Contacts: show all (pages of 25), select them, add them to a new group.
  await page.goto("/contacts");
  const table = page.getByRole("table", { name: "Contacts, by name" });
  await expect(table.getByRole("row")).toHaveCount(26); // header + 25
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(table.getByRole("row")).toHaveCount(51);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(table.getByRole("row")).toHaveCount(53);
  await expect(page.getByRole("button", { name: "Load more" })).toHaveCount(0);
  await page.getByRole("checkbox", { name: "Select all contacts shown" }).check();
  await expect(page.getByText("52 selected")).toBeVisible();
  await shot(page, testInfo, "01-contacts-selected");
  await page.getByRole("button", { name: "Add to group" }).click();
  const addDialog = page.getByRole("dialog", { name: "Add to group" });
  await expect(addDialog.getByRole("radio", { name: "A new group (you have none yet)" })).toBeChecked();
  await addDialog.getByLabel("New group name").fill("Spring customers");
  await addDialog.getByRole("button", { name: "Add to group" }).click();
  await expect(page.getByText("Added 52 contacts to Spring customers")).toBeVisible();

  // The group, from the groups list.
  await page.goto("/groups");
  await expect(page.getByRole("listitem").filter({ hasText: "Spring customers" })).toContainText("52 members");
  await shot(page, testInfo, "02-groups");
  await page.getByRole("link", { name: "Spring customers" }).click();
  await expect(page.getByRole("heading", { name: "Spring customers", level: 1 })).toBeVisible();
  await expect(page.getByText("52 members").first()).toBeVisible();

  // Compose: SMS, with its segment count; the confirmation says how many members get it.
  const composer = page.getByRole("form", { name: "Broadcast to Spring customers" });
  await expect(composer.getByRole("radio", { name: "SMS" })).toBeChecked();
  await composer.getByRole("button", { name: "Send to 52 members…" }).click();
  await expect(composer.getByText("Write the message.")).toBeVisible();
  await composer.getByLabel("Message").fill("Spring sale: 20% off everything until Sunday. Reply STOP to opt out.");
  await expect(composer.getByText(/1 segment \(GSM-7\)/)).toBeVisible();
  await composer.getByLabel("Message").fill("Spring sale: 20% off everything until Sunday — see you soon! Reply STOP to opt out.");
  await expect(composer.getByText(/2 segments \(UCS-2\) because of “—”/)).toBeVisible();
  await shot(page, testInfo, "03-broadcast-composer");
  await composer.getByRole("button", { name: "Send to 52 members…" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Send to 52 members now?" });
  // Who it reaches, before anything is sent: one member has no phone number.
  await expect(confirm).toContainText("51 will get it; 1 will be skipped:");
  await expect(confirm.getByRole("listitem")).toHaveText(["No address for the channel: 1"]);
  await expectAccessible(page, "broadcast confirmation");
  await shot(page, testInfo, "03b-broadcast-confirm");
  await confirm.getByRole("button", { name: "Send now" }).click();

  // Live progress to the end.
  const progress = page.getByRole("region", { name: "Broadcast to Spring customers" });
  await expect(progress).toBeVisible();
  await shot(page, testInfo, "04-broadcast-progress-started");
  const count = (label: string) => progress.locator("dl > div").filter({ has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) }).locator("dd");
  await expect(count("Delivered")).toHaveText("50", { timeout: 90_000 });
  await expect(count("Members")).toHaveText("52");
  await expect(count("Failed")).toHaveText("1");
  await expect(count("Skipped")).toHaveText("1");
  await expect(count("Queued")).toHaveText("0");
  await expect(progress.getByText("52 of 52 members done (100%).")).toBeVisible();
  // Finished with a failure: never shown as plain success.
  await expect(progress.getByText("Completed with 1 failed")).toBeVisible();
  await expect(progress.getByRole("progressbar", { name: "Members done" })).toHaveAttribute("aria-valuenow", "100");
  await expect(progress.getByRole("listitem").filter({ hasText: "No address for the channel" })).toContainText("1");
  await shot(page, testInfo, "05-broadcast-complete");

  // Its own page, from the group's recent broadcasts.
  await page.getByRole("link", { name: "Details" }).first().click();
  await expect(page.getByRole("heading", { name: "Broadcast to Spring customers", level: 1 })).toBeVisible();
  await expect(page.getByText("52 of 52 members done (100%).")).toBeVisible();

  // Recipients by outcome, with reasons.
  const recipients = page.getByRole("region", { name: "Recipients" });
  await expect(recipients.getByRole("button", { name: "Failed 1" })).toHaveAttribute("aria-pressed", "true");
  const failed = recipients.getByRole("list", { name: "Recipients: failed" }).getByRole("listitem");
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText("Spring Wrong-number");
  await expect(failed).toContainText("The phone number is not valid");
  await recipients.getByRole("button", { name: "Skipped 1" }).click();
  const skipped = recipients.getByRole("list", { name: "Recipients: skipped" }).getByRole("listitem");
  await expect(skipped).toHaveText(/Spring Email-only\s*No address for the channel/);
  await recipients.getByRole("button", { name: "Delivered 50" }).click();
  await expect(recipients.getByRole("list", { name: "Recipients: delivered" }).getByRole("listitem")).toHaveCount(25);
  await shot(page, testInfo, "06-broadcast-page");
  await expectAccessible(page, "broadcast page");

  // Retry the failed one: it goes out again (and the simulator refuses it again).
  await recipients.getByRole("button", { name: "Retry 1 failed" }).click();
  const retry = page.getByRole("alertdialog", { name: "Retry 1 failed message?" });
  await retry.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByText("Retrying the failed messages")).toBeVisible();
  await expect(page.getByText("Completed with 1 failed")).toBeVisible({ timeout: 30_000 });
});
