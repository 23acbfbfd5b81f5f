/**
 * Analytics for a fresh account: the numbers on the dashboard are exactly what this test sent
 * and received, they move live when another message goes out, and ranges are checked.
 */
import { expect, test, type Page } from "@playwright/test";
import { apiOk, createApiKey, shot, signUp } from "./support";

function stat(page: Page, label: string) {
  return page.locator("section[aria-label=Totals] dl > div").filter({ has: page.locator("dt", { hasText: new RegExp(`^${label}$`) }) });
}

async function expectStat(page: Page, label: string, value: string) {
  await expect(stat(page, label).locator("dd").first()).toHaveText(value);
}

test("the dashboard shows what was sent and received, live", async ({ page }, testInfo) => {
  await signUp(page, "analytics");
  const key = await createApiKey(page, "Analytics test");

  const ann = await apiOk(key, "POST", "/contacts", { name: "Ann Analytics", phone: "+1 415 555 0150", email: "ann@example.com" }, 201);
  const ben = await apiOk(key, "POST", "/contacts", { name: "Ben Analytics", phone: "+1 415 555 0151" }, 201);
  // The simulator refuses addresses starting "bounce@": this one fails.
  const cy = await apiOk(key, "POST", "/contacts", { name: "Cy Bounce", email: "bounce@example.com" }, 201);
  await apiOk(key, "POST", "/messages", { contactId: ann.id, channel: "sms", content: "Your order is ready." }, 201);
  await apiOk(key, "POST", "/messages", { contactId: ben.id, channel: "sms", content: "Your order is ready." }, 201);
  await apiOk(key, "POST", "/messages", { contactId: ann.id, channel: "email", subject: "Receipt", content: "Thanks for your order." }, 201);
  await apiOk(key, "POST", "/messages", { contactId: cy.id, channel: "email", subject: "Hello", content: "Welcome!" }, 201);

  // Ann texts back, through Settings → Simulator (the signed webhook path).
  await page.goto("/settings#simulator");
  const simulator = page.locator("#simulator");
  await simulator.getByLabel("Search contacts").fill("Ann");
  await simulator.getByRole("radio", { name: /Ann Analytics/ }).check();
  await simulator.getByLabel("Channel").selectOption("sms");
  await simulator.getByLabel("Message").fill("Great, thanks! Can I pick it up at 5?");
  await simulator.getByRole("button", { name: "Text in" }).click();
  await expect(simulator.getByText("Ann Analytics’s SMS message came in.")).toBeVisible();

  await page.goto("/analytics");
  await expect(page.getByRole("heading", { name: "Analytics", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "Last 30 days" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByText("Days are UTC")).toBeVisible();
  // 3 sent (the simulator reports them within seconds), 1 failed, 1 received, 3 contacts.
  await expectStat(page, "Sent", "3");
  await expectStat(page, "Received", "1");
  await expectStat(page, "Failed", "1");
  await expectStat(page, "Contacts", "3");
  await expectStat(page, "Avg. response time", "—");
  await expect(stat(page, "Avg. response time")).toContainText("No replies in this range");

  // Live: answering Ann from the API moves the numbers without a reload.
  let navigations = 0;
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) navigations += 1;
  });
  await apiOk(key, "POST", "/messages", { contactId: ann.id, channel: "sms", content: "Yes, see you at 5." }, 201);
  await expectStat(page, "Sent", "4");
  await expect(stat(page, "Avg. response time")).toContainText("Over 1 reply");
  await expect(stat(page, "Avg. response time").locator("dd").first()).not.toHaveText("—");
  await expect(stat(page, "Failed")).toContainText("Of 5 outbound messages");
  expect(navigations).toBe(0);

  // The charts' numbers, as tables.
  const byChannel = page.getByRole("table", { name: "Messages by channel" });
  await page.getByText("Show the numbers").first().click();
  await expect(byChannel.getByRole("row", { name: /^SMS/ })).toHaveText(/SMS\s*3\s*1\s*4/);
  await expect(byChannel.getByRole("row", { name: /^Email/ })).toHaveText(/Email\s*1\s*0\s*1/);
  await expect(byChannel.getByRole("row", { name: /^WhatsApp/ })).toHaveText(/WhatsApp\s*0\s*0\s*0/);
  await page.getByText("Show the numbers").nth(1).click();
  const byStatus = page.getByRole("table", { name: "Outbound messages by status" });
  await expect(byStatus.getByRole("row", { name: /^Delivered/ })).toHaveText(/Delivered\s*4/);
  await expect(byStatus.getByRole("row", { name: /^Failed/ })).toHaveText(/Failed\s*1/);
  await expect(page.locator("svg.recharts-surface").first()).toBeVisible();
  await shot(page, testInfo, "01-analytics");

  // Presets and a custom range: an empty period, and a range that is refused inline.
  await page.getByRole("button", { name: "Last 7 days" }).click();
  await expect(page.getByRole("button", { name: "Last 7 days" })).toHaveAttribute("aria-pressed", "true");
  await expectStat(page, "Sent", "4");
  await page.getByRole("button", { name: "Custom" }).click();
  const custom = page.getByRole("form", { name: "Custom date range" });
  await custom.getByLabel("From").fill("2020-01-31");
  await custom.getByLabel("To").fill("2020-01-01");
  await custom.getByRole("button", { name: "Apply" }).click();
  await expect(custom.getByText("The end date must not be before the start date.")).toBeVisible();
  await custom.getByLabel("From").fill("2020-01-01");
  await custom.getByLabel("To").fill("2020-01-31");
  await custom.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByText("No messages in this range")).toBeVisible();
  await expectStat(page, "Sent", "0");
  await expectStat(page, "Contacts", "3");
  await shot(page, testInfo, "02-analytics-empty-range");
});
