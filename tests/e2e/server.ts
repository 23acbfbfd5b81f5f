/**
 * The app for the browser tests: a fresh in-memory Convex emulator with new auth keys (the
 * developer's .env.local and .emulator/ are not touched) and `next dev`, on test ports.
 *
 * Also a fake Twilio API, off unless a spec turns it on through the control endpoint
 * (`POST /twilio/on`, `POST /twilio/off`, `GET /twilio/received`): while on, the functions see
 * Twilio credentials pointing at the fake (the emulator reloads its functions to pick up the
 * changed environment, as a deployment applies `env set`), so a spec can watch real SDK calls
 * (e.g. an MMS with its media). Specs run one at a time; the spec that turns it on turns it off.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { loadBundles } from "../../emulator/bundle";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { generateAuthKeys } from "../../scripts/auth-keys";
import { generateVapidKeys } from "../../scripts/vapid-keys";
import { FakeProviderServer } from "../fakes/providerServer";
import { E2E_APP_PORT, E2E_APP_URL, E2E_CONTROL_PORT, E2E_CONVEX_PORT, E2E_FAKE_TWILIO_PORT, E2E_SITE_PORT } from "./ports";

/**
 * The fake Twilio and the endpoint that switches it on and off for the app's functions (same
 * process); `POST /twilio/numbers/<E.164>` gives the fake account a number, so adding it as a
 * sender passes the ownership check Twilio senders go through.
 */
async function startFakeTwilio(emulator: RunningEmulator) {
  const fake = await new FakeProviderServer().start(E2E_FAKE_TWILIO_PORT);
  const FAKE_TWILIO = { TWILIO_ACCOUNT_SID: fake.twilioAccount.accountSid, TWILIO_AUTH_TOKEN: "e2e-fake-twilio-token" };
  // The functions read their environment when they are loaded.
  const reload = async () => await emulator.engine.load(await loadBundles({ convexDir: "convex" }));
  const control = createServer((req, res) => {
    const send = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const fail = (error: unknown) => send(500, { error: String(error) });
    if (req.method === "POST" && req.url === "/twilio/on") {
      Object.assign(process.env, FAKE_TWILIO, { TWILIO_API_BASE_URL: fake.url });
      fake.received.length = 0;
      return void reload().then(() => send(200, { on: true, baseUrl: fake.url }), fail);
    }
    if (req.method === "POST" && req.url === "/twilio/off") {
      for (const name of [...Object.keys(FAKE_TWILIO), "TWILIO_API_BASE_URL"]) delete process.env[name];
      return void reload().then(() => send(200, { on: false }), fail);
    }
    if (req.method === "GET" && req.url === "/twilio/received") return send(200, fake.accepted("twilio"));
    const number = req.method === "POST" ? /^\/twilio\/numbers\/(\+\d{8,15})$/.exec(decodeURIComponent(req.url ?? "")) : null;
    if (number) {
      fake.twilioAccount.numbers.add(number[1]);
      return send(200, { numbers: [...fake.twilioAccount.numbers] });
    }
    send(404, { error: "unknown control" });
  });
  await new Promise<void>((resolve) => control.listen(E2E_CONTROL_PORT, "127.0.0.1", resolve));
  return { fake, control };
}

async function main() {
  const keys = await generateAuthKeys();
  const siteUrl = `http://127.0.0.1:${E2E_SITE_PORT}`;
  const env = {
    ...keys,
    NEXT_PUBLIC_CONVEX_URL: `http://127.0.0.1:${E2E_CONVEX_PORT}`,
    CONVEX_SITE_URL: siteUrl,
    SITE_URL: E2E_APP_URL,
    DEFAULT_COUNTRY: "US",
    ALLOW_SEED_DATA: "true",
    // Signs the simulator's inbound webhooks (Settings → Simulator: make a contact text in).
    SIMULATOR_WEBHOOK_SECRET: randomBytes(24).toString("hex"),
    // Web Push: this run's VAPID pair; the notification test's fake push service listens on 127.0.0.1.
    ...generateVapidKeys(),
    PUSH_ALLOW_HTTP_LOCALHOST: "1",
  };
  Object.assign(process.env, env);
  const emulator = await startEmulator({
    port: E2E_CONVEX_PORT,
    sitePort: E2E_SITE_PORT,
    siteUrl,
    envFile: null,
    dataDir: null,
  });

  const twilio = await startFakeTwilio(emulator);

  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const next = spawn(process.execPath, [nextBin, "dev", "--port", String(E2E_APP_PORT)], {
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  const stop = () => {
    next.kill("SIGTERM");
    twilio.control.close();
    void twilio.fake.stop();
    void emulator.close().finally(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  next.on("exit", (code) => {
    console.error(`next dev exited (${code})`);
    void emulator.close().finally(() => process.exit(code ?? 1));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
