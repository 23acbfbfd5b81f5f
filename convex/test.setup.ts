/// <reference types="vite/client" />
/** Shared set-up for convex-test: the module map, Convex's transaction limits, and signed-in users. */
import { convexTest } from "convex-test";
import { vi } from "vitest";
import type { Id } from "./_generated/dataModel";
import { provisionSimulatorSenders } from "./lib/senders";
import schema from "./schema";

// Convex deploys files with a single dot only; tests and type declarations stay out.
export const modules = import.meta.glob(["./**/*.*s", "!./**/*.*.*s"]);

/**
 * Per-transaction limits our tests hold us to: half of Convex's (32,000 documents scanned, 16,000
 * written; docs.convex.dev/production/state/limits), so code that passes here has room there.
 */
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

/** A signed-in user with the simulator senders a new account gets (SMS, WhatsApp, email). */
export async function userWithSenders(t: TestConvex, email = "owner@example.com") {
  const user = await signedInUser(t, email);
  await t.run(async (ctx) => await provisionSimulatorSenders(ctx, user.userId));
  return user;
}

/** Insert a contact directly (fast fixtures for big tests). */
export async function insertContactFixture(
  t: TestConvex,
  userId: Id<"users">,
  fields: { name: string; phone?: string; email?: string; whatsappWindowStartedAt?: number; optedOut?: { sms: boolean; whatsapp: boolean; email: boolean } },
) {
  return await t.run(async (ctx) => {
    const { newContact } = await import("./lib/contacts");
    const { optedOut, whatsappWindowStartedAt, ...rest } = fields;
    return await ctx.db.insert("contacts", {
      ...newContact(userId, rest),
      ...(optedOut ? { optedOut } : {}),
      ...(whatsappWindowStartedAt !== undefined ? { whatsappWindowStartedAt } : {}),
    });
  });
}

// Real event-loop turns, captured before a test fakes the timers.
const realSetImmediate: (cb: () => void) => unknown = globalThis.setImmediate ?? ((cb: () => void) => setTimeout(cb, 0));
export const realTurn = () => new Promise<void>((resolve) => realSetImmediate(() => resolve()));

/**
 * Let `ms` of fake time pass in small steps, giving running functions real turns to progress at
 * each: a dispatch pump sleeps between ticks on the (fake) clock, so it is never "finished" until
 * time moves, and runAllTimers would jump the clock.
 */
export async function runFor(ms: number, step = 10) {
  for (let elapsed = 0; elapsed < ms; elapsed += step) {
    await vi.advanceTimersByTimeAsync(step);
    for (let i = 0; i < 5; i++) await realTurn();
  }
}

/** finishInProgressScheduledFunctions, with the fake clock moving (10 ms at a time) while it waits. */
export async function finishRunning(t: TestConvex) {
  let done = false;
  const finished = t.finishInProgressScheduledFunctions().then(() => (done = true));
  while (!done) {
    await vi.advanceTimersByTimeAsync(10);
    await realTurn();
  }
  await finished;
}

/** Load the dispatch engine's modules (the pump's provider SDKs take real time to load; fake clocks don't wait). */
export async function loadEngineModules() {
  await Promise.all([import("./dispatch/pump"), import("./dispatch/claims"), import("./receipts"), import("./aggregates")]);
}

/**
 * A file in storage as an upload URL would leave it. convex-test's `storage.store` records no
 * content type (Convex takes it from the upload's Content-Type header), so the test sets it.
 */
export async function storeFile(t: TestConvex, contents: BlobPart, contentType: string) {
  return await t.run(async (ctx) => {
    const storageId = await ctx.storage.store(new Blob([contents], { type: contentType }));
    await (ctx.db as unknown as { patch: (id: string, fields: object) => Promise<void> }).patch(storageId, { contentType });
    return storageId;
  });
}
