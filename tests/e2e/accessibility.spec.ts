/**
 * axe-core on every page and every dialog a person opens, at 1440×900 and 390×844, in the light
 * and the dark theme: no serious or critical violation anywhere. The first test proves the check
 * itself fails on a violation, so a silent helper cannot pass everything.
 */
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { expectAccessible, seriousViolations } from "./axe";
import { openConversation } from "./inbox-helpers";
import { apiOk, createApiKey, shot, signUp } from "./support";

test.use({ timezoneId: "Europe/Paris", locale: "en-US" });

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

test("the axe check fails on a serious violation", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByRole("button", { name: "Create an account" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  // An unlabeled button and grey-on-grey text: both serious.
  await page.evaluate(() => {
    const button = document.createElement("button");
    button.innerHTML = "<svg width='10' height='10'></svg>";
    const faint = document.createElement("p");
    faint.textContent = "Hardly readable";
    faint.style.cssText = "color:#bbb;background:#ccc";
    document.body.append(button, faint);
  });
  const ids = (await seriousViolations(page)).map((v) => v.id);
  expect(ids).toEqual(expect.arrayContaining(["button-name", "color-contrast"]));
});

/** Check the page, softly: one run lists every page's problems. */
async function check(page: Page, where: string) {
  await test.step(`axe: ${where}`, async () => {
    try {
      await expectAccessible(page, where);
    } catch (error) {
      expect.soft(error, String(error)).toBeUndefined();
    }
  });
}

async function dialogCheck(page: Page, open: () => Promise<void>, name: string | RegExp, where: string) {
  await open();
  const dialog = page.getByRole("dialog", { name }).or(page.getByRole("alertdialog", { name }));
  await expect(dialog).toBeVisible();
  await check(page, `${where} (dialog)`);
  await page.keyboard.press("Escape");
  // A form with typed data asks first: a second Escape in the question discards.
  await expect(dialog).toBeHidden();
}

/** A form dialog with typing in it asks before Escape throws the typing away (and is checked while asking). */
async function discardCheck(page: Page, where: string) {
  await page.getByRole("button", { name: "New contact" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New contact" });
  await dialog.getByLabel("Name").fill("Half typed");
  await page.keyboard.press("Escape");
  await expect(dialog.getByRole("alert").getByText("Discard what you typed?")).toBeVisible();
  await expect(dialog.getByLabel("Name")).toHaveValue("Half typed");
  await check(page, `${where} (discard question)`);
  await dialog.getByRole("button", { name: "Keep editing" }).click();
  await expect(dialog.getByLabel("Name")).toHaveValue("Half typed");
  await page.keyboard.press("Escape");
  await dialog.getByRole("button", { name: "Discard" }).click();
  await expect(dialog).toBeHidden();
}

/** The one-time key: Escape before copying asks "did you copy it?" instead of closing. */
async function newKeyCheck(page: Page, where: string) {
  await page.getByRole("button", { name: "Create API key" }).click();
  await page.getByRole("dialog", { name: "Create an API key" }).getByLabel("Name").fill("Shown once");
  await page.getByRole("button", { name: "Create key" }).click();
  const shown = page.getByRole("dialog", { name: "Copy your new API key" });
  await expect(shown.getByLabel("API key “Shown once”")).toHaveValue(/^uik_live_/);
  await check(page, `${where} (dialog)`);
  await page.keyboard.press("Escape");
  await expect(shown.getByText("Did you copy the key?")).toBeVisible();
  await check(page, `${where} (did you copy it?)`);
  await shown.getByRole("button", { name: "Close without copying" }).click();
  await expect(shown).toBeHidden();
}

type Seeded = { broadcastId: string; segmentId: string };

/** A fresh account with two contacts (one with an Arabic name), a group, messages, a schedule, a broadcast and a segment. */
async function seed(page: Page): Promise<Seeded> {
  await page.goto("/signin");
  await expect(page.getByRole("button", { name: "Create an account" })).toBeVisible();
  await check(page, "sign-in page");
  await signUp(page, "a11y");
  await check(page, "empty inbox");
  const key = await createApiKey(page, "A11y");
  const ada = await apiOk(key, "POST", "/contacts", { name: "Ada Lovelace", phone: "+1 415 555 0190", email: "ada@example.com" }, 201);
  const layla = await apiOk(key, "POST", "/contacts", { name: "ليلى أحمد", phone: "+1 415 555 0191" }, 201);
  const group = await apiOk(key, "POST", "/groups", { name: "Regulars" }, 201);
  await apiOk(key, "POST", `/groups/${group.id as string}/members`, { contactIds: [ada.id, layla.id] }, 200);
  await apiOk(key, "POST", "/messages", { contactId: ada.id, channel: "sms", content: "Your order is ready." }, 201);
  await apiOk(key, "POST", "/messages", { contactId: layla.id, channel: "sms", content: "مرحبا، طلبك جاهز" }, 201);
  await apiOk(key, "POST", "/messages", {
    contactId: ada.id,
    channel: "email",
    subject: "Tomorrow",
    content: "See you tomorrow.",
    scheduledAt: new Date(Date.now() + 86_400_000).toISOString(),
  }, 202);
  const broadcast = await apiOk(key, "POST", "/broadcasts", { groupId: group.id, channel: "sms", content: "Open late tonight." }, 202);
  const segment = await apiOk(key, "POST", "/segments", { name: "Reachable by SMS", conditions: [{ kind: "reachable", channel: "sms" }] }, 201);
  return { broadcastId: broadcast.id as string, segmentId: segment.id as string };
}

/** Every page, and (with `dialogs`) the dialogs opened from them. */
async function checkEverything(page: Page, testInfo: TestInfo, seeded: Seeded, at: string, { dialogs }: { dialogs: boolean }) {
  const phone = (page.viewportSize()?.width ?? 1440) < 640;
  await page.goto("/inbox");
  await expect(page.getByRole("region", { name: "Conversations" }).getByRole("link", { name: /Ada Lovelace/ })).toBeVisible();
  await check(page, `inbox, ${at}`);
  await openConversation(page, "Ada Lovelace");
  await expect(page.getByRole("region", { name: /^Messages with / }).getByRole("article").first()).toBeVisible();
  await check(page, `conversation, ${at}`);
  if (phone) await page.getByRole("button", { name: "Details" }).click();
  await check(page, `contact details, ${at}`);
  await shot(page, testInfo, `inbox-${at.replace(/\W+/g, "-")}`);
  if (dialogs) {
    await page.keyboard.press("?");
    await check(page, `keyboard shortcuts, ${at} (dialog)`);
    await page.keyboard.press("Escape");
    const actions = page.getByRole("group", { name: "Conversation", exact: true });
    await dialogCheck(page, () => actions.getByRole("button", { name: "Snooze", exact: true }).click(), "Snooze Ada Lovelace", `snooze, ${at}`);
  }

  await page.goto("/contacts");
  await expect(page.getByRole("table", { name: "Contacts, by name" }).getByRole("row", { name: /Ada Lovelace/ })).toBeVisible();
  await check(page, `contacts, ${at}`);
  if (dialogs) {
    await dialogCheck(page, () => page.getByRole("button", { name: "New contact" }).first().click(), "New contact", `new contact, ${at}`);
    await discardCheck(page, `new contact with typing, ${at}`);
    await dialogCheck(page, () => page.getByRole("button", { name: "Edit Ada Lovelace" }).click(), "Edit contact", `edit contact, ${at}`);
    await dialogCheck(page, () => page.getByRole("button", { name: "Delete Ada Lovelace" }).click(), "Delete Ada Lovelace?", `delete contact, ${at}`);
    await dialogCheck(page, () => page.getByRole("button", { name: "Import CSV" }).click(), "Import contacts", `import contacts, ${at}`);
  }

  await page.goto("/segments");
  await expect(page.getByRole("heading", { name: "Segments", level: 1 })).toBeVisible();
  await check(page, `segments, ${at}`);
  if (dialogs) {
    await dialogCheck(page, () => page.getByRole("button", { name: "New segment" }).first().click(), "New segment", `new segment, ${at}`);
  }
  await page.goto(`/segments/${seeded.segmentId}`);
  await expect(page.getByRole("heading", { name: "Reachable by SMS", level: 1 })).toBeVisible();
  await check(page, `segment, ${at}`);

  await page.goto("/templates");
  await expect(page.getByRole("heading", { name: "Templates", level: 1 })).toBeVisible();
  await check(page, `templates, ${at}`);
  if (dialogs) {
    await dialogCheck(page, () => page.getByRole("button", { name: "New template" }).first().click(), "New template", `new template, ${at}`);
  }

  await page.goto("/groups");
  await expect(page.getByRole("link", { name: "Regulars" })).toBeVisible();
  await check(page, `groups, ${at}`);
  if (dialogs) {
    await dialogCheck(page, () => page.getByRole("button", { name: "New group" }).first().click(), "New group", `new group, ${at}`);
  }
  await page.getByRole("link", { name: "Regulars" }).click();
  await expect(page.getByRole("heading", { name: "Regulars", level: 1 })).toBeVisible();
  await check(page, `group, ${at}`);
  if (dialogs) {
    await dialogCheck(page, () => page.getByRole("button", { name: "Add members" }).first().click(), /Add members/, `add members, ${at}`);
    await dialogCheck(page, () => page.getByRole("button", { name: "Delete", exact: true }).click(), "Delete Regulars?", `delete group, ${at}`);
    // The broadcast confirmation, with who will be skipped and why.
    const composer = page.getByRole("form", { name: "Broadcast to Regulars" });
    await composer.getByLabel("Message").fill("Open late tonight.");
    await dialogCheck(
      page,
      async () => {
        await composer.getByRole("button", { name: /^Send to 2 members/ }).click();
        await expect(page.getByRole("alertdialog").getByText(/will get it/)).toBeVisible();
      },
      "Send to 2 members now?",
      `broadcast confirmation, ${at}`,
    );
  }

  await page.goto(`/broadcasts/${seeded.broadcastId}`);
  await expect(page.getByRole("heading", { name: "Broadcast to Regulars", level: 1 })).toBeVisible();
  await check(page, `broadcast, ${at}`);

  await page.goto("/scheduled");
  await expect(page.getByRole("heading", { name: "Scheduled", level: 1 })).toBeVisible();
  await expect(page.getByText("See you tomorrow.").first()).toBeVisible();
  await check(page, `scheduled, ${at}`);
  if (dialogs) {
    await dialogCheck(page, () => page.getByRole("button", { name: "Reschedule" }).first().click(), /Reschedule/, `reschedule, ${at}`);
    await dialogCheck(page, () => page.getByRole("button", { name: "Cancel message" }).first().click(), "Cancel this message?", `cancel message, ${at}`);
  }

  await page.goto("/analytics");
  await expect(page.getByRole("heading", { name: "Analytics", level: 1 })).toBeVisible();
  await expect(page.getByText("Messages sent").first()).toBeVisible();
  await check(page, `analytics, ${at}`);

  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "Sender identities" })).toBeVisible();
  await check(page, `settings, ${at}`);
  await shot(page, testInfo, `settings-${at.replace(/\W+/g, "-")}`);
  if (dialogs) {
    await dialogCheck(page, () => page.getByRole("button", { name: "Add sender" }).click(), "Add a sender", `add sender, ${at}`);
    await dialogCheck(page, () => page.getByRole("button", { name: "Create API key" }).click(), "Create an API key", `create API key, ${at}`);
    await dialogCheck(page, () => page.getByRole("button", { name: "Revoke A11y" }).click(), "Revoke A11y?", `revoke API key, ${at}`);
    await newKeyCheck(page, `new API key, ${at}`);
  }

  await page.goto("/no-such-page");
  await check(page, `not found, ${at}`);
}

for (const theme of ["light", "dark"] as const) {
  test(`every page and dialog passes axe at 1440×900, ${theme}`, async ({ page }, testInfo) => {
    test.setTimeout(480_000);
    await page.emulateMedia({ colorScheme: theme });
    await page.setViewportSize(DESKTOP);
    const seeded = await seed(page);
    await checkEverything(page, testInfo, seeded, `${theme}, 1440px`, { dialogs: true });
  });

  test(`every page passes axe at 390×844, ${theme}`, async ({ page }, testInfo) => {
    test.setTimeout(480_000);
    await page.emulateMedia({ colorScheme: theme });
    await page.setViewportSize(PHONE);
    const seeded = await seed(page);
    await checkEverything(page, testInfo, seeded, `${theme}, 390px`, { dialogs: false });
  });
}
