/**
 * Contacts at business scale in the browser: custom fields (Settings) and tags (the contact
 * dialog, bulk tagging, the table's filter); a CSV import dropped on the Contacts page (preview,
 * run, the failed rows downloaded, undo); a segment with its live count and a broadcast to it;
 * and the contacts and messages exports.
 */
import { readFileSync } from "node:fs";
import { expect, test, type Locator } from "@playwright/test";
import { apiOk, createApiKey, inBatches, shot, signUp } from "./support";

/** The number shown for `label` in a <dl> of counts inside `scope`. */
const count = (scope: Locator, label: string) =>
  scope.locator("dt").filter({ hasText: new RegExp(`^${label}$`) }).locator("xpath=following-sibling::dd[1]");

test("custom fields and tags: defined in Settings, edited on the contact, applied in bulk, filtered", async ({ page }, testInfo) => {
  await signUp(page, "fields");
  await page.goto("/settings#custom-fields");
  await page.getByRole("button", { name: "Add field" }).click();
  let dialog = page.getByRole("dialog", { name: "Add a custom field" });
  await dialog.getByLabel("Name").fill("Tier");
  await dialog.getByLabel("Type").selectOption("select");
  await dialog.getByLabel("Options").fill("Gold\nSilver");
  await dialog.getByRole("checkbox", { name: "Show as a column of the contacts table" }).check();
  await dialog.getByRole("button", { name: "Add field" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("row", { name: /Tier/ })).toContainText("One of a list");
  await shot(page, testInfo, "01-custom-fields");

  await page.goto("/contacts");
  for (const [name, phone] of [["Ada Lovelace", "+1 415 555 0181"], ["Alan Turing", "+1 415 555 0182"]]) {
    await page.getByRole("button", { name: "New contact" }).first().click();
    dialog = page.getByRole("dialog", { name: "New contact" });
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByLabel("Phone").fill(phone);
    if (name === "Ada Lovelace") {
      await dialog.getByLabel("Tags").fill("pioneer, math");
      await dialog.getByLabel("Tier").selectOption("Gold");
    }
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();
  }
  const table = page.getByRole("table", { name: "Contacts, by name" });
  const ada = table.getByRole("row", { name: /Ada Lovelace/ });
  await expect(ada).toContainText("pioneer");
  await expect(ada).toContainText("Gold");

  // Tag both at once from the selection.
  await page.getByRole("checkbox", { name: "Select all contacts shown" }).check();
  await page.getByRole("button", { name: "Add tags" }).click();
  dialog = page.getByRole("dialog", { name: "Add tags" });
  await dialog.getByLabel("Tags").fill("newsletter");
  await dialog.getByRole("button", { name: "Add tags" }).click();
  await expect(page.getByText("Tagged 2 contacts")).toBeVisible();
  await expect(table.getByRole("row", { name: /Alan Turing/ })).toContainText("newsletter");

  // Filter the table by a tag.
  await page.getByRole("combobox", { name: "Show" }).selectOption({ label: "pioneer (1)" });
  await expect(page.getByRole("table").getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("table")).toContainText("Ada Lovelace");
  await shot(page, testInfo, "02-contacts-tags-fields");

  // A value of the wrong kind is refused on its field.
  await page.getByRole("combobox", { name: "Show" }).selectOption({ label: "All contacts" });
  await table.getByRole("row", { name: /Alan Turing/ }).getByRole("button", { name: "Edit Alan Turing" }).click();
  dialog = page.getByRole("dialog", { name: "Edit contact" });
  await dialog.getByLabel("Tier").selectOption("Silver");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  await expect(table.getByRole("row", { name: /Alan Turing/ })).toContainText("Silver");
});

const CSV = [
  "First name;Last name;Mobile;E-mail;Tags",
  "Zoë;Müller;+49 151 12345678;zoe@example.com;vip",
  "Bob;Stone;(415) 555-0191;;",
  "Cleo;Park;12;cleo@example.com;", // not a phone number
  "Zoe;M.;+4915112345678;;", // the same person as row 2
  "Dan;Reed;;dan@example.com;vip, newsletter",
].join("\r\n");

test("import a CSV: preview, run, download the failed rows, undo", async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  await signUp(page, "import");
  await page.goto("/contacts");
  // An existing contact the file updates (its email is empty).
  await page.getByRole("button", { name: "New contact" }).first().click();
  let dialog = page.getByRole("dialog", { name: "New contact" });
  await dialog.getByLabel("Name").fill("Bob Stone");
  await dialog.getByLabel("Phone").fill("+1 415 555 0191");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();

  await page.getByRole("button", { name: "Import CSV" }).click();
  dialog = page.getByRole("dialog", { name: "Import contacts" });
  // Drag and drop the file onto the drop zone.
  const dataTransfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], "fair-visitors.csv", { type: "text/csv" }));
    return dt;
  }, CSV);
  await dialog.getByTestId("import-dropzone").dispatchEvent("drop", { dataTransfer });

  // The preview: nothing written yet.
  const preview = dialog.locator("dl[aria-label='Preview']");
  await expect(dialog.getByText("Ready to import")).toBeVisible({ timeout: 60_000 });
  await expect(count(preview, "New contacts")).toHaveText("2");
  await expect(count(preview, "Updated")).toHaveText("0");
  await expect(count(preview, "Skipped")).toHaveText("2");
  await expect(count(preview, "Invalid")).toHaveText("1");
  await expect(dialog.getByText(/Row 4:.*"12" is not a valid phone number/)).toBeVisible();
  await expect(dialog.getByText("Row 5: Same phone number as row 2: merged into it.")).toBeVisible();
  await expect(dialog.getByRole("combobox", { name: "Import E-mail as" })).toHaveValue("email");
  await shot(page, testInfo, "01-import-preview");

  // Options redo the preview: a tag for everyone imported makes Bob (unchanged so far) an update.
  await dialog.getByLabel("Rows matching an existing contact (phone or email)").selectOption("overwrite");
  await expect(dialog.getByLabel("Rows matching an existing contact (phone or email)")).toHaveValue("overwrite");
  await dialog.getByLabel("Tag every imported contact").fill("Fair 2026");
  await dialog.getByLabel("Tag every imported contact").blur();
  await expect(count(preview, "Updated")).toHaveText("1");
  await expect(dialog.getByRole("button", { name: "Import 3 contacts" })).toBeEnabled();
  await dialog.getByRole("button", { name: "Import 3 contacts" }).click();

  // Run to the end.
  await expect(dialog.getByText("Imported", { exact: true })).toBeVisible({ timeout: 60_000 });
  const counts = dialog.locator("dl[aria-label='Import counts']");
  await expect(count(counts, "Created")).toHaveText("2");
  await expect(count(counts, "Updated")).toHaveText("1");
  await expect(count(counts, "Invalid")).toHaveText("1");
  await shot(page, testInfo, "02-import-done");

  // The failed rows, as a CSV with the reason and the original cells.
  const downloading = page.waitForEvent("download");
  await dialog.getByRole("button", { name: "Download failed rows (1)" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("fair-visitors-failed-rows.csv");
  const failed = readFileSync((await download.path())!, "utf8");
  expect(failed.replace(/^\uFEFF/, "").split("\r\n").slice(0, 2)).toEqual([
    "row,reason,First name,Last name,Mobile,E-mail,Tags",
    '4,"""12"" is not a valid phone number (default country US).",Cleo,Park,12,cleo@example.com,',
  ]);

  await dialog.getByRole("button", { name: "Done" }).click();
  const table = page.getByRole("table", { name: "Contacts, by name" });
  await expect(table.getByRole("row")).toHaveCount(4);
  // Rows 2 and 5 are one person (one number written two ways): under "overwrite" the later row's
  // name wins and the email only row 2 has stays.
  const zoe = table.getByRole("row", { name: /Zoe M\./ });
  await expect(zoe).toContainText("+49 1511 2345678");
  await expect(zoe).toContainText("zoe@example.com");
  await expect(table.getByRole("row", { name: /Bob Stone/ })).toContainText("Fair 2026");

  // Undo: the two new contacts go, Bob is as he was.
  await page.getByRole("button", { name: "Import CSV" }).click();
  dialog = page.getByRole("dialog", { name: "Import contacts" });
  await dialog.getByRole("button", { name: "Open fair-visitors.csv" }).click();
  await dialog.getByRole("button", { name: "Undo import" }).click();
  await page.getByRole("alertdialog", { name: "Undo this import?" }).getByRole("button", { name: "Undo import" }).click();
  await expect(dialog.getByText("Undone", { exact: true })).toBeVisible({ timeout: 60_000 });
  await shot(page, testInfo, "03-import-undone");
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table.getByRole("row", { name: /Bob Stone/ })).not.toContainText("Fair 2026");
});

test("a segment with a live count, a broadcast to it, and the exports", async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  await signUp(page, "segments");
  const key = await createApiKey(page, "Segment test");
  const people = [
    ...Array.from({ length: 6 }, (_, i) => ({ name: `VIP ${i + 1}`, phone: `+1 415 555 02${String(i).padStart(2, "0")}`, tags: ["vip"] })),
    { name: "VIP Email-only", email: "vip-email@example.com", tags: ["vip"] },
    { name: "Regular", phone: "+1 415 555 0299" },
  ];
  await inBatches(people, 4, (person) => apiOk(key, "POST", "/contacts", person, 201));

  await page.goto("/segments");
  await page.getByRole("button", { name: "New segment" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New segment" });
  await dialog.getByLabel("Name").fill("VIPs by SMS");
  await dialog.getByLabel("Tag (condition 1)").fill("vip");
  await expect(dialog.getByTestId("segment-count")).toHaveText("7 contacts");
  await dialog.getByRole("button", { name: "Add condition" }).click();
  await expect(dialog.getByLabel("Condition 2", { exact: true })).toHaveValue("reachable");
  await expect(dialog.getByTestId("segment-count")).toHaveText("6 contacts");
  await shot(page, testInfo, "01-segment-editor");
  await dialog.getByRole("button", { name: "Create segment" }).click();
  await page.waitForURL(/\/segments\/.+/);
  await expect(page.getByRole("heading", { name: "VIPs by SMS", level: 1 })).toBeVisible();
  await expect(page.getByTestId("segment-count")).toHaveText("6 contacts");

  // Live: a new VIP counts at once.
  await apiOk(key, "POST", "/contacts", { name: "VIP Late", phone: "+1 415 555 0298", tags: ["VIP"] }, 201);
  await expect(page.getByTestId("segment-count")).toHaveText("7 contacts");

  const composer = page.getByRole("form", { name: "Broadcast to VIPs by SMS" });
  await composer.getByLabel("Message").fill("VIP night on Friday: doors open at 7.");
  await composer.getByRole("button", { name: "Send to the segment…" }).click();
  await page.getByRole("alertdialog", { name: "Send to everyone in VIPs by SMS now?" }).getByRole("button", { name: "Send now" }).click();
  const progress = page.getByRole("region", { name: "Broadcast to VIPs by SMS" });
  await expect(count(progress, "Delivered")).toHaveText("7", { timeout: 90_000 });
  await expect(progress.getByText("Completed")).toBeVisible();
  await shot(page, testInfo, "02-segment-broadcast");

  // Exports: every contact, and the messages of the last 30 days.
  await page.goto("/contacts");
  let downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export contacts" }).click();
  let file = readFileSync((await (await downloading).path())!, "utf8");
  expect(file.split("\r\n")[0]).toBe("\uFEFFid,name,phone,email,tags,opted_out_sms,opted_out_whatsapp,opted_out_email,consent,consent_at,consent_source,last_message_at,created_at");
  expect(file).toContain("VIP Email-only,,vip-email@example.com,vip");
  expect(file.trimEnd().split("\r\n")).toHaveLength(1 + 9);

  await page.getByRole("button", { name: "Export messages" }).click();
  const exportDialog = page.getByRole("dialog", { name: "Export messages" });
  downloading = page.waitForEvent("download");
  await exportDialog.getByRole("button", { name: "Export CSV" }).click();
  file = readFileSync((await (await downloading).path())!, "utf8");
  const lines = file.trimEnd().split("\r\n");
  expect(lines).toHaveLength(1 + 7);
  expect(lines[1]).toContain("VIP night on Friday: doors open at 7.");
  await expect(exportDialog.getByText(/Saved messages-.*\.csv \(7 messages\)\./)).toBeVisible();
  await shot(page, testInfo, "03-export-messages");
});
