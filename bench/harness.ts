/**
 * A benchmark backend: the emulator in this process (so benchmarks can also reach its engine),
 * fresh auth keys, the simulator's webhook secret, and helpers to sign users up and call
 * functions, internal ones included.
 */
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import type { Value } from "convex/values";
import { api } from "../convex/_generated/api";
import type { Id } from "../convex/_generated/dataModel";
import type { OccStats } from "../emulator/engine";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../emulator/server";
import { SIMULATOR_RATE_LIMITED_LOG } from "../convex/channels/simulator";
import { meterFromLog } from "../convex/lib/metering";
import { generateAuthKeys } from "../scripts/auth-keys";

export const BENCH_WEBHOOK_SECRET = "bench-simulator-secret";

/** Every emulator a benchmark started since the last `takeOccReport()`. */
const started: RunningEmulator[] = [];

/** Start an in-process emulator for a benchmark (its write conflicts are reported with the benchmark's figures). */
export async function startBenchEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const emulator = await startEmulator(options);
  started.push(emulator);
  return emulator;
}

/**
 * Write conflicts, retries and failures of the emulators started since the last call, summed,
 * with the tables they happened on and the emulator settings they ran with.
 */
export function takeOccReport(): { occ: OccStats; settings: string } | null {
  if (started.length === 0) return null;
  const occ: OccStats = { conflicts: 0, retries: 0, failures: 0, byFunction: {}, byTable: {} };
  let settings = "";
  for (const emulator of started.splice(0)) {
    const stats = emulator.engine.occ;
    occ.conflicts += stats.conflicts;
    occ.retries += stats.retries;
    occ.failures += stats.failures;
    for (const [table, n] of Object.entries(stats.byTable)) occ.byTable[table] = (occ.byTable[table] ?? 0) + n;
    for (const [fn, s] of Object.entries(stats.byFunction)) {
      const into = (occ.byFunction[fn] ??= { conflicts: 0, retries: 0, failures: 0 });
      into.conflicts += s.conflicts;
      into.retries += s.retries;
      into.failures += s.failures;
    }
    const l = emulator.engine.limits;
    settings = `OCC emulator, ${l.queries} queries / ${l.mutations} mutations / ${l.v8Actions} V8 + ${l.nodeActions} Node actions / ${l.scheduledJobs} scheduled jobs at once, time scale ${process.env.EMULATOR_TIME_SCALE ?? 4}`;
  }
  return { occ, settings };
}

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
  "VAPID_PUBLIC_KEY",
  "VAPID_PRIVATE_KEY",
  "PUSH_ALLOW_HTTP_LOCALHOST",
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
  /** Sends the simulator refused for its rate limit (counted from the function logs). */
  simulatorRateLimited = 0;
  private constructor(readonly emulator: RunningEmulator) {}

  static async start(env: Record<string, string> = {}): Promise<Backend> {
    for (const name of VARIABLES) delete process.env[name];
    delete process.env.CONVEX_SITE_URL;
    Object.assign(process.env, await benchAuthKeys(), {
      SITE_URL: "http://localhost:3000",
      SIMULATOR_WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
      ALLOW_SEED_DATA: "true",
      ...env,
    });
    // Function logs carry bench-mode meters and the simulator's refusals out of the sandboxes.
    let backend: Backend | null = null;
    const emulator = await startBenchEmulator({
      port: 0,
      sitePort: BENCH_SITE_PORT,
      envFile: null,
      dataDir: null,
      log: (line) => {
        if (meterFromLog(line)) return;
        if (process.env.BENCH_LOG === "1") process.stderr.write(`[fn] ${line}\n`);
        if (backend && line.includes(SIMULATOR_RATE_LIMITED_LOG)) backend.simulatorRateLimited++;
      },
    });
    // Functions compute public URLs (signatures, status callbacks) from this.
    process.env.CONVEX_SITE_URL = emulator.siteUrl;
    backend = new Backend(emulator);
    return backend;
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
