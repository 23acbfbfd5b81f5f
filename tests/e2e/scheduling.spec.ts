/**
 * Smart scheduling in a London browser: a weekly recurring message created on the Scheduled page
 * (its next occurrences listed at 09:00 London time, paused and resumed, its pending occurrence an
 * ordinary scheduled message); an after-hours automatic reply set up in Settings answering a
 * simulated inbound text, marked as automatic in the thread.
 */
import { expect, test } from "@playwright/test";
import { formatDateTime } from "../../lib/format";
import { epochOfWallTime, toDateTimeLocalValue } from "../../lib/schedule";
import { message, openConversation } from "./inbox-helpers";
import { apiOk, createApiKey, shot, signUp } from "./support";

const ZONE = "Europe/London";
const DAY = 86_400_000;
/**
 * The next `count` times 09:00 London falls on one of `weekdays` (0 = Sunday … 6 = Saturday), from
 * the local date `from` on: what a weekly rule gives, worked out here by walking the calendar.
 */
function nineOClocks(from: string, weekdays: number[], count: number, after = 0): number[] {
  const out: number[] = [];
  const day = new Date(`${from}T00:00:00Z`);
  while (out.length < count) {
    if (weekdays.includes(day.getUTCDay())) {
      const at = epochOfWallTime({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour: 9, minute: 0 }, ZONE);
      if (at > after) out.push(at);
    }
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return out;
}

/** As the app shows a time in this browser (en-GB, London). */
const shown = (at: number) => formatDateTime(at, { timeZone: ZONE, locale: "en-GB" });

test.use({ timezoneId: ZONE, locale: "en-GB" });

test("a weekly recurring message: created in the app, its next occurrences shown, paused and resumed", async ({ page }, testInfo) => {
  await signUp(page, "recurring");
  const key = await createApiKey(page, "Recurring test");
  await apiOk(key, "POST", "/contacts", { name: "Rita Weekly", phone: "+44 7911 123456" }, 201);

  await page.goto("/scheduled");
  await expect(page.getByRole("heading", { name: "Recurring", exact: true })).toBeVisible();
  await expect(page.getByText("Nothing recurring")).toBeVisible();
  await page.getByRole("button", { name: "New recurring message" }).click();

  const dialog = page.getByRole("dialog", { name: "New recurring message" });
  await dialog.getByLabel("Find a contact").fill("Rita");
  await expect(dialog.getByLabel("Contact", { exact: true }).locator("option", { hasText: "Rita Weekly" })).toHaveCount(1);
  await dialog.getByLabel("Contact", { exact: true }).selectOption({ label: "Rita Weekly" });
  await dialog.getByLabel("Message", { exact: true }).fill("Your weekly check-in: reply if you need anything.");
  await dialog.getByLabel("Repeats").selectOption("weekly");
  // First on a Monday at 09:00, in at least two days (London), on Mondays and Thursdays.
  const monday = new Date(Date.now() + 2 * DAY);
  while (monday.getUTCDay() !== 1) monday.setUTCDate(monday.getUTCDate() + 1);
  const startDate = toDateTimeLocalValue(monday.getTime(), ZONE).slice(0, 10);
  await dialog.getByLabel("First on").fill(`${startDate}T09:00`);
  await dialog.getByLabel("Time zone").selectOption(ZONE);
  await dialog.getByRole("checkbox", { name: "Monday" }).check();
  await dialog.getByRole("checkbox", { name: "Thursday" }).check();
  await dialog.getByRole("checkbox", { name: "Cancel an occurrence if the contact writes after it was scheduled" }).check();

  // The rule and its next occurrences, computed as the server will.
  const times = nineOClocks(startDate, [1, 4], 5);
  const first = times[0];
  const expected = times.map(shown);
  await expect(dialog.getByText(`Repeats every week on Monday, Thursday at 09:00 (${ZONE})`)).toBeVisible();
  const preview = dialog.getByRole("list", { name: "Preview of the next occurrences" }).getByRole("listitem");
  await expect(preview).toHaveText(expected);
  await shot(page, testInfo, "01-new-recurring-message");
  await dialog.getByRole("button", { name: "Create" }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole("list", { name: "Recurring messages and broadcasts" }).getByRole("listitem").filter({ hasText: "Rita Weekly" });
  await expect(row).toContainText("Active");
  await expect(row).toContainText("Cancels on reply");
  await expect(row).toContainText(`Repeats every week on Monday, Thursday at 09:00 (${ZONE})`);
  const next = row.getByRole("list", { name: "Next occurrences to Rita Weekly" }).getByRole("listitem");
  await expect(next).toHaveCount(5);
  for (const [i, text] of expected.entries()) await expect(next.nth(i)).toContainText(text);

  // Its pending occurrence is an ordinary scheduled message, first in the upcoming list.
  const upcoming = page.getByRole("list", { name: "Upcoming messages and broadcasts" }).getByRole("listitem");
  await expect(upcoming.filter({ hasText: "Rita Weekly" })).toHaveCount(1);
  await expect(upcoming.filter({ hasText: "Rita Weekly" })).toContainText(shown(first));
  await shot(page, testInfo, "02-recurring-listed");

  // Pause: no pending occurrence, none listed; resume from the next one.
  await row.getByRole("button", { name: "Pause Rita Weekly" }).click();
  await expect(row).toContainText("Paused");
  await expect(next).toHaveCount(0);
  await expect(upcoming.filter({ hasText: "Rita Weekly" })).toHaveCount(0);
  await row.getByRole("button", { name: "Resume Rita Weekly" }).click();
  await expect(row).toContainText("Active");
  await expect(next.first()).toContainText(expected[0]);

  // Edit all future occurrences: Thursdays only.
  await row.getByRole("button", { name: "Edit all future occurrences to Rita Weekly" }).click();
  const edit = page.getByRole("dialog", { name: "Edit all future occurrences" });
  await edit.getByRole("checkbox", { name: "Monday" }).uncheck();
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText(`Repeats every week on Thursday at 09:00 (${ZONE})`);
  const thursdays = nineOClocks(startDate, [4], 1, Date.now());
  await expect(next.first()).toContainText(shown(thursdays[0]));
  await shot(page, testInfo, "03-recurring-edited");

  // Cancel the series.
  await row.getByRole("button", { name: "Cancel recurring message to Rita Weekly" }).click();
  await page.getByRole("alertdialog", { name: "Stop the recurring message to Rita Weekly?" }).getByRole("button", { name: "Stop it" }).click();
  await expect(page.getByText("Nothing recurring")).toBeVisible();
  await expect(upcoming.filter({ hasText: "Rita Weekly" })).toHaveCount(0);
});

test("an after-hours automatic reply answers a text that comes in when the business is closed", async ({ page }, testInfo) => {
  await signUp(page, "afterhours");
  const key = await createApiKey(page, "After hours test");
  await apiOk(key, "POST", "/contacts", { name: "Otto Late", phone: "+44 7911 123457" }, 201);

  // Business hours 09:00-17:00 on weekdays, and today a holiday: closed now, whatever the time.
  await page.goto("/settings#automation");
  const section = page.locator("#automation");
  const hours = section.getByRole("form", { name: "Hours" });
  await hours.getByLabel("Account time zone").fill(ZONE);
  await hours.getByRole("checkbox", { name: "Set business hours (needed for the after-hours reply)" }).check();
  const today = toDateTimeLocalValue(Date.now(), ZONE).slice(0, 10);
  await hours.getByLabel("Holidays").fill(today);
  await hours.getByRole("button", { name: "Save hours" }).click();
  await expect(page.getByText("Scheduling settings saved.")).toBeVisible();

  const rule = section.getByRole("form", { name: "New automatic reply" });
  await rule.getByLabel("When").selectOption("afterHours");
  await rule.getByLabel("Reply").fill("Thanks for your message! We are closed now and will answer when we open.");
  await rule.getByRole("button", { name: "Add automatic reply" }).click();
  await expect(section.getByText("After hours · SMS, WhatsApp · every 60 min at most")).toBeVisible();
  await shot(page, testInfo, "04-after-hours-rule");

  // Otto texts in through Settings → Simulator (the signed webhook path).
  const simulator = page.locator("#simulator");
  await simulator.getByLabel("Search contacts").fill("Otto");
  await simulator.getByRole("radio", { name: /Otto Late/ }).check();
  await simulator.getByLabel("Channel").selectOption("sms");
  await simulator.getByLabel("Message").fill("Hi, are you open tomorrow?");
  await simulator.getByRole("button", { name: "Text in" }).click();
  await expect(simulator.getByText("Otto Late’s SMS message came in.")).toBeVisible();

  // The thread: his text, then our automatic reply, marked as such.
  await openConversation(page, "Otto Late");
  await expect(message(page, "Hi, are you open tomorrow?")).toBeVisible();
  const reply = message(page, "Thanks for your message! We are closed now");
  await expect(reply).toBeVisible();
  await expect(reply).toContainText("Automatic reply · after hours");
  await shot(page, testInfo, "05-after-hours-reply");

  // A second text soon after gets no second reply (the cooldown, and it came within 2 minutes of ours).
  await page.goto("/settings#simulator");
  await simulator.getByLabel("Search contacts").fill("Otto");
  await simulator.getByRole("radio", { name: /Otto Late/ }).check();
  await simulator.getByLabel("Channel").selectOption("sms");
  await simulator.getByLabel("Message").fill("Also, do you deliver?");
  await simulator.getByRole("button", { name: "Text in" }).click();
  await expect(simulator.getByText("Otto Late’s SMS message came in.")).toBeVisible();
  await openConversation(page, "Otto Late");
  await expect(message(page, "Also, do you deliver?")).toBeVisible();
  await expect(message(page, "Thanks for your message! We are closed now")).toHaveCount(1);
});
