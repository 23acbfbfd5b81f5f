/**
 * Notifications and the installable app, in Chromium against the whole app:
 *
 * - Web Push: the notification permission is granted to the browser context, the person turns
 *   notifications on in Settings (the button asks for the permission), a customer texts in
 *   through the real signed webhook, and the server's push request (web-push: VAPID JWT,
 *   aes128gcm) reaches a local fake push service (tests/fakes/pushService.ts), where this test
 *   decrypts it with the subscription's private key. The decrypted payload is then delivered to
 *   the app's real service worker with Chromium's DevTools protocol
 *   (ServiceWorker.deliverPushMessage); the notification it shows is read back with
 *   registration.getNotifications(), and a click on it (a `notificationclick` event dispatched
 *   in the worker) opens the conversation.
 *
 *   What is stubbed, and why: headless Chromium has no push service to register with
 *   (PushManager.subscribe() fails with "AbortError: Registration failed - permission denied"
 *   even with the permission granted; a real Chromium registers with Google's FCM over the
 *   internet). So, in this test only, PushManager.subscribe()/getSubscription() return a
 *   subscription whose endpoint is the fake push service and whose keys this test made (as a
 *   browser makes them). Everything else is the real code: the Settings button, the
 *   permission request, the subscription sent to Convex, the engine, web-push, HTTP, the
 *   service worker, the notification, the click.
 * - The device in use is not pushed to; the unread count in the tab title and icon; the sound.
 * - The manifest, icons, service worker and offline page that make the inbox installable.
 * - The inbox at phone size (390×844): list → thread → back.
 */
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { FakePushService } from "../fakes/pushService";
import { conversationRow, createContact, message, setTabVisible } from "./inbox-helpers";
import { E2E_APP_URL } from "./ports";
import { PASSWORD, shot, signUp } from "./support";

type Pushed = { title: string; body: string; tag: string; url: string; timestamp: number };

let push: FakePushService;
test.beforeAll(async () => {
  push = await new FakePushService().start();
});
test.afterAll(async () => await push.stop());

/**
 * The test's stand-in for the browser's push service registration (see the file comment): a
 * subscription to the fake push service with keys made here. It remembers itself across page
 * loads, like a real one, and records the options the app subscribed with.
 */
async function stubPushRegistration(context: BrowserContext, subscription: { endpoint: string; p256dh: string; auth: string }) {
  await context.addInitScript((sub) => {
    const KEY = "e2e-push-subscription";
    const bytes = (b64url: string) => {
      const b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
      return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0)).buffer;
    };
    const make = (serverKey: string) => ({
      endpoint: sub.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey: bytes(serverKey) },
      getKey: (name: string) => bytes(name === "p256dh" ? sub.p256dh : sub.auth),
      toJSON: () => ({ endpoint: sub.endpoint, expirationTime: null, keys: { p256dh: sub.p256dh, auth: sub.auth } }),
      unsubscribe: async () => {
        localStorage.removeItem(KEY);
        return true;
      },
    });
    const toB64Url = (key: BufferSource) =>
      btoa(String.fromCharCode(...new Uint8Array(ArrayBuffer.isView(key) ? key.buffer : key))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
      if (Notification.permission !== "granted") throw new DOMException("Registration failed - permission denied", "NotAllowedError");
      if (!options?.userVisibleOnly || !options.applicationServerKey) throw new DOMException("bad options", "NotSupportedError");
      const serverKey = toB64Url(options.applicationServerKey as BufferSource);
      localStorage.setItem(KEY, serverKey);
      return make(serverKey) as unknown as PushSubscription;
    };
    PushManager.prototype.getSubscription = async function () {
      const serverKey = localStorage.getItem(KEY);
      return (serverKey ? make(serverKey) : null) as unknown as PushSubscription | null;
    };
  }, subscription);
}

/** Count the chime's tones: the page's audio output, stubbed to count instead of sounding. */
async function countChimes(context: BrowserContext) {
  await context.addInitScript(() => {
    const w = window as unknown as { __tones: number };
    w.__tones = 0;
    const Real = window.AudioContext;
    window.AudioContext = class extends Real {
      createOscillator() {
        const oscillator = super.createOscillator();
        const start = oscillator.start.bind(oscillator);
        oscillator.start = (when?: number) => {
          w.__tones++;
          start(when);
        };
        return oscillator;
      }
    };
  });
}

/** A contact texts in through Settings → Simulator (the real signed webhook route). */
async function textIn(page: Page, name: string, text: string) {
  if (new URL(page.url()).pathname !== "/settings") await page.goto("/settings#simulator");
  const simulator = page.locator("#simulator");
  await simulator.getByLabel("Search contacts").fill(name);
  await simulator.getByRole("radio", { name: new RegExp(name) }).check();
  await simulator.getByLabel("Channel").selectOption("sms");
  await simulator.getByLabel("Message").fill(text);
  await simulator.getByRole("button", { name: "Text in" }).click();
  await expect(simulator.getByText(`${name}’s SMS message came in.`)).toBeVisible();
}

/** The registration id of the page's service worker, for the DevTools protocol. */
async function serviceWorkerRegistration(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  const registrations: Array<{ registrationId: string; scopeURL: string; isDeleted: boolean }> = [];
  cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => registrations.push(...e.registrations));
  await cdp.send("ServiceWorker.enable");
  await expect.poll(() => registrations.find((r) => !r.isDeleted && r.scopeURL === `${E2E_APP_URL}/`)?.registrationId).toBeTruthy();
  return { cdp, registrationId: registrations.find((r) => !r.isDeleted && r.scopeURL === `${E2E_APP_URL}/`)!.registrationId };
}

const shownNotifications = (page: Page) =>
  page.evaluate(async () =>
    (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as unknown })),
  );

test("Web Push: turn it on in Settings, a text in is pushed encrypted to the device, shown by the service worker, and a click opens the conversation", async ({ browser }, testInfo) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(["notifications"], { origin: E2E_APP_URL });
  const device = await push.subscribe();
  await stubPushRegistration(context, device);
  await countChimes(context);
  const page = await context.newPage();
  const email = await signUp(page, "push");
  await createContact(page, { name: "Ada Lovelace", phone: "+1 415 555 0170" });

  // Settings → Notifications: nothing is asked until the button is clicked.
  await page.goto("/settings#notifications");
  const section = page.locator("#notifications");
  await expect(section.getByRole("button", { name: "Turn on notifications" })).toBeVisible();
  await section.getByRole("button", { name: "Turn on notifications" }).click();
  await expect(section.getByText("This device gets notifications")).toBeVisible();
  const devices = section.getByRole("region", { name: "Devices that get notifications" });
  await expect(devices.getByRole("listitem")).toHaveCount(1);
  await expect(devices.getByRole("listitem")).toContainText(/Chrome on Linux\s*This device/);
  // The browser was subscribed with this deployment's VAPID public key.
  const serverKey = await page.evaluate(() => localStorage.getItem("e2e-push-subscription"));
  expect(serverKey).toMatch(/^B[\w-]{86}$/);
  // The sound, off by default: turned on here (its confirmation chime is two tones).
  const sound = section.getByRole("checkbox", { name: /Play a sound/ });
  await expect(sound).not.toBeChecked();
  await sound.check();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __tones: number }).__tones)).toBe(2);
  await shot(page, testInfo, "01-settings-notifications");

  // Ada texts while this page is in use (visible, focused): nothing is pushed to this device,
  // but the page counts it: the tab's title and icon, and the chime.
  await textIn(page, "Ada Lovelace", "Hello, are you open today?");
  await expect(page).toHaveTitle("(1) Settings · Unified Inbox");
  await expect(page.locator('link[rel~="icon"]').first()).toHaveAttribute("href", /^data:image\/svg\+xml,.*%3E1%3C%2Ftext%3E/);
  await expect.poll(() => page.evaluate(() => (window as unknown as { __tones: number }).__tones)).toBe(4);
  await page.waitForTimeout(3_000);
  expect(push.for(device.id)).toHaveLength(0);

  // The tab goes to the background: the next text is pushed.
  await setTabVisible(page, false);
  await page.waitForTimeout(500);
  await textIn(page, "Ada Lovelace", "I'd like to book for 3 people.");
  const [request] = await push.waitForRequests(1);
  expect(request.status).toBe(201);
  expect(request.headers["content-encoding"]).toBe("aes128gcm");
  expect(request.vapid).toMatchObject({ aud: push.url, publicKey: serverKey });
  const [payload] = await push.payloads<{ notifications: Pushed[] }>(device.id);
  const [pushed] = payload.notifications;
  expect(pushed).toMatchObject({ title: "Ada Lovelace · 2 new messages", body: "I'd like to book for 3 people." });
  expect(pushed.url).toMatch(/^\/inbox\?contact=/);
  await expect(page).toHaveTitle("(2) Settings · Unified Inbox");

  // The push service hands the decrypted message to the service worker (DevTools protocol).
  await setTabVisible(page, true);
  await page.goto("/settings");
  await page.evaluate(() => navigator.serviceWorker.ready);
  const { cdp, registrationId } = await serviceWorkerRegistration(page);
  await cdp.send("ServiceWorker.deliverPushMessage", { origin: E2E_APP_URL, registrationId, data: JSON.stringify(payload) });
  await expect.poll(() => shownNotifications(page)).toEqual([
    { title: "Ada Lovelace · 2 new messages", body: "I'd like to book for 3 people.", tag: pushed.tag, data: { url: pushed.url } },
  ]);
  // Anything that is not our JSON still shows something (a push must show a notification).
  await cdp.send("ServiceWorker.deliverPushMessage", { origin: E2E_APP_URL, registrationId, data: "not json" });
  await expect.poll(async () => (await shownNotifications(page)).map((n) => n.tag)).toContain("news");

  // A click on Ada's notification: the open window shows her conversation (no reload).
  const worker = context.serviceWorkers().find((w) => w.url().endsWith("/sw.js")) ?? (await context.waitForEvent("serviceworker"));
  await worker.evaluate(async (tag) => {
    // In the worker's global scope (the DOM types of this file do not describe it).
    type Scope = { registration: ServiceWorkerRegistration; dispatchEvent: (event: Event) => boolean };
    type NotificationEventClass = new (type: string, init: { notification: Notification }) => Event;
    const scope = self as unknown as Scope;
    const NotificationEventOf = (globalThis as unknown as { NotificationEvent: NotificationEventClass }).NotificationEvent;
    const [notification] = await scope.registration.getNotifications({ tag });
    scope.dispatchEvent(new NotificationEventOf("notificationclick", { notification }));
  }, pushed.tag);
  await page.waitForURL((url) => `${url.pathname}${url.search}` === pushed.url);
  await expect(message(page, "book for 3 people")).toBeVisible();
  await expect.poll(async () => (await shownNotifications(page)).map((n) => n.tag)).toEqual(["news"]);
  // Reading the conversation clears the count in the tab.
  await expect(page).toHaveTitle("Inbox · Unified Inbox");
  await expect(page.locator('link[rel~="icon"]').first()).not.toHaveAttribute("href", /^data:/);
  await shot(page, testInfo, "02-notification-opened-conversation");

  // Turning it off here removes the device.
  await page.goto("/settings#notifications");
  await section.getByRole("button", { name: "Turn off on this device" }).click();
  await expect(section.getByRole("button", { name: "Turn on notifications" })).toBeVisible();
  await expect(devices.getByText("None yet.")).toBeVisible();

  // On again, then signing out: this browser stops getting the account's notifications.
  await section.getByRole("button", { name: "Turn on notifications" }).click();
  await expect(devices.getByRole("listitem")).toHaveCount(1);
  await page.locator("#account").getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname.startsWith("/signin"));
  expect(await page.evaluate(() => localStorage.getItem("e2e-push-subscription"))).toBeNull();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
  await page.goto("/settings#notifications");
  await expect(devices.getByText("None yet.")).toBeVisible();
  await context.close();
});

test("installable: manifest, icons, service worker and an offline page", async ({ page, request }) => {
  await signUp(page, "install");
  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute("href");
  expect(manifestHref).toBe("/manifest.webmanifest");
  const manifest = (await (await request.get(manifestHref!)).json()) as {
    name: string;
    start_url: string;
    display: string;
    icons: Array<{ src: string; sizes: string; purpose: string }>;
  };
  expect(manifest).toMatchObject({ name: "Unified Inbox", start_url: "/inbox", display: "standalone" });
  for (const icon of [...manifest.icons, { src: "/icons/badge-96.png", sizes: "96x96" }]) {
    const response = await request.get(icon.src);
    expect(response.headers()["content-type"]).toBe("image/png");
    const png = await response.body();
    const [w, h] = icon.sizes.split("x").map(Number);
    // PNG IHDR: width and height at bytes 16 and 20.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([w, h]);
  }
  expect(manifest.icons.map((i) => i.purpose)).toContain("maskable");
  await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveCount(1);

  // The service worker registers under the page's Content-Security-Policy and controls the app.
  const scriptUrl = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);
  expect(scriptUrl).toBe(`${E2E_APP_URL}/sw.js`);
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null)).toBe(`${E2E_APP_URL}/sw.js`);

  // Offline, a page of the app answers with the offline page instead of the browser's error.
  await page.context().setOffline(true);
  await page.goto("/contacts").catch(() => undefined);
  await expect(page.getByRole("heading", { name: "You are offline" })).toBeVisible();
  await page.context().setOffline(false);
  await page.getByRole("link", { name: "Try again" }).click();
  await expect(page).toHaveURL(/\/inbox$/);
});

test("phone size (390×844): the list, a thread, and back, with the unread count in the tab", async ({ browser }, testInfo) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await signUp(page, "phone");
  await createContact(page, { name: "Grace Hopper", phone: "+1 415 555 0171" });
  await createContact(page, { name: "Alan Turing", phone: "+1 415 555 0172" });
  await textIn(page, "Grace Hopper", "Is the order ready?");
  await textIn(page, "Alan Turing", "Thanks for yesterday!");
  await expect(page).toHaveTitle("(2) Settings · Unified Inbox");

  const noSideways = async () =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await noSideways();

  // The list, full width, with the tab bar. (Opened by URL: in `next dev` the development
  // indicator sits over the tab bar's first item, where a tap would land on it.)
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Inbox" })).toBeVisible();
  await page.goto("/inbox");
  const list = page.getByRole("region", { name: "Conversations" });
  await expect(conversationRow(page, "Grace Hopper")).toContainText("1 unread");
  await expect(page).toHaveTitle("(2) Inbox · Unified Inbox");
  expect((await list.boundingBox())!.width).toBeGreaterThan(380);
  await noSideways();
  await shot(page, testInfo, "03-phone-list");

  // A tap opens the thread in place of the list.
  await conversationRow(page, "Grace Hopper").tap();
  await expect(page).toHaveURL(/\?contact=/);
  await expect(message(page, "Is the order ready?")).toBeVisible();
  await expect(list).toBeHidden();
  await expect(page.getByRole("form", { name: "Message Grace Hopper" })).toBeVisible();
  await expect(page).toHaveTitle("(1) Inbox · Unified Inbox");
  await noSideways();
  // The header's bell mutes this conversation's notifications.
  await page.getByRole("button", { name: "Mute notifications from Grace Hopper" }).tap();
  await expect(page.getByRole("button", { name: "Unmute notifications from Grace Hopper" })).toHaveAttribute("aria-pressed", "true");
  await shot(page, testInfo, "04-phone-thread");

  // Back (the header's button) returns to the list; so does the browser's Back.
  await page.getByRole("button", { name: "Back to conversations" }).tap();
  await expect(list).toBeVisible();
  await expect(page).toHaveURL(/\/inbox$/);
  await conversationRow(page, "Alan Turing").tap();
  await expect(message(page, "Thanks for yesterday!")).toBeVisible();
  await expect(page).toHaveTitle("Inbox · Unified Inbox");
  await page.goBack();
  await expect(list).toBeVisible();
  await expect(conversationRow(page, "Alan Turing")).toBeVisible();
  await noSideways();

  // Settings at phone size, notifications included.
  await page.goto("/settings#notifications");
  await expect(page.locator("#notifications").getByRole("heading", { name: "Notifications" })).toBeVisible();
  await noSideways();
  await shot(page, testInfo, "05-phone-settings");
  await context.close();
});
