import { describe, expect, it } from "vitest";
import { applicationServerKey, deviceLabel, pushSupport, sameKey } from "./pushDevice";

const UA = {
  androidChrome: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
  iphoneSafari: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  macSafari: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  windowsEdge: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
  linuxFirefox: "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
  samsung: "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
};

describe("deviceLabel", () => {
  it("names the browser and the system", () => {
    expect(deviceLabel(UA.androidChrome)).toBe("Chrome on Android");
    expect(deviceLabel(UA.iphoneSafari)).toBe("Safari on iPhone");
    expect(deviceLabel(UA.macSafari)).toBe("Safari on Mac");
    expect(deviceLabel(UA.windowsEdge)).toBe("Edge on Windows");
    expect(deviceLabel(UA.linuxFirefox)).toBe("Firefox on Linux");
    expect(deviceLabel(UA.samsung)).toBe("Samsung Internet on Android");
    expect(deviceLabel("curl/8")).toBe("Browser");
  });
});

describe("applicationServerKey", () => {
  it("decodes base64url (no padding, - and _) to bytes, and compares with a subscription's key", () => {
    const bytes = applicationServerKey("-_8A");
    expect([...bytes]).toEqual([0xfb, 0xff, 0x00]);
    expect(sameKey(bytes.buffer, bytes)).toBe(true);
    expect(sameKey(new Uint8Array([1, 2, 3]).buffer, bytes)).toBe(false);
    expect(sameKey(null, bytes)).toBe(false);
  });
});

describe("pushSupport", () => {
  const ok = { secureContext: true, serviceWorker: true, pushManager: true, notification: true, standalone: false };
  it("explains what is missing", () => {
    expect(pushSupport({ ...ok, userAgent: UA.androidChrome })).toEqual({ ok: true });
    expect(pushSupport({ ...ok, secureContext: false, userAgent: UA.androidChrome })).toMatchObject({ ok: false, reason: /https/ });
    // iOS Safari offers push only to a web app added to the Home Screen.
    expect(pushSupport({ ...ok, pushManager: false, userAgent: UA.iphoneSafari })).toMatchObject({ ok: false, reason: /Home Screen/ });
    expect(pushSupport({ ...ok, standalone: true, userAgent: UA.iphoneSafari })).toEqual({ ok: true });
    expect(pushSupport({ ...ok, notification: false, userAgent: UA.linuxFirefox })).toMatchObject({ ok: false, reason: /cannot receive/ });
  });
});
