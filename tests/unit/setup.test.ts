// @vitest-environment node
/** `npm run setup -- --convex` copies every variable the functions read, and nothing machine-local. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { deploymentVariables, LOCAL_ONLY } from "../../scripts/setup";
import { readEnvFile } from "../../scripts/env-file";

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
