import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "edge-runtime",
    // A 2-core machine running the emulator, Next.js and Chromium alongside: no 5 s default.
    testTimeout: 20_000,
    server: { deps: { inline: ["convex-test"] } },
    include: ["convex/**/*.test.ts", "lib/**/*.test.ts", "tests/unit/**/*.test.ts", "tests/emulator/**/*.test.ts"],
  },
});
