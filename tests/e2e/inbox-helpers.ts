/** Steps the inbox browser tests share: add a contact through the Contacts page, open its conversation, find a message. */
import { expect, type Locator, type Page } from "@playwright/test";

export async function createContact(page: Page, contact: { name: string; phone?: string; email?: string }): Promise<void> {
  await page.goto("/contacts");
  // The page header's button (an empty list shows a second one).
  await page.getByRole("button", { name: "New contact" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New contact" });
  await dialog.getByLabel("Name").fill(contact.name);
  if (contact.phone) await dialog.getByLabel("Phone").fill(contact.phone);
  if (contact.email) await dialog.getByLabel("Email").fill(contact.email);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
}

/** Find the contact with the inbox search and open its conversation; returns the composer. */
export async function openConversation(page: Page, name: string): Promise<Locator> {
  if (new URL(page.url()).pathname !== "/inbox") await page.goto("/inbox");
  const search = page.getByRole("searchbox", { name: "Search contacts" });
  await search.fill(name);
  await page.getByRole("region", { name: "Conversations" }).getByRole("link", { name: new RegExp(name) }).click();
  const composer = page.getByRole("form", { name: `Message ${name}` });
  await expect(composer).toBeVisible();
  // On a phone the list (and its search box) is hidden while a conversation is open.
  if (await search.isVisible()) await search.fill("");
  return composer;
}

/** A message of the open thread, by its text. */
export function message(page: Page, text: string): Locator {
  return page.getByRole("region", { name: /^Messages with / }).getByRole("article").filter({ hasText: text });
}

/** The conversation's row in the list. */
export function conversationRow(page: Page, name: string): Locator {
  return page.getByRole("region", { name: "Conversations" }).getByRole("link", { name: new RegExp(name) });
}

/**
 * Marks the current document; the returned check tells whether it is still the same one, i.e.
 * nothing reloaded the page (a live update must not need a reload). Client-side URL updates
 * of the same document do not count.
 */
export async function markDocument(page: Page): Promise<() => Promise<boolean>> {
  const mark = `doc-${Math.random()}`;
  await page.evaluate((m) => {
    (window as unknown as { __inboxMark?: string }).__inboxMark = m;
  }, mark);
  return async () => (await page.evaluate(() => (window as unknown as { __inboxMark?: string }).__inboxMark)) === mark;
}

/** Pretend the tab went to the background (or came back), as switching tabs does. */
export async function setTabVisible(page: Page, visible: boolean): Promise<void> {
  await page.evaluate((state) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => state === "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  }, visible ? "visible" : "hidden");
}
