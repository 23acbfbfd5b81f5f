// @vitest-environment node
/** The runtime rule refuses Node-only imports in default-runtime and shared files, and nothing else. */
import path from "node:path";
import { RuleTester } from "eslint";
import tseslint from "typescript-eslint";
import { afterAll, describe, it } from "vitest";
import { runtimePlugin } from "../../scripts/lint-rules.mjs";

// RuleTester reports through the test framework's hooks (static fields missing from its types).
Object.assign(RuleTester, { afterAll, describe, it });

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });
const rule = runtimePlugin.rules["no-node-in-default-runtime"];
const root = process.cwd();
// Real files of the project, so relative imports resolve to real "use node" modules.
const defaultRuntimeFile = path.join(root, "convex/senders.ts");
const nodeFile = path.join(root, "convex/dispatch/pump.ts");
const sharedFile = path.join(root, "lib/format.ts");

tester.run("no-node-in-default-runtime", rule as never, {
  valid: [
    { filename: defaultRuntimeFile, code: 'import { v } from "convex/values";' },
    { filename: defaultRuntimeFile, code: 'import { ChannelError } from "./channels/types";' },
    { filename: defaultRuntimeFile, code: 'import type { MessageSender } from "./channels/factory";' },
    { filename: defaultRuntimeFile, code: 'import { type MessageSender } from "./channels/factory";' },
    { filename: nodeFile, code: '"use node";\nimport twilio from "twilio";\nimport { createHash } from "node:crypto";' },
    { filename: path.join(root, "convex/messages.test.ts"), code: 'import { createHash } from "node:crypto";' },
    { filename: path.join(root, "scripts/setup.ts"), code: 'import { spawnSync } from "node:child_process";' },
  ],
  invalid: [
    { filename: defaultRuntimeFile, code: 'import twilio from "twilio";', errors: [{ messageId: "nodeOnly" }] },
    { filename: defaultRuntimeFile, code: 'import { Resend } from "resend";', errors: [{ messageId: "nodeOnly" }] },
    { filename: defaultRuntimeFile, code: 'import { createHash } from "node:crypto";', errors: [{ messageId: "nodeOnly" }] },
    { filename: defaultRuntimeFile, code: 'import { readFileSync } from "fs";', errors: [{ messageId: "nodeOnly" }] },
    { filename: defaultRuntimeFile, code: 'import { createSender } from "./channels/factory";', errors: [{ messageId: "nodeOnly" }] },
    { filename: defaultRuntimeFile, code: 'export { TwilioSender } from "./channels/twilio";', errors: [{ messageId: "nodeOnly" }] },
    { filename: defaultRuntimeFile, code: 'const m = await import("./channels/resend");', errors: [{ messageId: "nodeOnly" }] },
    { filename: defaultRuntimeFile, code: 'const c = require("crypto");', errors: [{ messageId: "nodeOnly" }] },
    { filename: sharedFile, code: 'import { Buffer } from "node:buffer";', errors: [{ messageId: "nodeOnly" }] },
  ],
});
