// @vitest-environment node
/** `npm run setup -- --convex` copies every variable the functions read, and nothing machine-local. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { deploymentVariables, LOCAL_ONLY } from "../../scripts/setup";
import { readEnvFile } from "../../scripts/env-file";
import { vapidKeysToAdd } from "../../scripts/vapid-keys";

/** Every `process.env.NAME` a Convex function can read. */
function variablesReadByFunctions(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) {
        if (entry !== "_generated") walk(file);
      } else if (/\.ts$/.test(entry) && !/\.test\.ts$/.test(entry)) {
        for (const match of readFileSync(file, "utf8").matchAll(/\benv\.([A-Z][A-Z0-9_]+)|num\("([A-Z0-9_]+)"|positive\("([A-Z0-9_]+)"/g)) {
          names.add(match[1] ?? match[2] ?? match[3]);
        }
      }
    }
  };
  walk("convex");
  return names;
}

describe("deployment variables", () => {
  it("copies what the functions read from .env.example's list, except what Convex sets or is local", () => {
    const documented = readEnvFile(".env.example");
    const read = variablesReadByFunctions();
    expect(read.size).toBeGreaterThan(10);
    for (const name of read) {
      // Documented, so setup knows it; and either copied or deliberately local.
      expect(Object.keys(documented), `${name} is read by convex/ but missing from .env.example`).toContain(name);
    }
    const filled = Object.fromEntries([...read].map((name) => [name, "value"]));
    const copied = deploymentVariables(filled);
    for (const name of read) {
      if (LOCAL_ONLY.has(name)) expect(copied[name]).toBeUndefined();
      else expect(copied[name], name).toBe("value");
    }
    expect(copied).toMatchObject({ SIMULATOR_WEBHOOK_SECRET: "value", DEFAULT_COUNTRY: "value" });
  });

  it("leaves out empty values and machine-local ones", () => {
    expect(
      deploymentVariables({ JWKS: "{}", HELP_REPLY: "", NEXT_PUBLIC_CONVEX_URL: "http://127.0.0.1:3210", ALLOW_SEED_DATA: "true", CONVEX_SITE_URL: "x" }),
    ).toEqual({ JWKS: "{}" });
  });
});

describe("setup's VAPID keys", () => {
  it("adds a working P-256 pair once, keeps an existing pair, and refuses half a pair", async () => {
    const fresh = vapidKeysToAdd({});
    const pub = Buffer.from(fresh.VAPID_PUBLIC_KEY!, "base64url");
    expect(pub).toHaveLength(65);
    expect(pub[0]).toBe(4);
    expect(Buffer.from(fresh.VAPID_PRIVATE_KEY!, "base64url")).toHaveLength(32);
    // The pair belongs together: the private key signs a JWT the public key verifies.
    const { default: webpush } = await import("web-push");
    const { importJWK, jwtVerify } = await import("jose");
    const headers = webpush.getVapidHeaders("https://push.example", "mailto:a@b.example", fresh.VAPID_PUBLIC_KEY!, fresh.VAPID_PRIVATE_KEY!, "aes128gcm");
    const [, token] = /^vapid t=([^,]+), k=/.exec(String(headers.Authorization))!;
    const key = await importJWK({ kty: "EC", crv: "P-256", x: pub.subarray(1, 33).toString("base64url"), y: pub.subarray(33).toString("base64url") }, "ES256");
    await expect(jwtVerify(token, key, { audience: "https://push.example" })).resolves.toBeDefined();

    expect(vapidKeysToAdd({ VAPID_PUBLIC_KEY: "a", VAPID_PRIVATE_KEY: "b" })).toEqual({});
    expect(() => vapidKeysToAdd({ VAPID_PUBLIC_KEY: "a" })).toThrow(/Only one of/);
  });
});
