/**
 * The Scheduled page in a New York browser: a scheduled broadcast and message in time order
 * with their times in the viewer's zone; reschedule (a past time is refused inline) and cancel;
 * a failed message with its reason and Retry.
 */
import { expect, test } from "@playwright/test";
import { formatDateTime } from "../../lib/format";
import { toDateTimeLocalValue, zoneLabel } from "../../lib/schedule";
import { apiOk, callApi, createApiKey, shot, signUp } from "./support";

const ZONE = "America/New_York";
const HOUR = 3_600_000;
const inZone = (ts: number) => formatDateTime(ts, { timeZone: ZONE, locale: "en-US" });

test.use({ timezoneId: ZONE, locale: "en-US" });

test("reschedule and cancel what is scheduled; see and retry what failed", async ({ page }, testInfo) => {
  await signUp(page, "scheduled");
  const key = await createApiKey(page, "Scheduled test");

  const ann = await apiOk(key, "POST", "/contacts", { name: "Ann Scheduled", phone: "+1 415 555 0160" }, 201);
  // The simulator refuses numbers ending in 0000: messages to it fail.
  const wrong = await apiOk(key, "POST", "/contacts", { name: "Wrong Number", phone: "+1 415 555 0000" }, 201);
  const group = await apiOk(key, "POST", "/groups", { name: "Reminders" }, 201);
  await apiOk(key, "POST", `/groups/${String(group.id)}/members`, { contactIds: [ann.id] }, 200);

  // Whole minutes, as a datetime-local input shows them.
  const minute = (ts: number) => Math.ceil(ts / 60_000) * 60_000;
  const now = Date.now();
  const messageAt = minute(now + 48 * HOUR);
  const broadcastAt = minute(now + 24 * HOUR);
  const message = await apiOk(
    key,
    "POST",
    "/messages",
    { contactId: ann.id, channel: "sms", content: "Reminder: your appointment is on Thursday at 10:00.", scheduledAt: new Date(messageAt).toISOString() },
    202,
  );
  const broadcast = await apiOk(
    key,
    "POST",
    "/broadcasts",
    { groupId: group.id, channel: "sms", content: "We are closed on Monday for inventory.", scheduledAt: new Date(broadcastAt).toISOString() },
    202,
  );
  const doomed = await apiOk(key, "POST", "/messages", { contactId: wrong.id, channel: "sms", content: "Your parcel has shipped." }, 201);

  await page.goto("/scheduled");
  await expect(page.getByRole("heading", { name: "Scheduled", level: 1 })).toBeVisible();
  await expect(page.getByText(`Times are in your time zone, ${zoneLabel(ZONE, Date.now())}.`)).toBeVisible();

  // Soonest first: the broadcast (tomorrow), then the message (the day after).
  const upcoming = page.getByRole("list", { name: "Upcoming messages and broadcasts" }).getByRole("listitem");
  await expect(upcoming).toHaveCount(2);
  await expect(upcoming.nth(0)).toContainText("Broadcast to Reminders");
  await expect(upcoming.nth(0)).toContainText(inZone(broadcastAt));
  await expect(upcoming.nth(0)).toContainText("We are closed on Monday for inventory.");
  await expect(upcoming.nth(1)).toContainText("Ann Scheduled");
  await expect(upcoming.nth(1)).toContainText(inZone(messageAt));
  await expect(upcoming.nth(1)).toContainText("SMS");

  // The failed message, with the provider's reason.
  const failed = page.getByRole("list", { name: "Failed messages" }).getByRole("listitem").filter({ hasText: "Wrong Number" });
  await expect(failed).toContainText("The phone number is not valid");
  await shot(page, testInfo, "01-scheduled");

  // Reschedule the message: a past time is refused in the dialog, then three days ahead.
  const messageRow = upcoming.filter({ hasText: "Ann Scheduled" });
  await messageRow.getByRole("button", { name: "Reschedule" }).click();
  const dialog = page.getByRole("dialog", { name: "Reschedule" });
  await expect(dialog.getByText(`In your time zone: ${zoneLabel(ZONE, Date.now())}.`)).toBeVisible();
  await dialog.getByLabel("New time").fill(toDateTimeLocalValue(minute(Date.now() - 2 * HOUR), ZONE));
  await dialog.getByRole("button", { name: "Reschedule" }).click();
  await expect(dialog.getByText("The scheduled time must be in the future.")).toBeVisible();
  await shot(page, testInfo, "02-reschedule-in-past");
  const newAt = minute(Date.now() + 72 * HOUR);
  await dialog.getByLabel("New time").fill(toDateTimeLocalValue(newAt, ZONE));
  await dialog.getByRole("button", { name: "Reschedule" }).click();
  await expect(dialog).toBeHidden();
  await expect(messageRow).toContainText(inZone(newAt));
  const moved = await apiOk(key, "GET", `/messages/${String(message.id)}`, undefined, 200);
  expect(moved).toMatchObject({ status: "scheduled", scheduledAt: new Date(newAt).toISOString() });

  // Cancel the broadcast (the confirmation backs out with "Keep it"), then the message.
  const broadcastRow = upcoming.filter({ hasText: "Broadcast to Reminders" });
  await broadcastRow.getByRole("button", { name: "Cancel broadcast" }).click();
  let confirm = page.getByRole("alertdialog", { name: "Cancel the broadcast to Reminders?" });
  await confirm.getByRole("button", { name: "Keep it" }).click();
  await expect(broadcastRow).toBeVisible();
  await broadcastRow.getByRole("button", { name: "Cancel broadcast" }).click();
  await confirm.getByRole("button", { name: "Cancel broadcast" }).click();
  await expect(broadcastRow).toHaveCount(0);
  expect((await callApi(key, "GET", `/broadcasts/${String(broadcast.id)}`)).body).toMatchObject({ status: "canceled" });

  await messageRow.getByRole("button", { name: "Cancel message" }).click();
  confirm = page.getByRole("alertdialog", { name: "Cancel this message?" });
  await confirm.getByRole("button", { name: "Cancel message" }).click();
  await expect(page.getByText("Nothing scheduled")).toBeVisible();
  expect((await callApi(key, "GET", `/messages/${String(message.id)}`)).body).toMatchObject({ status: "canceled", scheduledAt: null });

  // Retry the failed one: it is sent again, and fails again (later) for the same reason.
  const firstFailure = (await apiOk(key, "GET", `/messages/${String(doomed.id)}`, undefined, 200)).failedAt as string;
  await failed.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByText("Sending again")).toBeVisible();
  await expect
    .poll(async () => (await apiOk(key, "GET", `/messages/${String(doomed.id)}`, undefined, 200)).failedAt, { timeout: 30_000 })
    .not.toBe(firstFailure);
  expect(Date.parse(String((await apiOk(key, "GET", `/messages/${String(doomed.id)}`, undefined, 200)).failedAt))).toBeGreaterThan(Date.parse(firstFailure));
  await expect(failed).toContainText("The phone number is not valid");
  await shot(page, testInfo, "03-scheduled-after");
});
