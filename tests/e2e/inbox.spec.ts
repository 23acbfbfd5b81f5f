/**
 * The inbox, as a person uses it in Chromium against the emulator: sign up, add a contact, write
 * to them and watch the message reach "delivered" live; replies arriving through the real signed
 * webhook (Simulate reply), live in the thread and as an unread badge in a second browser; a
 * message scheduled 5 seconds ahead going out without a reload, another one canceled; the closed
 * WhatsApp window explained; notes with @mentions; the keyboard. Screenshots of the inbox at
 * 1440×900 and 390×844 are kept in test-results/e2e/.
 */
import { expect, test, type Page } from "@playwright/test";
import { toDateTimeLocalValue, zoneLabel } from "../../lib/schedule";
import { conversationRow, createContact, markDocument, message, openConversation, setTabVisible } from "./inbox-helpers";
import { PASSWORD, shot, signUp } from "./support";

const ZONE = "Europe/Paris";
test.use({ timezoneId: ZONE, locale: "en-US", viewport: { width: 1440, height: 900 } });

async function signIn(page: Page, email: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
}

test("send an SMS and watch it reach delivered, live", async ({ page }, testInfo) => {
  await signUp(page, "inbox");
  // Signing in lands in the inbox.
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.getByText("No conversations yet")).toBeVisible();

  await createContact(page, { name: "Ada Lovelace", phone: "+1 415 555 0100", email: "ada@example.com" });
  const composer = await openConversation(page, "Ada Lovelace");
  await expect(page.getByText("No messages with Ada Lovelace yet")).toBeVisible();
  // Pre-set to SMS (the contact has a phone number and no conversation yet).
  await expect(composer.getByRole("radio", { name: /SMS/ })).toBeChecked();

  // Characters, segments and encoding as you type.
  const box = composer.getByRole("textbox", { name: "Message", exact: true });
  await box.fill("a".repeat(161));
  await expect(composer.getByText("161/1,600 · 2 segments · GSM-7")).toBeVisible();
  await box.fill("Hello Ada 😀");
  await expect(composer.getByText("12/1,600 · 1 segment · UCS-2")).toBeVisible();
  await box.fill("Hello Ada, your order is ready for pickup.");
  await expect(composer.getByText("42/1,600 · 1 segment · GSM-7")).toBeVisible();

  const sameDocument = await markDocument(page);
  await composer.getByRole("button", { name: "Send", exact: true }).click();
  const sent = message(page, "your order is ready for pickup");
  // At once (optimistic), then the simulator's delivery receipt, without a reload.
  await expect(sent).toBeVisible();
  await expect(box).toHaveValue("");
  await expect(sent.getByText("Delivered")).toBeVisible({ timeout: 20_000 });
  expect(await sameDocument()).toBe(true);
  await expect(conversationRow(page, "Ada Lovelace")).toContainText("You: Hello Ada, your order is ready for pickup.");

  await page.screenshot({ path: testInfo.outputPath("inbox-1440x900.png") });

  // An empty message is refused inline, not sent.
  await composer.getByRole("button", { name: "Send", exact: true }).click();
  await expect(composer.getByText("Write a message, attach a file or add a media link.")).toBeVisible();
  await box.fill("Thanks!");
  await expect(composer.getByText("Write a message, attach a file or add a media link.")).toBeHidden();

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole("button", { name: "Back to conversations" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("inbox-390x844-thread.png") });
  await page.getByRole("button", { name: "Back to conversations" }).click();
  await expect(conversationRow(page, "Ada Lovelace")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("inbox-390x844.png") });
});

test("a reply arrives live in the thread and as an unread badge in a second browser", async ({ browser }, testInfo) => {
  const options = { timezoneId: ZONE, locale: "en-US", viewport: { width: 1440, height: 900 } };
  const first = await browser.newContext(options);
  const page = await first.newPage();
  const email = await signUp(page, "reply");
  await createContact(page, { name: "Grace Hopper", phone: "+1 415 555 0101" });
  const composer = await openConversation(page, "Grace Hopper");
  await composer.getByRole("textbox", { name: "Message", exact: true }).fill("Are you free for a call today?");
  await composer.getByRole("button", { name: "Send", exact: true }).click();
  await expect(message(page, "free for a call").getByText("Delivered")).toBeVisible({ timeout: 20_000 });

  // A second browser, signed in to the same account, on the conversation list.
  const second = await browser.newContext(options);
  const other = await second.newPage();
  await signIn(other, email);
  await expect(other).toHaveURL(/\/inbox$/);
  const row = conversationRow(other, "Grace Hopper");
  await expect(row).toContainText("You: Are you free for a call today?");
  await expect(row.getByText(/unread/)).toHaveCount(0);
  const otherSameDocument = await markDocument(other);
  const sameDocument = await markDocument(page);

  // The first browser's tab is in the background when Grace answers (through the signed webhook).
  await setTabVisible(page, false);
  await page.getByLabel("What Grace Hopper says").fill("Yes, after 3pm works for me!");
  await page.getByRole("button", { name: /^Simulate reply/ }).click();

  // Live in the open thread…
  await expect(message(page, "after 3pm works for me")).toBeVisible();
  await expect(message(page, "after 3pm works for me")).toContainText("SMS");
  // …and, unread, in the other browser's list.
  await expect(row).toContainText("Yes, after 3pm works for me!");
  await expect(row.getByText("1 unread")).toBeVisible();
  await shot(other, testInfo, "second-browser-unread");

  // Back to the tab: the open thread is read now, in both browsers.
  await setTabVisible(page, true);
  await expect(row.getByText(/unread/)).toHaveCount(0);
  expect(await sameDocument()).toBe(true);
  expect(await otherSameDocument()).toBe(true);

  // The second browser opens the conversation: the reply is there too.
  await row.click();
  await expect(message(other, "after 3pm works for me")).toBeVisible();
  await shot(page, testInfo, "first-browser-thread");
  await first.close();
  await second.close();
});

test("schedule a message 5 seconds ahead and see it go out; cancel another", async ({ page }, testInfo) => {
  await signUp(page, "schedule");
  await createContact(page, { name: "Alan Turing", phone: "+1 415 555 0102" });
  const composer = await openConversation(page, "Alan Turing");
  const sameDocument = await markDocument(page);

  await composer.getByRole("button", { name: "Send later" }).click();
  await expect(composer.getByText(`Your time zone: ${zoneLabel(ZONE, Date.now())}`)).toBeVisible();
  await composer.getByRole("textbox", { name: "Message", exact: true }).fill("This one goes out in five seconds.");
  // 5 s ahead, to the second, in the browser's zone (what a person would type in the picker).
  const at = Math.ceil((Date.now() + 5_000) / 1000) * 1000;
  await composer.getByLabel("Send at").fill(toDateTimeLocalValue(at, ZONE));
  await composer.getByRole("button", { name: "Schedule", exact: true }).click();

  const soon = message(page, "goes out in five seconds");
  await expect(soon.getByText(/^Scheduled for /)).toBeVisible();
  await shot(page, testInfo, "scheduled-5s");
  // It leaves at its time and the status follows, without a reload.
  await expect(soon.getByText(/^(Sent|Delivered)$/)).toBeVisible({ timeout: 30_000 });
  expect(Date.now()).toBeGreaterThanOrEqual(at);
  expect(await sameDocument()).toBe(true);

  // Another one, tomorrow at 9:00 (a quick choice), canceled before it leaves.
  await composer.getByRole("button", { name: "Send later" }).click();
  await composer.getByRole("button", { name: "Tomorrow 9:00" }).click();
  await expect(composer.getByText(/Will be sent .* 9:00\sAM \(Europe\/Paris\)/)).toBeVisible();
  await composer.getByRole("textbox", { name: "Message", exact: true }).fill("See you tomorrow morning.");
  await composer.getByRole("button", { name: "Schedule", exact: true }).click();
  const tomorrow = message(page, "See you tomorrow morning.");
  await expect(tomorrow.getByText(/^Scheduled for .* 9:00\sAM/)).toBeVisible();
  await tomorrow.getByRole("button", { name: "Cancel the scheduled message" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Cancel this scheduled message?" });
  await dialog.getByRole("button", { name: "Cancel message" }).click();
  await expect(dialog).toBeHidden();
  await expect(tomorrow.getByText("Canceled", { exact: true })).toBeVisible();
  await expect(page.getByRole("region", { name: "Messages with Alan Turing" })).toBeFocused();
  await shot(page, testInfo, "canceled");
});

test("channels that cannot be used are explained; failures show their reason", async ({ page }, testInfo) => {
  await signUp(page, "channels");
  await createContact(page, { name: "Katherine Johnson", phone: "+1 415 555 0103" });
  const composer = await openConversation(page, "Katherine Johnson");

  // WhatsApp needs the contact to have written there in the last 24 hours; there is no email address.
  const whatsapp = composer.getByRole("radio", { name: /WhatsApp/ });
  await expect(whatsapp).toBeDisabled();
  await expect(composer.getByText("Katherine Johnson has not messaged you on WhatsApp.", { exact: false })).toBeVisible();
  await expect(composer.getByRole("radio", { name: /Email/ })).toBeDisabled();
  await expect(composer.getByText("(no email address)")).toBeVisible();
  await shot(page, testInfo, "whatsapp-window-closed");

  // She writes on WhatsApp: the window opens, live, and the composer follows her there.
  await page.getByLabel("Reply on").selectOption("whatsapp");
  await page.getByLabel("What Katherine Johnson says").fill("Hi! Writing from WhatsApp.");
  await page.getByRole("button", { name: /^Simulate reply/ }).click();
  await expect(message(page, "Writing from WhatsApp")).toBeVisible();
  await expect(whatsapp).toBeEnabled();
  await expect(whatsapp).toBeChecked();
  await expect(composer.getByText(/^WhatsApp window open until /)).toBeVisible();

  // The simulator refuses numbers ending in 0000: the failure and its reason are shown.
  await createContact(page, { name: "Wrong Number", phone: "+1 415 555 0000" });
  const wrong = await openConversation(page, "Wrong Number");
  await wrong.getByRole("textbox", { name: "Message", exact: true }).fill("Your parcel has shipped.");
  await wrong.getByRole("button", { name: "Send", exact: true }).click();
  const failed = message(page, "Your parcel has shipped.");
  await expect(failed.getByText("Failed: The phone number is not valid")).toBeVisible({ timeout: 20_000 });
  await expect(failed.getByRole("button", { name: "Retry sending" })).toBeVisible();
  await shot(page, testInfo, "failed-with-reason");
});

test("notes with @mentions, and the keyboard", async ({ page }, testInfo) => {
  await signUp(page, "notes");
  await createContact(page, { name: "Hedy Lamarr", phone: "+1 415 555 0104", email: "hedy@example.com" });
  await createContact(page, { name: "Mary Jackson", phone: "+1 415 555 0105" });
  const composer = await openConversation(page, "Hedy Lamarr");

  // A note with a mention, highlighted; made private; then deleted.
  const notes = page.getByRole("region", { name: "Notes" });
  await notes.getByRole("textbox", { name: "Add a note" }).fill("Prefers email. Ask @sam about the invoice.");
  await notes.getByRole("button", { name: "Add note" }).click();
  const note = notes.getByRole("listitem").filter({ hasText: "Prefers email." });
  await expect(note.locator("mark", { hasText: "@sam" })).toBeVisible();
  await note.getByRole("button", { name: "Edit note" }).click();
  await notes.getByRole("checkbox", { name: "Private", exact: true }).check();
  await notes.getByRole("button", { name: "Save" }).click();
  await expect(note.getByText("Private")).toBeVisible();
  await expect(note.getByRole("button", { name: "Edit note" })).toBeFocused();
  await shot(page, testInfo, "note-with-mention");
  await note.getByRole("button", { name: "Delete note" }).click();
  await page.getByRole("alertdialog", { name: "Delete this note?" }).getByRole("button", { name: "Delete note" }).click();
  await expect(notes.getByText("No notes yet.")).toBeVisible();

  // Send with the keyboard: Ctrl+Enter in the message box.
  const box = composer.getByRole("textbox", { name: "Message", exact: true });
  await box.focus();
  await page.keyboard.type("Sent from the keyboard.");
  await page.keyboard.press("Control+Enter");
  await expect(message(page, "Sent from the keyboard.")).toBeVisible();
  await expect(box).toHaveValue("");
  await expect(box).toBeFocused();
  await expect(message(page, "Sent from the keyboard.").getByText("Delivered")).toBeVisible({ timeout: 20_000 });

  // Email needs a subject: refused inline.
  await composer.getByRole("radio", { name: /Email/ }).check({ force: true });
  await box.fill("The invoice is attached.");
  await box.press("Control+Enter");
  await expect(composer.getByText("Emails need a subject.")).toBeVisible();
  await expect(composer.getByLabel("Subject")).toBeFocused();

  // The list by keyboard: arrows move between conversations, Enter opens one.
  await createConversationBySearch(page, "Mary Jackson");
  const first = conversationRow(page, "Mary Jackson");
  await first.focus();
  await page.keyboard.press("ArrowDown");
  await expect(conversationRow(page, "Hedy Lamarr")).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/contact=/);
  await expect(page.getByRole("form", { name: "Message Hedy Lamarr" })).toBeVisible();
  await page.keyboard.press("ArrowUp");
  await expect(first).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("form", { name: "Message Mary Jackson" })).toBeVisible();
});

/** Give a contact a conversation (so it is in the list): open it and send one message. */
async function createConversationBySearch(page: Page, name: string) {
  const composer = await openConversation(page, name);
  await composer.getByRole("textbox", { name: "Message", exact: true }).fill(`Hello ${name}`);
  await composer.getByRole("button", { name: "Send", exact: true }).click();
  await expect(conversationRow(page, name)).toContainText(`You: Hello ${name}`);
}

test("a long thread opens at the latest message, loads older ones, and follows new ones or offers a pill", async ({ page }, testInfo) => {
  await signUp(page, "thread");
  await createContact(page, { name: "Long Thread", phone: "+1 415 555 0106" });
  const composer = await openConversation(page, "Long Thread");
  const box = composer.getByRole("textbox", { name: "Message", exact: true });
  // More than the first page (30) of messages.
  for (let i = 1; i <= 34; i++) {
    await box.fill(`Message number ${i}.`);
    await box.press("Control+Enter");
  }
  // An image link is shown inline.
  await composer.getByRole("button", { name: "Media link" }).click();
  await composer.getByLabel("Media URL").fill("https://cdn.example.com/photos/storefront.jpg");
  await box.fill("Message number 35: a photo of the shop.");
  await box.press("Control+Enter");
  await expect(message(page, "Message number 35").getByRole("img", { name: "Image attachment storefront.jpg" })).toBeAttached();
  await expect(message(page, "Message number 35").getByText("Delivered")).toBeVisible({ timeout: 30_000 });

  // Opened again, it starts at the latest message, with only the newest page loaded.
  await page.reload();
  const thread = page.getByRole("region", { name: "Messages with Long Thread" });
  await expect(message(page, "Message number 35")).toBeInViewport();
  await expect(message(page, "Message number 1.")).toHaveCount(0);

  // Scrolling to the top loads the older messages, up to the beginning.
  await thread.evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(thread.getByText("This is the beginning of your conversation with Long Thread.")).toBeVisible();
  await expect(message(page, "Message number 1.")).toBeAttached();
  await thread.evaluate((el) => {
    el.scrollTop = 0;
  });

  // A reply while reading older messages: a pill, not a jump.
  await page.getByLabel("What Long Thread says").fill("Is the shop open on Sunday?");
  await page.getByRole("button", { name: /^Simulate reply/ }).click();
  const pill = page.getByRole("button", { name: "1 new message" });
  await expect(pill).toBeVisible();
  await expect(message(page, "open on Sunday")).not.toBeInViewport();
  // Not seen yet, so still unread.
  await expect(conversationRow(page, "Long Thread").getByText("1 unread")).toBeVisible();
  await shot(page, testInfo, "new-messages-pill");
  await pill.click();
  await expect(message(page, "open on Sunday")).toBeInViewport();
  await expect(pill).toBeHidden();
  await expect(conversationRow(page, "Long Thread").getByText(/unread/)).toHaveCount(0);

  // At the bottom, the next one is simply followed.
  await page.getByLabel("What Long Thread says").fill("Thanks!");
  await page.getByRole("button", { name: /^Simulate reply/ }).click();
  await expect(message(page, "Thanks!")).toBeInViewport();
  await expect(page.getByRole("button", { name: /new message/ })).toHaveCount(0);
});
