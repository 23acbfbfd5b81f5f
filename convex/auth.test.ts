import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { generateAuthKeys } from "../scripts/auth-keys";
import { api } from "./_generated/api";
import { code, setup } from "./test.setup";

beforeAll(async () => {
  const keys = await generateAuthKeys();
  vi.stubEnv("JWT_PRIVATE_KEY", keys.JWT_PRIVATE_KEY);
  vi.stubEnv("JWKS", keys.JWKS);
  vi.stubEnv("SITE_URL", "http://localhost:3000");
  vi.stubEnv("CONVEX_SITE_URL", "http://127.0.0.1:3211");
});
afterAll(() => vi.unstubAllEnvs());

const signUp = (email: string, password: string) => ({
  provider: "password",
  params: { email, password, flow: "signUp" },
});
const signIn = (email: string, password: string) => ({
  provider: "password",
  params: { email, password, flow: "signIn" },
});

describe("password auth", () => {
  it("signs up, signs in with a 7-day session, and signs out", async () => {
    const t = setup();
    const up = await t.action(api.auth.signIn, signUp("Ann@Example.com", "correct horse"));
    expect(up.tokens?.token).toBeTypeOf("string");

    const sessionLength = await t.run(async (ctx) => {
      const session = (await ctx.db.query("authSessions").collect())[0];
      return session.expirationTime - session._creationTime;
    });
    expect(sessionLength).toBeGreaterThan(7 * 24 * 3600 * 1000 - 60_000);
    expect(sessionLength).toBeLessThanOrEqual(7 * 24 * 3600 * 1000);

    const user = await t.run(async (ctx) => (await ctx.db.query("users").collect())[0]);
    expect(user.email).toBe("ann@example.com");

    const again = await t.action(api.auth.signIn, signIn("ann@example.com", "correct horse"));
    expect(again.tokens?.token).toBeTypeOf("string");
    const sessions = await t.run(async (ctx) => await ctx.db.query("authSessions").collect());
    expect(sessions).toHaveLength(2);

    const as = t.withIdentity({ subject: `${user._id}|${sessions[1]._id}` });
    expect(await as.query(api.users.viewer, {})).toMatchObject({ _id: user._id, email: "ann@example.com" });
    await as.action(api.auth.signOut, {});
    const left = await t.run(async (ctx) => (await ctx.db.query("authSessions").collect()).map((s) => s._id));
    expect(left).toEqual([sessions[0]._id]);
  });

  it("gives clear codes for weak passwords, existing accounts, wrong passwords and bad emails", async () => {
    const t = setup();
    await expect(t.action(api.auth.signIn, signUp("ann@example.com", "short"))).rejects.toMatchObject(
      code("WEAK_PASSWORD"),
    );
    await expect(t.action(api.auth.signIn, signUp("not-an-email", "long enough"))).rejects.toMatchObject(
      code("INVALID_EMAIL"),
    );
    await t.action(api.auth.signIn, signUp("ann@example.com", "long enough"));
    await expect(t.action(api.auth.signIn, signUp("ANN@example.com", "another one"))).rejects.toMatchObject(
      code("ACCOUNT_EXISTS"),
    );
    await expect(t.action(api.auth.signIn, signIn("ann@example.com", "wrong password"))).rejects.toMatchObject(
      code("INVALID_CREDENTIALS"),
    );
    await expect(t.action(api.auth.signIn, signIn("nobody@example.com", "whatever1"))).rejects.toMatchObject(
      code("INVALID_CREDENTIALS"),
    );
  });

  it("reports no viewer when signed out", async () => {
    const t = setup();
    expect(await t.query(api.users.viewer, {})).toBeNull();
  });
});
