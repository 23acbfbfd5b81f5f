/**
 * Web Push latency: a signed Twilio inbound webhook posted to the emulator's site port until the
 * push request (web-push: VAPID JWT, aes128gcm body) arrives at a local fake push service
 * (tests/fakes/pushService.ts), timed from before the webhook request to the push service's
 * receipt. Every run is a different account's first news (a user's first push goes out at once;
 * later news within the collapse window waits for it on purpose, measured separately). Every
 * payload is decrypted with its device's keys and checked. Both ends are this process's clock
 * (Date.now(), millisecond resolution). Target (issue 20): p95 ≤ 1 s.
 */
import webpush from "web-push";
import { api } from "../convex/_generated/api";
import { COLLAPSE_MS } from "../convex/lib/notifications";
import { twilioRequest } from "../convex/webhooks/signing";
import { FakePushService } from "../tests/fakes/pushService";
import { Backend, BENCH_WEBHOOK_SECRET, waitFor } from "./harness";
import { percentile, round, type Figure, type RunOptions } from "./stats";

type Payload = { notifications: Array<{ title: string; body: string }> };

export async function pushFigures(opts: RunOptions): Promise<Figure[]> {
  const runs = opts.quick ? 30 : 100;
  const vapid = webpush.generateVAPIDKeys();
  const push = await new FakePushService().start();
  const backend = await Backend.start({
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    PUSH_ALLOW_HTTP_LOCALHOST: "1",
  });
  try {
    const path = "/webhooks/twilio/inbound";
    const url = `${backend.emulator.siteUrl}${path}`;
    let sid = 0;
    const textIn = async (to: string, from: string, body: string) => {
      const params = { MessageSid: `SMpush${String(++sid).padStart(28, "0")}`, From: from, To: to, Body: body };
      const res = await backend.site(path, twilioRequest(BENCH_WEBHOOK_SECRET, url, params));
      await res.text();
      if (res.status !== 200) throw new Error(`inbound webhook answered ${res.status}`);
    };
    /** An account with one subscribed device; returns its number and the device. */
    const account = async (i: number) => {
      const user = await backend.signUp(`push${i}@example.com`);
      const number = (await user.client.query(api.senders.list, {})).senders.find((s) => s.channel === "sms")!.address;
      const device = await push.subscribe();
      await user.http.mutation(api.notifications.subscribe, { endpoint: device.endpoint, p256dh: device.p256dh, auth: device.auth, label: "bench" });
      return { number, device };
    };

    opts.log(`${runs + 1} accounts with a device each…`);
    const accounts = [];
    for (let i = 0; i <= runs; i++) accounts.push(await account(i));

    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { number, device } = accounts[i];
      const started = Date.now();
      await textIn(number, `+1415777${String(1000 + i)}`, `Bench text ${i}`);
      const request = await waitFor(() => push.for(device.id)[0], 10_000, 2);
      // The receipt time at the push service (same clock), not when this loop noticed it.
      times.push(request.at - started);
      const [payload] = await push.payloads<Payload>(device.id);
      if (request.status !== 201 || payload.notifications[0]?.body !== `Bench text ${i}`) {
        throw new Error(`run ${i}: push ${request.status}, payload ${JSON.stringify(payload)}`);
      }
    }

    // Ten texts from one customer, 0.5 s apart: one push at once, the rest in one after the window.
    const { number, device } = accounts[runs];
    for (let i = 1; i <= 10; i++) {
      await textIn(number, "+14157779999", `Text ${i}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await waitFor(() => (push.for(device.id).length >= 2 ? true : undefined), COLLAPSE_MS + 5_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const collapsed = push.for(device.id).length;
    const last = (await push.payloads<Payload>(device.id)).at(-1)!;

    return [
      {
        name: "inbound webhook → push request at the push service",
        measured: `signed Twilio inbound request sent → encrypted Web Push POST received by a local fake push service, ${runs} accounts' first news (emulator, web-push, simulator mode)`,
        unit: "ms",
        runs,
        median: round(percentile(times, 50)),
        p95: round(percentile(times, 95)),
        p99: round(percentile(times, 99)),
        target: "p95 ≤ 1000 ms",
        met: percentile(times, 95) <= 1000,
        notes: "every payload decrypted with its device's keys and checked",
      },
      {
        name: "ten texts in 5 s from one customer → push requests",
        measured: `10 inbound texts 0.5 s apart to one account with one device; pushes counted until 2 s after the second`,
        unit: "pushes",
        runs: 1,
        value: collapsed,
        target: `≤ 2 (one at once, one after the ${COLLAPSE_MS / 1000} s collapse window)`,
        met: collapsed <= 2,
        notes: `last notification: “${last.notifications[0]?.title}”`,
      },
    ];
  } finally {
    await backend.close();
    await push.stop();
  }
}
