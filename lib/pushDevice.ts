/**
 * Web Push in the browser, the pure parts: the VAPID key as PushManager.subscribe() wants it, a
 * readable name for this device, and this device's current subscription.
 */

/** A base64url VAPID public key as the bytes `applicationServerKey` takes. */
export function applicationServerKey(base64Url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64Url.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether a subscription was made with this key (after the server's keys change, it must be renewed). */
export function sameKey(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false;
  const view = new Uint8Array(a);
  return view.every((byte, i) => byte === b[i]);
}

/** "Chrome on Android", "Safari on iPhone", "Firefox on Windows": what the devices list shows. */
export function deviceLabel(userAgent: string): string {
  const ua = userAgent;
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /OPR\/|Opera/.test(ua)
      ? "Opera"
      : /SamsungBrowser\//.test(ua)
        ? "Samsung Internet"
        : /Firefox\/|FxiOS\//.test(ua)
          ? "Firefox"
          : /Chrome\/|CriOS\//.test(ua)
            ? "Chrome"
            : /Safari\//.test(ua)
              ? "Safari"
              : "Browser";
  const system = /iPhone/.test(ua)
    ? "iPhone"
    : /iPad/.test(ua)
      ? "iPad"
      : /Android/.test(ua)
        ? "Android"
        : /Windows/.test(ua)
          ? "Windows"
          : /Mac OS X|Macintosh/.test(ua)
            ? "Mac"
            : /CrOS/.test(ua)
              ? "ChromeOS"
              : /Linux/.test(ua)
                ? "Linux"
                : null;
  return system ? `${browser} on ${system}` : browser;
}

/** Whether this browser can receive Web Push at all, and if not, why (shown in Settings). */
export function pushSupport(env: {
  secureContext: boolean;
  serviceWorker: boolean;
  pushManager: boolean;
  notification: boolean;
  userAgent: string;
  standalone: boolean;
}): { ok: true } | { ok: false; reason: string } {
  const apple = /iPhone|iPad/.test(env.userAgent);
  if (!env.secureContext) return { ok: false, reason: "Notifications need the app to be opened over https." };
  if (apple && !env.standalone && !env.pushManager) {
    return {
      ok: false,
      reason: "On iPhone and iPad, add the inbox to your Home Screen first (Share, then Add to Home Screen), open it from there, and turn notifications on in its Settings.",
    };
  }
  if (!env.serviceWorker || !env.pushManager || !env.notification) {
    return { ok: false, reason: "This browser cannot receive push notifications." };
  }
  return { ok: true };
}

/** This browser's push subscription, if it has one (null where push is unavailable). */
export async function currentPushSubscription(): Promise<PushSubscription | null> {
  if (typeof navigator === "undefined" || !("serviceWorker" in navigator)) return null;
  const registration = await navigator.serviceWorker.getRegistration();
  return (await registration?.pushManager?.getSubscription()) ?? null;
}

export async function currentPushEndpoint(): Promise<string | null> {
  return (await currentPushSubscription())?.endpoint ?? null;
}

/** Told on the window when this device subscribes or unsubscribes, so the page's presence reports follow. */
export const PUSH_DEVICE_CHANGED = "push-device-changed";
