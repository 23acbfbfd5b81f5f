"use client";

/**
 * This browser as a notification device: whether it can receive Web Push, whether it is
 * subscribed, and turning it on (asking the notification permission: call only from a click)
 * or off. Subscribing registers the service worker (public/sw.js) and sends the subscription to
 * the server (notifications.subscribe); turning off forgets it on both sides.
 */
import { useMutation } from "convex/react";
import { useCallback, useEffect, useState } from "react";
import { api } from "@/convex/_generated/api";
import { applicationServerKey, currentPushSubscription, deviceLabel, PUSH_DEVICE_CHANGED, pushSupport, sameKey } from "./pushDevice";

export type PushDeviceState =
  | { status: "loading" }
  | { status: "unsupported"; reason: string }
  | { status: "denied" }
  | { status: "off" }
  | { status: "on"; endpoint: string };

function support() {
  return pushSupport({
    secureContext: window.isSecureContext,
    serviceWorker: "serviceWorker" in navigator,
    pushManager: "PushManager" in window,
    notification: "Notification" in window,
    userAgent: navigator.userAgent,
    standalone: window.matchMedia("(display-mode: standalone)").matches,
  });
}

async function deviceState(): Promise<PushDeviceState> {
  const supported = support();
  if (!supported.ok) return { status: "unsupported", reason: supported.reason };
  if (Notification.permission === "denied") return { status: "denied" };
  const existing = await currentPushSubscription();
  return existing && Notification.permission === "granted" ? { status: "on", endpoint: existing.endpoint } : { status: "off" };
}

async function registration(): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register("/sw.js");
  return await navigator.serviceWorker.ready;
}

export function usePushDevice(vapidPublicKey: string | null | undefined) {
  const [state, setState] = useState<PushDeviceState>({ status: "loading" });
  const [busy, setBusy] = useState(false);
  const subscribe = useMutation(api.notifications.subscribe);
  const forget = useMutation(api.notifications.forgetDevice);

  const refresh = useCallback(async () => setState(await deviceState()), []);

  useEffect(() => {
    // Read the browser's state once it is there (not during render, which the server does too).
    void deviceState().then(setState);
  }, []);

  const enable = useCallback(async () => {
    if (!vapidPublicKey) throw new Error("Push notifications are not set up on this server.");
    setBusy(true);
    try {
      // The permission prompt: only ever from this click.
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        await refresh();
        throw new Error(permission === "denied" ? "Notifications are blocked for this site in the browser's settings." : "Notifications were not allowed.");
      }
      const key = applicationServerKey(vapidPublicKey);
      const reg = await registration();
      let subscription = await reg.pushManager.getSubscription();
      // Made with another server key (the keys were changed): it can no longer be used.
      if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
        await subscription.unsubscribe();
        subscription = null;
      }
      subscription ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      const json = subscription.toJSON();
      await subscribe({
        endpoint: subscription.endpoint,
        p256dh: json.keys?.p256dh ?? "",
        auth: json.keys?.auth ?? "",
        label: deviceLabel(navigator.userAgent),
      });
      setState({ status: "on", endpoint: subscription.endpoint });
      window.dispatchEvent(new Event(PUSH_DEVICE_CHANGED));
    } finally {
      setBusy(false);
    }
  }, [vapidPublicKey, subscribe, refresh]);

  const disable = useCallback(async () => {
    setBusy(true);
    try {
      const subscription = await currentPushSubscription();
      if (subscription) {
        await forget({ endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      setState({ status: "off" });
      window.dispatchEvent(new Event(PUSH_DEVICE_CHANGED));
    } finally {
      setBusy(false);
    }
  }, [forget]);

  return { state, busy, enable, disable };
}
