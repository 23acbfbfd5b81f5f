// @vitest-environment node
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateAuthKeys } from "../../scripts/auth-keys";
import { addMissing, readEnvFile } from "../../scripts/env-file";

describe("setup's env file", () => {
  it("adds only missing variables, keeps existing ones, and round-trips the auth keys", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "env-")), ".env.local");
    expect(addMissing({ SITE_URL: "http://localhost:3000" }, file)).toEqual(["SITE_URL"]);
    const keys = await generateAuthKeys();
    expect(addMissing({ SITE_URL: "http://changed", ...keys }, file)).toEqual(["JWT_PRIVATE_KEY", "JWKS"]);
    expect(addMissing({ SITE_URL: "http://changed", ...keys }, file)).toEqual([]);
    const env = readEnvFile(file);
    expect(env.SITE_URL).toBe("http://localhost:3000");
    expect(env.JWT_PRIVATE_KEY).toBe(keys.JWT_PRIVATE_KEY);
    expect(JSON.parse(env.JWKS).keys[0]).toMatchObject({ use: "sig", kty: "RSA" });
    expect(readFileSync(file, "utf8").split("\n").filter(Boolean)).toHaveLength(3);
  });
});
