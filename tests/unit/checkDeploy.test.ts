// @vitest-environment node
/**
 * `npm run check:deploy` can fail: a copy of this project with a Node import added to a
 * default-runtime file is refused with the Convex CLI's own bundling errors, and the same copy
 * without it passes (so the refusal is that import's doing).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const root = process.cwd();
let copy: string;

beforeAll(() => {
  mkdirSync(path.join(root, "node_modules/.cache"), { recursive: true });
  copy = mkdtempSync(path.join(root, "node_modules/.cache/check-deploy-"));
  for (const item of ["convex", "lib", "package.json", "tsconfig.json"]) cpSync(path.join(root, item), path.join(copy, item), { recursive: true });
  symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"));
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

function checkDeploy() {
  return spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts/check-deploy.ts"), "--dir", copy], {
    cwd: copy,
    encoding: "utf8",
  });
}

describe("npm run check:deploy", () => {
  test("passes on the project, and refuses it once a default-runtime file imports a Node module", { timeout: 180_000 }, () => {
    const good = checkDeploy();
    expect(good.stderr + good.stdout).toContain("check:deploy: convex/ bundles for both runtimes");
    expect(good.status).toBe(0);

    const file = path.join(copy, "convex/users.ts");
    writeFileSync(file, `import { createHash } from "node:crypto";\nexport const digest = () => createHash("sha256");\n${readFileSync(file, "utf8")}`);
    const bad = checkDeploy();
    const output = bad.stderr + bad.stdout;
    expect(bad.status).toBe(1);
    expect(output).toContain('Could not resolve "node:crypto"');
    expect(output).toContain('It looks like you are using Node APIs from a file without the "use node" directive.');
    expect(output).toContain("check:deploy: `npx convex deploy` would fail at bundling");
  });
});
