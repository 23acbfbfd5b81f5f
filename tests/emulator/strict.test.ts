// @vitest-environment node
/**
 * The emulator refuses what a Convex deployment refuses: code that does not bundle for the
 * default runtime (the CLI's own errors), Node APIs in default-runtime functions, non-actions in
 * `"use node"` modules, and every limit with Convex's error text. Functions: fixture/convex/strict.ts.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { BundleError } from "../../emulator/bundle";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { waitFor } from "./helpers";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const FIXTURE = path.join(import.meta.dirname, "fixture/convex");
let emulator: RunningEmulator;
const logs: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, sitePort: 0, convexDir: FIXTURE, envFile: null, dataDir: null, log: (line) => void logs.push(line) });
});
afterAll(async () => await emulator?.close());

/** Run a function as a client would over HTTP; the error message on failure. */
async function call(kind: "query" | "mutation" | "action", path: string, args: object = {}) {
  const response = await fetch(`${emulator.url}/api/${kind}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path, args, format: "json" }),
  });
  const body = (await response.json()) as { status: string; value?: unknown; errorMessage?: string };
  return body.status === "success" ? { value: body.value } : { error: body.errorMessage ?? JSON.stringify(body) };
}

describe("the default runtime has no Node", () => {
  test("Buffer, require and process beyond env are missing, as on Convex", async () => {
    expect((await call("query", "strict:useBuffer")).error).toMatch(/ReferenceError: Buffer is not defined/);
    expect((await call("query", "strict:useRequire")).error).toMatch(/TypeError: .*require is not a function/);
    expect((await call("query", "strict:processShape")).value).toEqual({ version: null, platform: null, hasEnv: true });
    expect((await call("query", "strict:intrinsics")).value).toEqual({ object: true, array: true, parsed: true });
  });

  test("fetch and timers are refused in queries and mutations with Convex's errors", async () => {
    expect((await call("query", "strict:fetchInQuery")).error).toContain(
      "Can't use fetch() in queries and mutations. Please consider using an action.",
    );
    expect((await call("mutation", "strict:timerInMutation")).error).toContain(
      "Can't use setTimeout in queries and mutations. Please consider using an action.",
    );
  });

  test("the clock is frozen for a mutation's whole run", async () => {
    const { value } = (await call("mutation", "strict:clock")) as { value: { elapsed: number; random: number } };
    expect(value.elapsed).toBe(0);
    expect(value.random).toBeGreaterThanOrEqual(0);
  });

  test('"use node" actions run in Node', async () => {
    const { value } = await call("action", "node:digest", { text: "abc" });
    expect(value).toEqual({
      sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      buffer: "function",
      node: true,
    });
    // Its console output is the function's log, as on a deployment.
    expect(logs.some((line) => line.includes("node:digest") && line.includes("digest of 3 characters"))).toBe(true);
  });
});

describe("limits, with Convex's errors", () => {
  test("a document over 1 MiB", async () => {
    const { error } = await call("mutation", "strict:insertData", { data: "x".repeat(1024 * 1024 + 10) });
    expect(error).toMatch(/Value is too large \(1\.00 MiB > maximum size 1 MiB\)/);
  });

  test("too many fields, too deep, too long an array", async () => {
    const fields = Object.fromEntries(Array.from({ length: 1025 }, (_, i) => [`f${i}`, i]));
    expect((await call("mutation", "strict:insertData", { data: fields })).error).toContain(
      "Object has too many fields (1025 > maximum number 1024)",
    );
    let deep: object = { leaf: 1 };
    for (let i = 0; i < 17; i++) deep = { d: deep };
    expect((await call("mutation", "strict:insertData", { data: deep })).error).toMatch(
      /Document is too nested \(nested \d+ levels deep > maximum nesting 16\)/,
    );
    expect((await call("mutation", "strict:insertData", { data: Array.from({ length: 8193 }, () => 0) })).error).toContain(
      "Array length is too long (8193 > maximum length 8192)",
    );
  });

  test("arguments and return values over 16 MiB, and validators", async () => {
    expect((await call("query", "strict:bigReturn", { size: 17 * 1024 * 1024 })).error).toContain(
      "Function strict:bigReturn return value is too large (actual: 17.00 MiB, limit: 16 MiB)",
    );
    expect((await call("mutation", "strict:badArgs", { n: "one" })).error).toMatch(/ArgumentValidationError: Value does not match validator\.\nPath: \.n/);
    expect((await call("query", "strict:badReturn")).error).toMatch(/ReturnsValidationError/);
  });

  test("more than 1000 functions scheduled by one mutation", async () => {
    expect((await call("mutation", "strict:scheduleMany", { n: 1001 })).error).toContain(
      "Too many functions scheduled by this mutation (limit: 1000)",
    );
    expect((await call("mutation", "strict:scheduleMany", { n: 3 })).value).toBe(3);
  });

  test("more than 4,096 index ranges read", async () => {
    await call("mutation", "messages:send", { body: "b", author: "a" });
    expect((await call("query", "strict:readMany", { n: 4000 })).value).toBe(4000);
    expect((await call("query", "strict:readMany", { n: 4200 })).error).toContain(
      "Too many reads in a single function execution (limit: 4096).",
    );
  });

  test("execution time", async () => {
    process.env.EMULATOR_TIME_SCALE = "0.5"; // a 500 ms limit keeps the test short
    try {
      const { error } = await call("query", "strict:endless");
      expect(error).toContain("Function execution timed out (maximum duration: 0.5s)");
    } finally {
      delete process.env.EMULATOR_TIME_SCALE;
    }
  });
});

describe("what a push refuses, the emulator refuses at start", () => {
  // Inside node_modules/.cache so the copies resolve the project's packages.
  const root = path.resolve("node_modules/.cache/emulator-fixtures");
  let dir: string;
  beforeAll(() => {
    mkdirSync(root, { recursive: true });
    dir = mkdtempSync(path.join(root, "app-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function copyWith(name: string, file: string, source: string): string {
    const convexDir = path.join(dir, name, "convex");
    cpSync(FIXTURE, convexDir, { recursive: true });
    writeFileSync(path.join(convexDir, file), source);
    return convexDir;
  }

  test("a Node import in a default-runtime file: the CLI's bundling errors", async () => {
    const convexDir = copyWith(
      "node-import",
      "hashing.ts",
      'import { createHash } from "node:crypto";\nimport { query } from "./_generated/server";\nexport const h = query({ args: {}, handler: async () => createHash("sha1").digest("hex") });\n',
    );
    const started = startEmulator({ port: 0, sitePort: 0, convexDir, envFile: null, dataDir: null, log: () => undefined });
    const error = await started.then(
      async (e) => {
        await e.close();
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).message).toContain('Could not resolve "node:crypto"');
    expect((error as BundleError).message).toContain('It looks like you are using Node APIs from a file without the "use node" directive.');
  });

  test("with watch, a change is bundled and loaded, and a change that does not bundle is reported and not loaded", async () => {
    const convexDir = copyWith("watch", "hello.ts", 'import { query } from "./_generated/server";\nexport const hi = query({ args: {}, handler: async () => "one" });\n');
    const logs: string[] = [];
    const e = await startEmulator({ port: 0, sitePort: 0, convexDir, envFile: null, dataDir: null, watch: true, log: (l) => logs.push(l) });
    try {
      expect(await e.engine.runAny("hello:hi", {})).toBe("one");
      writeFileSync(path.join(convexDir, "hello.ts"), 'import { query } from "./_generated/server";\nexport const hi = query({ args: {}, handler: async () => "two" });\n');
      let answer: unknown = "one";
      for (let tries = 0; answer !== "two" && tries < 600; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await e.engine.runAny("hello:hi", {});
      }
      expect(answer).toBe("two");
      writeFileSync(
        path.join(convexDir, "hello.ts"),
        'import { randomBytes } from "node:crypto";\nimport { query } from "./_generated/server";\nexport const hi = query({ args: {}, handler: async () => randomBytes(2).toString("hex") });\n',
      );
      await waitFor(() => (logs.some((l) => l.includes('Could not resolve "node:crypto"')) ? true : undefined), 60_000);
      expect(await e.engine.runAny("hello:hi", {})).toBe("two"); // the last good functions keep running
    } finally {
      await e.close();
    }
  });

  test('a query in a "use node" module', async () => {
    const convexDir = copyWith(
      "node-query",
      "nodeQuery.ts",
      '"use node";\nimport { query } from "./_generated/server";\nexport const q = query({ args: {}, handler: async () => 1 });\n',
    );
    const error = await startEmulator({ port: 0, sitePort: 0, convexDir, envFile: null, dataDir: null, log: () => undefined }).then(
      async (e) => {
        await e.close();
        return null;
      },
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain("`q` defined in `nodeQuery.js` is a Query function. Only actions can be defined in Node.js.");
  });
});
