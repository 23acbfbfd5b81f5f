/*
 * Unified Inbox's service worker: shows Web Push notifications and opens their conversation,
 * and gives the installed app an offline page. It caches nothing else: the inbox is live data.
 *
 * A push carries JSON built by the server (convex/lib/pushPayload.ts):
 *   { "notifications": [{ "title", "body", "tag", "url", "timestamp" }, …] }
 * Each conversation has its own tag, so its notification is replaced, not stacked, as news comes.
 */
const OFFLINE_CACHE = "offline-v1";
const OFFLINE_URL = "/offline.html";
const ICON = "/icons/icon-192.png";
const BADGE = "/icons/badge-96.png";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(OFFLINE_CACHE)
      .then((cache) => cache.add(new Request(OFFLINE_URL, { cache: "reload" })))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== OFFLINE_CACHE) await caches.delete(key);
      // Navigations start their network request while this worker boots.
      if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
      await self.clients.claim();
    })(),
  );
});

// Pages always come from the network; only when it fails does the offline page answer.
self.addEventListener("fetch", (event) => {
  if (event.request.mode !== "navigate") return;
  event.respondWith(
    (async () => {
      try {
        const preloaded = await event.preloadResponse;
        return preloaded || (await fetch(event.request));
      } catch {
        return (await caches.match(OFFLINE_URL)) || Response.error();
      }
    })(),
  );
});

function parse(data) {
  try {
    const payload = data ? data.json() : null;
    if (payload && Array.isArray(payload.notifications) && payload.notifications.length > 0) return payload.notifications;
  } catch {
    // Not ours or not JSON: still say something (a push must show a notification).
  }
  return [{ title: "Unified Inbox", body: "There is news in your inbox.", tag: "news", url: "/inbox", timestamp: Date.now() }];
}

self.addEventListener("push", (event) => {
  const notifications = parse(event.data);
  event.waitUntil(
    Promise.all(
      notifications.map((n) =>
        self.registration.showNotification(String(n.title), {
          body: String(n.body || ""),
          tag: String(n.tag || "news"),
          timestamp: Number(n.timestamp) || Date.now(),
          icon: ICON,
          badge: BADGE,
          data: { url: String(n.url || "/inbox") },
        }),
      ),
    ),
  );
});

/** Ask an open page to show `url` itself (no reload); true if it confirmed within a second. */
function askPageToOpen(client, url) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(false), 1000);
    channel.port1.onmessage = () => {
      clearTimeout(timer);
      resolve(true);
    };
    client.postMessage({ type: "open", url }, [channel.port2]);
  });
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/inbox", self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const mine = windows.filter((c) => new URL(c.url).origin === self.location.origin);
      // The app's own window if one is open (the inbox first), else a new one.
      const client = mine.find((c) => new URL(c.url).pathname.startsWith("/inbox")) || mine[0];
      if (!client) {
        await self.clients.openWindow(target.href);
        return;
      }
      try {
        await client.focus();
      } catch {
        // Focusing needs the click's permission, which a replayed click does not have.
      }
      if (await askPageToOpen(client, `${target.pathname}${target.search}`)) return;
      try {
        await client.navigate(target.href);
      } catch {
        await self.clients.openWindow(target.href);
      }
    })(),
  );
});
