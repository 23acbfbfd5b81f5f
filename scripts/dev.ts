/**
 * `npm run dev`: the whole app on this machine, no account and no download. Writes `.env.local`
 * (auth keys on first run), starts the Convex emulator (deployment 3210, site 3211, data kept in
 * `.emulator/`; it re-bundles and reloads the functions when convex/ or lib/ changes, like
 * `npx convex dev`) and `next dev` (3000), and prints the URL to open.
 * `npm run dev -- --demo` also creates a demo account with contacts, groups and conversations.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { startEmulator } from "../emulator/server";
import { DEMO_EMAIL, DEMO_PASSWORD, seedDemo } from "./demo";
import { ensureLocalEnv } from "./setup";

async function waitForHttp(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { redirect: "manual" });
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return false;
}

async function main() {
  const demo = process.argv.includes("--demo");
  const appPort = Number(process.env.PORT ?? 3000);
  const added = await ensureLocalEnv();
  if (added.length > 0) console.log(`.env.local: added ${added.join(", ")}`);

  const emulator = await startEmulator({ watch: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE") {
      throw new Error(
        `Port ${(error as { port?: number }).port ?? "3210/3211"} is in use: is another \`npm run dev\` running?`,
      );
    }
    throw error;
  });
  if (demo) await seedDemo(emulator.url, (line) => console.log(line));

  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const next = spawn(process.execPath, [nextBin, "dev", "--port", String(appPort)], {
    stdio: "inherit",
    env: { ...process.env, NEXT_PUBLIC_CONVEX_URL: emulator.url },
  });

  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    next.kill("SIGTERM");
    void emulator.close().finally(() => process.exit(code));
  };
  process.on("SIGINT", () => stop(0));
  process.on("SIGTERM", () => stop(0));
  next.on("exit", (code) => stop(code ?? 0));

  const appUrl = `http://localhost:${appPort}`;
  if (await waitForHttp(appUrl, 120_000)) {
    const lines = [
      `Unified Inbox is running: open ${appUrl}`,
      `Convex emulator: ${emulator.url} (HTTP actions at ${emulator.siteUrl}); data kept in .emulator/`,
      demo
        ? `Demo account: ${DEMO_EMAIL} / ${DEMO_PASSWORD}`
        : "Sign up with any email and a password of 8+ characters.",
    ];
    const width = Math.max(...lines.map((l) => l.length));
    console.log(["", "─".repeat(width), ...lines, "─".repeat(width), ""].join("\n"));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
