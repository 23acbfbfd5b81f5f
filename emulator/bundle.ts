/**
 * What a deployment runs: the Convex CLI's own bundles of `convex/` (the same esbuild run as
 * `npx convex deploy`), for both runtimes. The emulator refuses to start when the CLI refuses to
 * bundle, and checks what the backend checks when it analyzes a push (analyzeBundles).
 *
 * - `isolate/`: default-runtime modules, ESM with shared chunks. Linked here into one script (no
 *   new code: esbuild only joins the CLI's output) that the V8-like VM (emulator/isolate.ts)
 *   evaluates once per context.
 * - `node/`: `"use node"` modules, imported by the emulator's Node runtime (emulator/nodeRuntime.ts).
 *
 * Bundles are cached by a hash of their inputs in node_modules/.cache/convex-emulator, so tests
 * and benchmarks that start many emulators bundle once.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bundleWithCli } from "../scripts/check-deploy";

export type Bundles = {
  /** The directory the CLI wrote (`isolate/`, `node/`, `fullConfig.json`). */
  dir: string;
  /** Every default-runtime module linked into one script; it sets `globalThis.__convexModules`. */
  isolateScript: string;
  /** Module paths without extension ("contacts", "webhooks/twilio") per runtime. */
  isolateModules: string[];
  nodeModules: string[];
  hash: string;
};

export class BundleError extends Error {
  constructor(readonly output: string) {
    super(`convex/ does not bundle for deployment (the Convex CLI's errors follow):\n${output.trim()}`);
    this.name = "BundleError";
  }
}

const SOURCE = /\.(ts|tsx|js|mjs|cjs|jsx|mts|cts|json)$/;

/** A hash of everything the bundles depend on: the project's code and its locked dependencies. */
export function inputsHash(projectDir: string, convexDir: string): string {
  const hash = createHash("sha256");
  const add = (file: string) => {
    hash.update(path.relative(projectDir, file));
    hash.update("\0");
    hash.update(readFileSync(file));
    hash.update("\0");
  };
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (SOURCE.test(name)) add(p);
    }
  };
  walk(convexDir);
  walk(path.join(projectDir, "lib"));
  for (const file of ["package-lock.json", "tsconfig.json", "convex.json"]) {
    const p = path.join(projectDir, file);
    if (existsSync(p)) add(p);
  }
  return hash.digest("hex").slice(0, 24);
}

function listModules(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) {
        if (name !== "_deps") walk(p);
      } else if (name.endsWith(".js")) {
        out.push(path.relative(root, p).split(path.sep).join("/").replace(/\.js$/, ""));
      }
    }
  };
  walk(root);
  return out.sort();
}

/**
 * The schema as the backend evaluates it: convex/schema.ts bundled for the V8 runtime with the
 * CLI's settings (the CLI bundles it separately from the functions and pushes it as is).
 */
async function bundleSchema(convexDir: string): Promise<string> {
  const file = ["schema.ts", "schema.js"].map((f) => path.join(convexDir, f)).find(existsSync);
  if (!file) return "";
  const { build } = await import("esbuild");
  const result = await build({
    stdin: { contents: `import schema from ${JSON.stringify(file)};\nglobalThis.__convexSchema = schema;\n`, resolveDir: convexDir, loader: "ts" },
    bundle: true,
    format: "iife",
    platform: "browser",
    conditions: ["convex", "module"],
    write: false,
    logLevel: "silent",
    target: "esnext",
  });
  return result.outputFiles[0].text;
}

/** Join the CLI's isolate output (entry modules + `_deps` chunks) into one script. */
async function linkIsolate(isolateDir: string, modules: string[]): Promise<string> {
  const { build } = await import("esbuild");
  const entry =
    modules.map((m, i) => `import * as m${i} from ${JSON.stringify(`./${m}.js`)};`).join("\n") +
    `\nglobalThis.__convexModules = {${modules.map((m, i) => `${JSON.stringify(m)}: m${i}`).join(", ")}};\n`;
  const result = await build({
    stdin: { contents: entry, resolveDir: isolateDir, loader: "js", sourcefile: "convex-modules.js" },
    bundle: true,
    format: "iife",
    // Nothing outside the CLI's output may be pulled in: a bare import would fail here.
    platform: "neutral",
    mainFields: [],
    write: false,
    logLevel: "silent",
    target: "esnext",
  });
  return result.outputFiles[0].text;
}

/** The nearest node_modules above `dir`. */
function nodeModulesOf(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, "node_modules", "convex"))) return path.join(d, "node_modules");
    if (path.dirname(d) === d) throw new Error(`No node_modules with convex above ${dir}`);
  }
}

/**
 * A directory the CLI can bundle `convexDir` from: the project itself when the folder is its
 * `convex/`, else (test fixtures) a temporary project whose `convex` links to the folder.
 */
function cliProject(projectDir: string, convexDir: string): string {
  if (path.join(projectDir, "convex") === convexDir && existsSync(path.join(projectDir, "package.json"))) return projectDir;
  const modules = nodeModulesOf(convexDir);
  const dir = mkdtempSync(path.join(tmpdir(), "convex-project-"));
  writeFileSync(path.join(dir, "package.json"), readFileSync(path.join(path.dirname(modules), "package.json")));
  symlinkSync(modules, path.join(dir, "node_modules"));
  symlinkSync(convexDir, path.join(dir, "convex"));
  return dir;
}

/**
 * The CLI's bundles of `convexDir` (cached). Throws BundleError with the CLI's output when
 * `npx convex deploy` would fail at bundling.
 */
export async function loadBundles(options: { projectDir?: string; convexDir?: string; log?: (line: string) => void } = {}): Promise<Bundles> {
  const convexDir = path.resolve(options.convexDir ?? "convex");
  // The CLI bundles the `convex/` folder of the project whose package.json is one level up.
  const projectDir = path.resolve(options.projectDir ?? path.dirname(convexDir));
  const hash = inputsHash(projectDir, convexDir);
  const root = path.join(path.dirname(nodeModulesOf(convexDir)), "node_modules", ".cache", "convex-emulator");
  const dir = path.join(root, hash);
  const scriptFile = path.join(dir, "isolate-linked.js");
  if (!existsSync(scriptFile)) {
    const started = Date.now();
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    mkdirSync(root, { recursive: true });
    const result = bundleWithCli(cliProject(projectDir, convexDir), tmp);
    if (!result.ok) {
      rmSync(tmp, { recursive: true, force: true });
      throw new BundleError(result.output);
    }
    // Node resolves the `"use node"` bundles as ES modules, and their CommonJS dependencies'
    // `require` calls through the global `require` a Node deployment provides.
    if (existsSync(path.join(tmp, "node"))) writeFileSync(path.join(tmp, "node", "package.json"), '{"type":"module"}\n');
    const linked = await linkIsolate(path.join(tmp, "isolate"), listModules(path.join(tmp, "isolate")));
    writeFileSync(path.join(tmp, "isolate-linked.js"), `${await bundleSchema(convexDir)}\n${linked}`);
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch {
      // Another process bundled the same inputs meanwhile: use theirs.
      rmSync(tmp, { recursive: true, force: true });
    }
    // Keep the cache small: the newest few bundles only.
    const entries = readdirSync(root)
      .filter((name) => !name.includes(".tmp-"))
      .map((name) => ({ name, at: statSync(path.join(root, name)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const old of entries.slice(8)) rmSync(path.join(root, old.name), { recursive: true, force: true });
    options.log?.(`bundled convex/ with the Convex CLI in ${Date.now() - started} ms`);
  }
  return {
    dir,
    hash,
    isolateScript: readFileSync(scriptFile, "utf8"),
    isolateModules: listModules(path.join(dir, "isolate")),
    nodeModules: listModules(path.join(dir, "node")),
  };
}

type Registered = {
  isQuery?: boolean;
  isMutation?: boolean;
  isAction?: boolean;
  isHttp?: boolean;
  isRouter?: boolean;
};

/** What a push's analysis refuses in the node runtime: anything but actions. */
export function nodeExportProblems(modulePath: string, exports: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(exports)) {
    const fn = value as Registered | null;
    if (typeof fn !== "function" && (typeof fn !== "object" || fn === null)) continue;
    const kind = fn.isQuery ? "Query" : fn.isMutation ? "Mutation" : fn.isHttp ? "HttpAction" : null;
    if (kind) {
      // The push's error (convex-backend node_executor/src/executor.rs).
      problems.push(
        `\`${name}\` defined in \`${modulePath}.js\` is a ${kind} function. Only actions can be defined in Node.js. See https://docs.convex.dev/functions/actions for more details.`,
      );
    }
  }
  return problems;
}

/**
 * The checks a deployment makes when it analyzes a push, on bundles the CLI wrote to `dir`:
 * the default runtime evaluates every module in the V8-like VM (no Node APIs at import time
 * either), and `"use node"` modules export actions only.
 */
export async function analyzeBundles(dir: string, convexDir = path.resolve("convex")): Promise<string[]> {
  const problems: string[] = [];
  const isolateModules = listModules(path.join(dir, "isolate"));
  const { createIsolateContext } = await import("./isolate");
  try {
    const script = await linkIsolate(path.join(dir, "isolate"), isolateModules);
    const context = await createIsolateContext(`${await bundleSchema(convexDir)}\n${script}`, {});
    const tables = (context.schema as { tables?: Record<string, unknown> } | undefined)?.tables;
    if (existsSync(path.join(convexDir, "schema.ts")) && !tables) problems.push("convex/schema.ts has no default export of defineSchema(...)");
  } catch (error) {
    problems.push(`the default runtime could not load the modules: ${error instanceof Error ? error.message : String(error)}`);
  }
  const nodeDir = path.join(dir, "node");
  if (existsSync(nodeDir)) {
    if (!existsSync(path.join(nodeDir, "package.json"))) writeFileSync(path.join(nodeDir, "package.json"), '{"type":"module"}\n');
    const { importNodeModule } = await import("./nodeRuntime");
    for (const modulePath of listModules(nodeDir)) {
      try {
        problems.push(...nodeExportProblems(modulePath, await importNodeModule(nodeDir, modulePath)));
      } catch (error) {
        problems.push(`${modulePath}.js could not be loaded in Node: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return problems;
}
