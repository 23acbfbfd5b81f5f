/**
 * `npm run check:deploy`: does `convex/` deploy? Runs the Convex CLI's own bundler for both
 * runtimes, offline, exactly as `npx convex deploy` does before its first network call (a
 * self-hosted URL that nothing answers plus `--debug-bundle-path`: the CLI writes the bundles and
 * stops), then checks what the backend checks when it analyzes a push (emulator/bundle.ts).
 * Fails with the CLI's own errors.
 *
 *   tsx scripts/check-deploy.ts [--dir PROJECT] [--out DIR]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export type DeployCheck = { ok: boolean; output: string; bundleDir: string };

/** Bundle `projectDir/convex` with the CLI into `outDir`; `ok` when the CLI exits 0 with both runtimes written. */
export function bundleWithCli(projectDir: string, outDir: string): DeployCheck {
  const cli = path.join(projectDir, "node_modules", "convex", "bin", "main.js");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Nothing listens on port 9: the CLI bundles, writes the debug bundle and stops before any request.
    CONVEX_SELF_HOSTED_URL: "http://127.0.0.1:9",
    CONVEX_SELF_HOSTED_ADMIN_KEY: "offline-bundle-check",
  };
  delete env.CONVEX_DEPLOYMENT;
  delete env.CONVEX_DEPLOY_KEY;
  const run = spawnSync(
    process.execPath,
    [cli, "deploy", "--debug-bundle-path", outDir, "--typecheck", "disable", "--codegen", "disable", "-y"],
    { cwd: projectDir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
  const written = existsSync(path.join(outDir, "isolate")) && existsSync(path.join(outDir, "fullConfig.json"));
  return { ok: run.status === 0 && written, output, bundleDir: outDir };
}

async function main() {
  const flag = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const projectDir = path.resolve(flag("--dir") ?? ".");
  const keep = flag("--out");
  const outDir = keep ? path.resolve(keep) : mkdtempSync(path.join(tmpdir(), "convex-bundle-"));
  if (keep) rmSync(outDir, { recursive: true, force: true });
  const started = Date.now();
  try {
    const result = bundleWithCli(projectDir, outDir);
    if (!result.ok) {
      process.stderr.write(result.output);
      console.error("\ncheck:deploy: `npx convex deploy` would fail at bundling (the CLI's errors are above).");
      process.exit(1);
    }
    const { analyzeBundles } = await import("../emulator/bundle");
    const problems = await analyzeBundles(outDir, path.join(projectDir, "convex"));
    if (problems.length > 0) {
      for (const problem of problems) console.error(`check:deploy: ${problem}`);
      console.error("\ncheck:deploy: a Convex deployment would refuse this push.");
      process.exit(1);
    }
    console.log(
      `check:deploy: convex/ bundles for both runtimes and passes the push checks (${Date.now() - started} ms)` +
        (keep ? `; bundles in ${outDir}` : ""),
    );
  } finally {
    if (!keep) rmSync(outDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
