"use client";

/**
 * What every signed-in page does for notifications, loaded after the page (not in its first
 * load): registers the service worker (installable app, push), opens a conversation when a
 * notification is clicked, shows the unread count in the tab's title and icon, plays the
 * optional sound, and tells the server while this device is in use so it is not pushed to.
 */
import { useMutation, useQuery } from "convex/react";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { api } from "@/convex/_generated/api";
import { currentPushEndpoint, PUSH_DEVICE_CHANGED } from "@/lib/pushDevice";
import { faviconWithBadge, svgDataUrl, titleWithUnread, unreadLabel } from "@/lib/unreadBadge";
import { playChime, useSoundSetting } from "@/lib/use-sound-setting";

/** How often a page in use says so (the server counts a device in use for 60 s after each report). */
const ACTIVE_REPORT_MS = 25_000;

export default function PageNotifier() {
  useServiceWorker();
  useUnreadInTab();
  useActiveDevice();
  return null;
}

/** Register public/sw.js, and let it hand this page a notification's conversation to show (no reload). */
function useServiceWorker() {
  const router = useRouter();
  useEffect(() => {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js").catch((error: unknown) => console.warn("Service worker not registered:", error));
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: string; url?: unknown } | null;
      if (data?.type !== "open" || typeof data.url !== "string" || !data.url.startsWith("/") || data.url.startsWith("//")) return;
      router.push(data.url);
      event.ports[0]?.postMessage("opened");
    };
    navigator.serviceWorker.addEventListener("message", onMessage);
    return () => navigator.serviceWorker.removeEventListener("message", onMessage);
  }, [router]);
}

/** "(3) Inbox · Unified Inbox" and a badged icon while anything is unread; a chime when more arrive (if on). */
function useUnreadInTab() {
  const unread = useQuery(api.inbox.unreadTotal);
  const [soundOn] = useSoundSetting();
  const label = unread ? unreadLabel(unread.messages, unread.more) : null;
  const previous = useRef<number | null>(null);

  useEffect(() => {
    const apply = () => {
      const title = titleWithUnread(document.title, label);
      if (document.title !== title) document.title = title;
      for (const link of document.querySelectorAll<HTMLLinkElement>('link[rel~="icon"]')) {
        // Next.js may replace the links on navigation: remember each one's own icon.
        link.dataset.plainHref ??= link.getAttribute("href") ?? "";
        const href = label ? svgDataUrl(faviconWithBadge(label)) : link.dataset.plainHref;
        if (link.getAttribute("href") !== href) {
          link.setAttribute("href", href);
          link.setAttribute("type", "image/svg+xml");
        }
      }
    };
    apply();
    // Next.js sets the title (and may swap icon links) on every navigation: put the count back.
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ["href"] });
    return () => {
      observer.disconnect();
      document.title = titleWithUnread(document.title, null);
    };
  }, [label]);

  useEffect(() => {
    if (!unread) return;
    const before = previous.current;
    previous.current = unread.messages;
    if (soundOn && before !== null && unread.messages > before) playChime();
  }, [unread, soundOn]);
}

/** While this page is visible and focused, report this device (if subscribed) as in use. */
function useActiveDevice() {
  const report = useMutation(api.notifications.reportActive);
  useEffect(() => {
    let endpoint: string | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;
    let stopped = false;
    const inUse = () => document.visibilityState === "visible" && document.hasFocus();
    const send = (active: boolean) => {
      if (endpoint) report({ endpoint, active }).catch(() => undefined);
    };
    const update = () => {
      clearInterval(timer);
      const active = inUse();
      send(active);
      if (active) timer = setInterval(() => send(true), ACTIVE_REPORT_MS);
    };
    const lookUp = async () => {
      endpoint = await currentPushEndpoint().catch(() => null);
      if (!stopped) update();
    };
    const idle = () => {
      clearInterval(timer);
      send(false);
    };
    const onDeviceChanged = () => void lookUp();
    void lookUp();
    document.addEventListener("visibilitychange", update);
    window.addEventListener("focus", update);
    window.addEventListener("blur", idle);
    window.addEventListener("pagehide", idle);
    window.addEventListener(PUSH_DEVICE_CHANGED, onDeviceChanged);
    return () => {
      stopped = true;
      idle();
      document.removeEventListener("visibilitychange", update);
      window.removeEventListener("focus", update);
      window.removeEventListener("blur", idle);
      window.removeEventListener("pagehide", idle);
      window.removeEventListener(PUSH_DEVICE_CHANGED, onDeviceChanged);
    };
  }, [report]);
}
