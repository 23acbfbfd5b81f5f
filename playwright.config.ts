/**
 * Browser tests: Debian's Chromium against the whole app — the Convex emulator (fresh, in memory)
 * and `next dev` on test ports, started by tests/e2e/server.ts. Screenshots of each key screen
 * go to test-results/e2e/.
 */
import { defineConfig } from "@playwright/test";
import { E2E_APP_URL } from "./tests/e2e/ports";

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  // One app, one database: tests run one at a time.
  workers: 1,
  fullyParallel: false,
  // `next dev` compiles each route on its first visit, which takes a while on a small machine.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: E2E_APP_URL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    navigationTimeout: 120_000,
    launchOptions: {
      // Playwright's own Chromium download is not available here: use the distribution's.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: "npx tsx tests/e2e/server.ts",
    url: `${E2E_APP_URL}/signin`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});
