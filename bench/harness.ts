/**
 * A benchmark backend: the emulator in this process (so benchmarks can also reach its engine),
 * fresh auth keys, the simulator's webhook secret, and helpers to sign users up and call
 * functions, internal ones included.
 */
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import type { Value } from "convex/values";
import { api } from "../convex/_generated/api";
import type { Id } from "../convex/_generated/dataModel";
import { startEmulator, type RunningEmulator } from "../emulator/server";
import { generateAuthKeys } from "../scripts/auth-keys";

export const BENCH_WEBHOOK_SECRET = "bench-simulator-secret";

/**
 * Every emulator a benchmark process starts serves its site on this one port (one at a time):
 * convex/auth.config.ts is evaluated once per process, so the token issuer it names (the site
 * URL) must stay the same. bench/browser.ts uses the same port.
 */
export const BENCH_SITE_PORT = Number(process.env.BENCH_APP_PORT ?? 4500) + 11;

/** Variables a benchmark may set; cleared before each backend starts so runs don't leak into each other. */
const VARIABLES = [
  "TWILIO_ACCOUNT_SID",
  "TWILIO_AUTH_TOKEN",
  "TWILIO_API_BASE_URL",
  "RESEND_API_KEY",
  "RESEND_API_BASE_URL",
  "SIMULATOR_DELIVERY",
  "SIMULATOR_DELIVERY_DELAY_MS",
  "SENDING_TIMEOUT_MS",
  "PROVIDER_TIMEOUT_MS",
  "BENCH_METRICS",
  "API_RATE_LIMIT_PER_MINUTE",
  "API_RATE_LIMIT_BURST",
];

export type User = {
  email: string;
  token: string;
  userId: Id<"users">;
  client: ConvexClient;
  /** One-shot calls over HTTP: every call runs the function (no client-side cache). */
  http: ConvexHttpClient;
};

let keys: Promise<Record<string, string>> | null = null;
/**
 * One auth key pair per process: the app's modules are loaded once and Convex Auth keeps the
 * first private key it imports, so every emulator this process starts must share it.
 */
export function benchAuthKeys(): Promise<Record<string, string>> {
  keys ??= generateAuthKeys();
  return keys;
}

export class Backend {
  private readonly clients: ConvexClient[] = [];
  private constructor(readonly emulator: RunningEmulator) {}

  static async start(env: Record<string, string> = {}): Promise<Backend> {
    for (const name of VARIABLES) delete process.env[name];
    delete process.env.CONVEX_SITE_URL;
    Object.assign(process.env, await benchAuthKeys(), {
      SITE_URL: "http://localhost:3000",
      SIMULATOR_WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
      ...env,
    });
    const emulator = await startEmulator({ port: 0, sitePort: BENCH_SITE_PORT, envFile: null, dataDir: null, log: () => undefined });
    // Functions compute public URLs (signatures, status callbacks) from this.
    process.env.CONVEX_SITE_URL = emulator.siteUrl;
    return new Backend(emulator);
  }

  async signUp(email: string): Promise<User> {
    const client = new ConvexClient(this.emulator.url, { unsavedChangesWarning: false });
    this.clients.push(client);
    const { tokens } = (await client.action(api.auth.signIn, {
      provider: "password",
      params: { email, password: "bench-password", flow: "signUp" },
    })) as { tokens: { token: string } };
    client.setAuth(async () => tokens.token);
    const viewer = await client.query(api.users.viewer, {});
    if (!viewer) throw new Error("sign-up failed");
    const http = new ConvexHttpClient(this.emulator.url);
    http.setAuth(tokens.token);
    return { email, token: tokens.token, userId: viewer._id, client, http };
  }

  /** Run any function (internal ones too) as the system. */
  async run<T = Value>(udfPath: string, args: Record<string, Value>): Promise<T> {
    return (await this.emulator.engine.runAny(udfPath, args)) as T;
  }

  /** An HTTP request to the app's site (webhooks, REST API). */
  async site(path: string, init?: RequestInit): Promise<Response> {
    return await fetch(`${this.emulator.localSiteUrl}${path}`, init);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
    await this.emulator.close();
  }
}

/** Resolve when `check` returns a value other than undefined (polled), or fail after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
