/**
 * The app for the browser tests: a fresh in-memory Convex emulator with new auth keys (the
 * developer's .env.local and .emulator/ are not touched) and `next dev`, on test ports.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { startEmulator } from "../../emulator/server";
import { generateAuthKeys } from "../../scripts/auth-keys";
import { generateVapidKeys } from "../../scripts/vapid-keys";
import { E2E_APP_PORT, E2E_APP_URL, E2E_CONVEX_PORT, E2E_SITE_PORT } from "./ports";

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

  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const next = spawn(process.execPath, [nextBin, "dev", "--port", String(E2E_APP_PORT)], {
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  const stop = () => {
    next.kill("SIGTERM");
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
