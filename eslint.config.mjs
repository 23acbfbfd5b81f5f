import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import convexPlugin from "@convex-dev/eslint-plugin";
import tseslint from "typescript-eslint";
import { runtimePlugin } from "./scripts/lint-rules.mjs";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  ...convexPlugin.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Convex's default runtime and the browser have no Node: Node-only code lives behind "use node".
    files: ["convex/**/*.ts", "lib/**/*.ts", "lib/**/*.tsx"],
    plugins: { runtime: runtimePlugin },
    rules: { "runtime/no-node-in-default-runtime": "error" },
  },
  {
    // Environment variables are read in one module only (see convex/lib/env.ts): typed env
    // declarations need convex.config.ts, which offline codegen cannot handle.
    files: ["convex/lib/env.ts"],
    rules: { "@convex-dev/no-process-env": "off" },
  },
  globalIgnores([
    ".next/**",
    "node_modules/**",
    "convex/_generated/**",
    "next-env.d.ts",
    "test-results/**",
    "playwright-report/**",
    "bench/results/**",
  ]),
]);
