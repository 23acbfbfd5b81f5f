/**
 * Idempotent set-up: make `.env.local` hold everything the app needs locally, including
 * Convex Auth's JWT key pair (JWT_PRIVATE_KEY, JWKS), SITE_URL and the Web Push (VAPID) key
 * pair. Run again, it changes nothing. With `--convex`, also copies every variable the functions need (all of .env.local
 * but the machine-local ones) to the Convex deployment the CLI is pointed at, where missing.
 */
import { spawnSync } from "node:child_process";
import { generateAuthKeys } from "./auth-keys";
import { addMissing, ENV_FILE, readEnvFile } from "./env-file";
import { vapidKeysToAdd } from "./vapid-keys";

export const LOCAL_DEFAULTS = {
  NEXT_PUBLIC_CONVEX_URL: "http://127.0.0.1:3210",
  CONVEX_SITE_URL: "http://127.0.0.1:3211",
  SITE_URL: "http://localhost:3000",
  DEFAULT_COUNTRY: "US",
  // Demo and benchmark seeding (convex/functions.ts seedMutation): this machine's emulator only.
  ALLOW_SEED_DATA: "true",
};

export async function ensureLocalEnv(): Promise<string[]> {
  const current = readEnvFile();
  const keys = current.JWT_PRIVATE_KEY && current.JWKS ? {} : await generateAuthKeys();
  // Signs the simulator's webhooks (Twilio-style and Svix-style) when no provider is configured.
  const simulator: Record<string, string> = current.SIMULATOR_WEBHOOK_SECRET
    ? {}
    : { SIMULATOR_WEBHOOK_SECRET: Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("hex") };
  // Identifies this app to browsers' push services (Web Push notifications).
  const vapid = vapidKeysToAdd(current);
  return addMissing({ ...LOCAL_DEFAULTS, ...keys, ...simulator, ...vapid });
}

function convexEnv(args: string[]) {
  return spawnSync("npx", ["convex", "env", ...args], { encoding: "utf8" });
}

/**
 * Variables that stay on this machine: the deployment's own URLs (a Convex deployment sets
 * CONVEX_SITE_URL and CONVEX_CLOUD_URL itself), the CLI's, local fakes and seeding switches.
 */
export const LOCAL_ONLY = new Set([
  "NEXT_PUBLIC_CONVEX_URL",
  "CONVEX_SITE_URL",
  "CONVEX_CLOUD_URL",
  "CONVEX_DEPLOYMENT",
  "CONVEX_SELF_HOSTED_URL",
  "CONVEX_SELF_HOSTED_ADMIN_KEY",
  "TWILIO_API_BASE_URL",
  "RESEND_API_BASE_URL",
  "ALLOW_SEED_DATA",
  "BENCH_METRICS",
  "PUSH_ALLOW_HTTP_LOCALHOST",
]);

/** What `setup -- --convex` copies: every variable of .env.local with a value, except LOCAL_ONLY. */
export function deploymentVariables(local: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(local).filter(([name, value]) => value !== "" && !LOCAL_ONLY.has(name)));
}

/** Copy the app's variables to the deployment (CONVEX_DEPLOYMENT or CONVEX_SELF_HOSTED_URL); never overwrite one set there. */
function ensureDeploymentEnv() {
  const wanted = deploymentVariables(readEnvFile());
  const list = convexEnv(["list"]);
  if (list.status !== 0) throw new Error(`Could not read the deployment's variables: ${list.stderr}`);
  const present = new Set(list.stdout.split("\n").map((line) => line.split("=")[0].trim()).filter(Boolean));
  for (const [name, value] of Object.entries(wanted)) {
    if (present.has(name)) continue;
    const set = convexEnv(["set", name, "--", value]);
    if (set.status !== 0) throw new Error(`Could not set ${name} on the deployment: ${set.stderr}`);
    console.log(`Set ${name} on the Convex deployment.`);
  }
  console.log("Check SITE_URL on the deployment: it must be the web app's public URL (npx convex env set SITE_URL https://…).");
}

async function main() {
  const written = await ensureLocalEnv();
  console.log(written.length ? `${ENV_FILE}: added ${written.join(", ")}` : `${ENV_FILE}: already complete`);
  if (process.argv.includes("--convex")) ensureDeploymentEnv();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
