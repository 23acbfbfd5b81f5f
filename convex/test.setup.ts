/// <reference types="vite/client" />
/** Shared set-up for convex-test: the module map, Convex's transaction limits, and signed-in users. */
import { convexTest } from "convex-test";
import type { Id } from "./_generated/dataModel";
import schema from "./schema";

// Convex deploys files with a single dot only; tests and type declarations stay out.
export const modules = import.meta.glob(["./**/*.*s", "!./**/*.*.*s"]);

/** The limits the brief holds us to (stricter than convex-test's defaults). */
export const TRANSACTION_LIMITS = { documentsRead: 16_384, documentsWritten: 8_192 };

export function setup() {
  return convexTest({ schema, modules, transactionLimits: TRANSACTION_LIMITS });
}

export type TestConvex = ReturnType<typeof setup>;

/** A user with a session, and a `t` that calls functions as them (the identity Convex Auth issues). */
export async function signedInUser(t: TestConvex, email = "owner@example.com") {
  const { userId, sessionId } = await t.run(async (ctx) => {
    const userId = await ctx.db.insert("users", { email });
    const sessionId = await ctx.db.insert("authSessions", {
      userId,
      expirationTime: Date.now() + 7 * 24 * 3600 * 1000,
    });
    return { userId, sessionId };
  });
  return { userId, sessionId, as: t.withIdentity({ subject: `${userId}|${sessionId}` }) };
}

export type SignedIn = Awaited<ReturnType<typeof signedInUser>>;

/** The `data` of a ConvexError, for `rejects.toMatchObject(code("NOT_FOUND"))`. */
export function code(c: string) {
  return { data: { code: c } };
}

export type ContactId = Id<"contacts">;
