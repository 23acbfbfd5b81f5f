/**
 * The inbox as people work in it all day: a draft that survives switching conversations, a
 * reload and a second tab; done / snooze / unread with the keyboard and the `?` help; finding a
 * message by its text and landing on it; going offline and back with a message sent exactly
 * once; right-to-left names and messages; and the phone's full-screen conversation. Each key
 * screen is kept as a screenshot, and axe checks the pages and dialogs met on the way.
 */
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible } from "./axe";
import { conversationRow, createContact, message, openConversation } from "./inbox-helpers";
import { apiOk, createApiKey, shot, signUp } from "./support";
import { E2E_CONVEX_PORT } from "./ports";

const ZONE = "Europe/Paris";
test.use({ timezoneId: ZONE, locale: "en-US", viewport: { width: 1440, height: 900 } });
// Long journeys through `next dev` on a shared 2-core machine: more than the default 3 minutes.
test.describe.configure({ timeout: 480_000 });

const box = (page: Page) => page.getByRole("form", { name: /^Message / }).getByRole("textbox", { name: "Message", exact: true });
/** The composer has loaded its stored draft (typing before that would race it). */
const draftLoaded = (page: Page) => expect(page.locator("form[data-composer][data-draft-loaded]")).toBeVisible();

test("a draft survives switching conversations, a reload, and shows in a second tab", async ({ page, context }, testInfo) => {
  await signUp(page, "drafts");
  await createContact(page, { name: "Ada Draft", phone: "+1 415 555 0140", email: "ada@example.com" });
  await createContact(page, { name: "Bea Other", phone: "+1 415 555 0141" });

  let composer = await openConversation(page, "Ada Draft");
  await draftLoaded(page);
  await composer.getByRole("radio", { name: /Email/ }).check({ force: true });
  await composer.getByLabel("Subject").fill("Your order");
  await box(page).fill("Half-written: the order ships on");
  await composer.getByRole("button", { name: "Send later" }).click();
  await composer.getByRole("button", { name: "Tomorrow 9:00" }).click();

  // Another conversation, and back: everything is there.
  await openConversation(page, "Bea Other");
  await draftLoaded(page);
  await expect(box(page)).toHaveValue("");
  composer = await openConversation(page, "Ada Draft");
  await draftLoaded(page);
  await expect(box(page)).toHaveValue("Half-written: the order ships on");
  await expect(composer.getByLabel("Subject")).toHaveValue("Your order");
  await expect(composer.getByRole("radio", { name: /Email/ })).toBeChecked();
  await expect(composer.getByText(/Will be sent .* 9:00\sAM/)).toBeVisible();

  // A reload: still there, and the list marks the conversation as having a draft.
  await page.reload();
  await draftLoaded(page);
  await expect(box(page)).toHaveValue("Half-written: the order ships on");
  await expect(page.getByRole("form", { name: "Message Ada Draft" }).getByLabel("Subject")).toHaveValue("Your order");
  await shot(page, testInfo, "draft-after-reload");

  // A second tab of the same account follows what is typed in the first.
  const second = await context.newPage();
  await second.goto(page.url());
  await draftLoaded(second);
  await expect(box(second)).toHaveValue("Half-written: the order ships on");
  await box(page).fill("Half-written: the order ships on Monday.");
  await expect(box(second)).toHaveValue("Half-written: the order ships on Monday.");
  await second.close();

  // Sending clears it everywhere, and the mark goes.
  await page.getByRole("form", { name: "Message Ada Draft" }).getByRole("button", { name: "Send later" }).click();
  await page.getByRole("form", { name: "Message Ada Draft" }).getByRole("button", { name: "Send", exact: true }).click();
  await expect(message(page, "the order ships on Monday.")).toBeVisible();
  await page.reload();
  await draftLoaded(page);
  await expect(box(page)).toHaveValue("");
  await expect(conversationRow(page, "Ada Draft")).not.toContainText("Draft ·");
});

test("done, snooze and unread, with the keyboard and the ? help", async ({ page }, testInfo) => {
  await signUp(page, "states");
  await createContact(page, { name: "Cleo Done", phone: "+1 415 555 0150" });
  await createContact(page, { name: "Dan Snooze", phone: "+1 415 555 0151" });
  for (const name of ["Cleo Done", "Dan Snooze"]) {
    await openConversation(page, name);
    await box(page).fill(`Hello ${name}`);
    await box(page).press("Control+Enter");
    await expect(conversationRow(page, name)).toContainText(`You: Hello ${name}`);
  }
  const list = page.getByRole("region", { name: "Conversations" });
  const show = (label: string) => list.getByRole("group", { name: "Conversations to show" }).getByRole("button", { name: label });

  // ? lists the shortcuts (checked by axe), Escape closes it.
  await page.getByRole("region", { name: /^Messages with / }).click();
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await expect(help.getByRole("row", { name: /Snooze the open conversation/ })).toBeVisible();
  await expectAccessible(page, "keyboard shortcuts dialog");
  await shot(page, testInfo, "shortcuts-help");
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();

  // E: done. It leaves the open list and is in Done.
  await openConversation(page, "Cleo Done");
  await page.getByRole("region", { name: /^Messages with / }).click();
  await page.keyboard.press("e");
  await expect(page.getByText("Cleo Done marked done")).toBeVisible();
  await expect(conversationRow(page, "Cleo Done")).toHaveCount(0);
  await show("Done").click();
  await expect(conversationRow(page, "Cleo Done")).toBeVisible();

  // Cleo writes back: open again, unread.
  await conversationRow(page, "Cleo Done").click();
  await page.getByLabel("What Cleo Done says").fill("One more question!");
  await page.getByRole("button", { name: /^Simulate reply/ }).click();
  await expect(message(page, "One more question!")).toBeVisible();
  await expect(conversationRow(page, "Cleo Done")).toHaveCount(0);
  await show("Open").click();
  await expect(conversationRow(page, "Cleo Done")).toContainText("One more question!");

  // S: snooze until tomorrow 9:00; it waits in Snoozed with its time.
  await openConversation(page, "Dan Snooze");
  await page.getByRole("region", { name: /^Messages with / }).click();
  await page.keyboard.press("s");
  const snooze = page.getByRole("dialog", { name: "Snooze Dan Snooze" });
  await expect(snooze).toBeVisible();
  await expectAccessible(page, "snooze dialog");
  await snooze.getByRole("button", { name: /Tomorrow 9:00/ }).click();
  await expect(page.getByText(/Dan Snooze snoozed until/)).toBeVisible();
  await expect(conversationRow(page, "Dan Snooze")).toHaveCount(0);
  await show("Snoozed").click();
  await expect(conversationRow(page, "Dan Snooze")).toContainText(/Until /);
  await shot(page, testInfo, "snoozed-list");
  await show("Open").click();

  // U: back to unread (the conversation closes so it stays unread).
  await openConversation(page, "Cleo Done");
  await expect(conversationRow(page, "Cleo Done").getByText(/unread/)).toHaveCount(0);
  await page.getByRole("region", { name: /^Messages with / }).click();
  await page.keyboard.press("u");
  await expect(page).not.toHaveURL(/contact=/);
  await expect(conversationRow(page, "Cleo Done").getByText("1 unread")).toBeVisible();
  await list.getByRole("button", { name: "Unread", exact: true }).click();
  await expect(conversationRow(page, "Cleo Done")).toBeVisible();
  await expect(conversationRow(page, "Dan Snooze")).toHaveCount(0);
});

test("message text search opens the thread at the message, marked", async ({ page }, testInfo) => {
  await signUp(page, "search");
  const key = await createApiKey(page, "Search test");
  const ann = await apiOk(key, "POST", "/contacts", { name: "Ann Search", phone: "+1 415 555 0160" }, 201);
  await apiOk(key, "POST", "/contacts", { name: "José Álvarez", phone: "+1 415 555 0161", email: "jose@cafe.example" }, 201);
  // An early message with a rare word, then more than a page of others after it.
  await apiOk(key, "POST", "/messages", { contactId: ann.id, channel: "sms", content: "The walnut table is reserved for you." }, 201);
  for (let i = 1; i <= 40; i++) {
    await apiOk(key, "POST", "/messages", { contactId: ann.id, channel: "sms", content: `Update number ${i} about your order.` }, 201);
  }

  await page.goto("/inbox");
  const search = page.getByRole("searchbox", { name: "Search contacts" });
  // Contacts: without accents, by the last digits, by email domain.
  for (const typed of ["alvarez", "0161", "cafe.example"]) {
    await search.fill(typed);
    await expect(conversationRow(page, "José Álvarez")).toBeVisible();
  }

  await search.fill("walnut");
  await page.getByRole("group", { name: "Search in" }).getByRole("button", { name: "Messages" }).click();
  const results = page.getByRole("list", { name: "Matching messages" });
  const result = results.getByRole("link", { name: /Ann Search/ });
  await expect(result).toBeVisible();
  await expect(result.locator("mark")).toHaveText("walnut");
  await page.getByLabel("Direction").selectOption("inbound");
  await expect(page.getByText("No messages found")).toBeVisible();
  await page.getByLabel("Direction").selectOption("outbound");
  await expect(result).toBeVisible();
  await shot(page, testInfo, "message-search");
  await expectAccessible(page, "message search");

  await result.click();
  await expect(page).toHaveURL(/message=/);
  const found = page.locator("[data-found]");
  await expect(found).toContainText("The walnut table is reserved for you.");
  await expect(found).toBeInViewport();
  await shot(page, testInfo, "message-found");
});

test("offline: a banner, a message waiting for the connection, sent exactly once on reconnect", async ({ page, context }, testInfo) => {
  await signUp(page, "offline");
  await createContact(page, { name: "Olga Offline", phone: "+1 415 555 0170" });
  await openConversation(page, "Olga Offline");
  await draftLoaded(page);

  // Cut the sync socket (and tell the browser it is offline) until we let it through again.
  let online = true;
  await page.routeWebSocket(new RegExp(`:${E2E_CONVEX_PORT}/`), (ws) => {
    if (!online) {
      void ws.close();
      return;
    }
    ws.connectToServer();
  });
  // The socket opened before the route existed: reload so it goes through the route.
  await page.reload();
  await draftLoaded(page);
  online = false;
  await context.setOffline(true);
  await page.evaluate(() => window.dispatchEvent(new Event("offline")));
  const banner = page.getByText("You are offline. What you send waits and goes out when the connection is back.");
  await expect(banner).toBeVisible();

  await box(page).fill("Sent while offline.");
  await box(page).press("Control+Enter");
  const waiting = message(page, "Sent while offline.");
  await expect(waiting.getByText("Waiting for connection")).toBeVisible();
  await shot(page, testInfo, "offline-waiting");
  await expectAccessible(page, "offline banner");

  online = true;
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await expect(banner).toBeHidden({ timeout: 60_000 });
  await expect(message(page, "Sent while offline.").getByText("Delivered")).toBeVisible({ timeout: 60_000 });
  // Exactly once: one message in the thread, and one in the account.
  await page.reload();
  await expect(message(page, "Sent while offline.")).toHaveCount(1);
  const key = await createApiKey(page, "Offline check");
  const list = await apiOk(key, "GET", "/messages?direction=outbound", undefined, 200);
  expect((list.data as Array<{ content: string }>).filter((m) => m.content === "Sent while offline.")).toHaveLength(1);
});

test("right-to-left names and messages read right to left", async ({ page }, testInfo) => {
  await signUp(page, "rtl");
  const key = await createApiKey(page, "RTL");
  const layla = await apiOk(key, "POST", "/contacts", { name: "ليلى أحمد", phone: "+1 415 555 0180" }, 201);
  await apiOk(key, "POST", "/messages", { contactId: layla.id, channel: "sms", content: "مرحبا، طلبك جاهز للاستلام" }, 201);
  await page.goto("/inbox");
  const row = conversationRow(page, "ليلى أحمد");
  await expect(row).toBeVisible();
  const direction = (locator: ReturnType<Page["locator"]>) => locator.evaluate((el) => getComputedStyle(el).direction);
  // The name, the preview, the bubble and the composer follow the text's direction.
  await expect.poll(() => direction(row.locator("[dir=auto]").first())).toBe("rtl");
  await row.click();
  const bubble = message(page, "طلبك جاهز").locator("p[dir=auto]");
  await expect.poll(() => direction(bubble)).toBe("rtl");
  await expect.poll(() => direction(page.getByRole("heading", { name: "ليلى أحمد", level: 2 }).first())).toBe("rtl");
  await box(page).fill("شكرا جزيلا");
  await expect.poll(() => direction(box(page))).toBe("rtl");
  // The avatar keeps the two initials apart (no lam-alef ligature).
  const initials = await page.locator("header [aria-hidden=true][dir=auto]").first().textContent();
  expect(initials).toBe("ل\u200Cأ");
  await shot(page, testInfo, "rtl");
  await expectAccessible(page, "right-to-left conversation");
});

test("on a phone a conversation gets the whole screen; back returns to the list", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page, "phone");
  await createContact(page, { name: "Pia Phone", phone: "+1 415 555 0190" });
  await page.goto("/inbox");
  const topBar = page.locator("header").filter({ has: page.getByRole("link", { name: "Settings" }) });
  const tabBar = page.getByRole("navigation", { name: "Main" }).last();
  await expect(topBar).toBeVisible();
  await expect(tabBar).toBeVisible();

  await openConversation(page, "Pia Phone");
  await expect(topBar).toBeHidden();
  await expect(tabBar).toBeHidden();
  await expect(page.getByRole("heading", { name: "Inbox", level: 1 })).toBeAttached();
  // The composer sits at the bottom of the screen.
  const form = page.getByRole("form", { name: "Message Pia Phone" });
  const bottom = await form.evaluate((el) => el.getBoundingClientRect().bottom);
  expect(bottom).toBeGreaterThan(844 - 2);
  await shot(page, testInfo, "phone-conversation");
  await expectAccessible(page, "phone conversation");

  await page.getByRole("button", { name: "Back to conversations" }).click();
  await expect(page).not.toHaveURL(/contact=/);
  await expect(topBar).toBeVisible();
  await expect(tabBar).toBeVisible();
  await expect(page.getByRole("searchbox", { name: "Search contacts" })).toBeVisible();
  // The browser's back works too.
  await openConversation(page, "Pia Phone");
  await page.goBack();
  await expect(tabBar).toBeVisible();
});
