/**
 * Idempotent set-up: make `.env.local` hold everything the app needs locally, including
 * Convex Auth's JWT key pair (JWT_PRIVATE_KEY, JWKS) and SITE_URL. Run again, it changes
 * nothing. With `--convex`, also sets the auth variables on the Convex deployment named
 * by CONVEX_DEPLOYMENT (for `convex dev` against a real backend), if they are missing.
 */
import { spawnSync } from "node:child_process";
import { generateAuthKeys } from "./auth-keys";
import { addMissing, ENV_FILE, readEnvFile } from "./env-file";

export const LOCAL_DEFAULTS = {
  NEXT_PUBLIC_CONVEX_URL: "http://127.0.0.1:3210",
  CONVEX_SITE_URL: "http://127.0.0.1:3211",
  SITE_URL: "http://localhost:3000",
  DEFAULT_COUNTRY: "US",
};

export async function ensureLocalEnv(): Promise<string[]> {
  const current = readEnvFile();
  const keys = current.JWT_PRIVATE_KEY && current.JWKS ? {} : await generateAuthKeys();
  // Signs the simulator's webhooks (Twilio-style and Svix-style) when no provider is configured.
  const simulator: Record<string, string> = current.SIMULATOR_WEBHOOK_SECRET
    ? {}
    : { SIMULATOR_WEBHOOK_SECRET: Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("hex") };
  return addMissing({ ...LOCAL_DEFAULTS, ...keys, ...simulator });
}

function convexEnv(args: string[]) {
  return spawnSync("npx", ["convex", "env", ...args], { encoding: "utf8" });
}

function ensureDeploymentEnv() {
  const env = readEnvFile();
  for (const name of ["JWT_PRIVATE_KEY", "JWKS", "SITE_URL"] as const) {
    const existing = convexEnv(["get", name]);
    if (existing.status === 0 && existing.stdout.trim() !== "") continue;
    const set = convexEnv(["set", name, "--", env[name]]);
    if (set.status !== 0) throw new Error(`Could not set ${name} on the deployment: ${set.stderr}`);
    console.log(`Set ${name} on the Convex deployment.`);
  }
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
