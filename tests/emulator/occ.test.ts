// @vitest-environment node
/**
 * Transactions run concurrently with optimistic concurrency control, as on Convex: conflicting
 * read-modify-writes are retried and end exact; disjoint ones never conflict or wait; a range
 * read conflicts with an insert into it (and only into it); a mutation that keeps conflicting
 * fails with Convex's error; scheduled work queues behind a deployment's concurrency limits.
 * Functions: fixture/convex/counters.ts.
 */
import path from "node:path";
import { ConvexClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { waitFor } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const FIXTURE = path.join(import.meta.dirname, "fixture/convex");
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    sitePort: 0,
    convexDir: FIXTURE,
    envFile: null,
    dataDir: null,
    log: () => undefined,
    concurrency: { scheduledJobs: 2 },
  });
});
afterAll(async () => await emulator?.close());
beforeEach(async () => await emulator.reset());

const engine = () => emulator.engine;
const occ = () => ({ ...engine().occ });
const mutation = (name: string, args: object, origin: "client" | "scheduler" = "client") =>
  engine().runAny(name, args as never, "mutation", origin);

describe("optimistic concurrency control", () => {
  test("N concurrent increments of one document end exact, with conflicts retried", async () => {
    const before = occ();
    const n = 12;
    await Promise.all(Array.from({ length: n }, () => mutation("counters:increment", { name: "shared", work: 30 }, "scheduler")));
    expect(await engine().runAny("counters:get", { name: "shared" })).toBe(n);
    const after = occ();
    expect(after.conflicts - before.conflicts).toBeGreaterThan(0);
    expect(after.retries - before.retries).toBe(after.conflicts - before.conflicts);
    expect(after.failures).toBe(before.failures);
    expect(after.byFunction["counters:increment"].conflicts).toBeGreaterThan(0);
    expect(after.byTable.counters).toBeGreaterThan(0);

    const status = (await (await fetch(`${emulator.url}/_emulator/status`)).json()) as { occ: { conflicts: number; retries: number; failures: number } };
    expect(status.occ.conflicts).toBe(after.conflicts);
  });

  test("writes to different documents never conflict", async () => {
    for (let i = 0; i < 8; i++) await mutation("counters:increment", { name: `own-${i}`, work: 0 });
    const before = occ();
    await Promise.all(Array.from({ length: 8 }, (_, i) => mutation("counters:increment", { name: `own-${i}`, work: 30 })));
    expect(occ().conflicts).toBe(before.conflicts);
    for (let i = 0; i < 8; i++) expect(await engine().runAny("counters:get", { name: `own-${i}` })).toBe(2);
  });

  test("a range read one row at a time sees its snapshot while other transactions commit beside it", async () => {
    const bobs: string[] = [];
    for (let i = 0; i < 6; i++) bobs.push((await mutation("counters:post", { author: "bob" })) as string);
    const anns: string[] = [];
    for (let i = 0; i < 4; i++) anns.push((await mutation("counters:post", { author: "ann" })) as string);
    // While bob's rows are walked, rows land before them in the index ("ann" < "bob") and leave it
    // (ann → zed): none of it is in the range read, so the walk commits without a conflict and
    // must have seen each of bob's rows exactly once, in order.
    const walk = mutation("counters:walkAuthor", { author: "bob", work: 20 });
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 3));
      await mutation("counters:post", { author: "ann" });
      if (i < anns.length) await mutation("counters:reassign", { id: anns[i], author: "zed" });
    }
    expect(await walk).toEqual(bobs);
  });

  test("an insert into a range another mutation read is a conflict; an insert beside it is not", async () => {
    await mutation("counters:post", { author: "ann" });
    let before = occ();
    // The range read starts first and works a while; the insert into its range commits meanwhile.
    const slow = mutation("counters:countAuthor", { author: "ann", work: 300 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await mutation("counters:post", { author: "ann" });
    expect(await slow).toBe(2); // Re-run after the conflict: it saw the new row.
    expect(occ().conflicts).toBeGreaterThan(before.conflicts);
    expect(occ().byTable.messages).toBeGreaterThan(0);

    before = occ();
    const other = mutation("counters:countAuthor", { author: "ann", work: 300 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await mutation("counters:post", { author: "bob" }); // outside the range read
    expect(await other).toBe(2);
    expect(occ().conflicts).toBe(before.conflicts);
  });

  test("a short mutation started after a long one that read the same document commits first", async () => {
    await mutation("counters:increment", { name: "race", work: 0 });
    const order: string[] = [];
    const long = mutation("counters:increment", { name: "race", work: 400 }).then((n) => order.push(`long→${n}`));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const short = mutation("counters:increment", { name: "race", work: 0 }).then((n) => order.push(`short→${n}`));
    await Promise.all([long, short]);
    expect(order).toEqual(["short→2", "long→3"]);
  });

  test("a mutation that conflicts on every retry fails with Convex's error (and 503 over HTTP)", async () => {
    await mutation("counters:increment", { name: "hot", work: 0 });
    let writing = true;
    const writer = (async () => {
      while (writing) await mutation("counters:increment", { name: "hot", work: 0 }, "scheduler");
    })();
    const before = occ();
    try {
      const error = await mutation("counters:increment", { name: "hot", work: 200 }).then(
        () => null,
        (e: Error) => e.message,
      );
      expect(error).toMatch(
        /^Documents read from or written to the "counters" table changed while this mutation was being run and on every subsequent retry\. (Another call to this mutation|A call to "counters:increment") changed the document with ID "\w+counters"\. See https:\/\/docs\.convex\.dev\/error#1$/,
      );
      expect(occ().failures).toBe(before.failures + 1);
      expect(occ().retries - before.retries).toBeGreaterThanOrEqual(4);

      const response = await fetch(`${emulator.url}/api/mutation`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ path: "counters:increment", args: { name: "hot", work: 200 }, format: "json" }),
      });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { code: string }).code).toBe("OptimisticConcurrencyControlFailure");
    } finally {
      writing = false;
      await writer;
    }
  });
});

describe("concurrency limits", () => {
  test("scheduled functions run at most SCHEDULED_JOB_EXECUTION_PARALLELISM at once; the rest queue", async () => {
    await mutation("counters:scheduleHolds", { n: 6, ms: 300 });
    let maxRunning = 0;
    let maxQueued = 0;
    const started = Date.now();
    await waitFor(() => {
      const { running, queued } = engine().status();
      maxRunning = Math.max(maxRunning, running.scheduledJobs);
      maxQueued = Math.max(maxQueued, queued.scheduledJobs);
      const done = [...engine().store.table("_scheduled_functions").values()].every((j) => (j.state as { kind: string }).kind === "success");
      return done ? true : undefined;
    }, 10_000);
    expect(maxRunning).toBe(2);
    expect(maxQueued).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800); // 6 jobs of 300 ms, 2 at a time
  });
});

describe("subscriptions while transactions commit", () => {
  test("a mutation committed while a subscription re-runs still resolves (its transition reaches its commit)", async () => {
    // The client holds a mutation's promise until a Transition at or past its commit timestamp. A
    // round of subscription re-runs that began before the commit ends at an earlier timestamp; the
    // transition the mutation is owed must still come when nothing this client reads changes again.
    const client = new ConvexClient(emulator.url, { unsavedChangesWarning: false });
    try {
      await mutation("counters:increment", { name: "watched", work: 0 });
      const seen: Array<number | null> = [];
      client.onUpdate(makeFunctionReference<"query">("counters:slowGet"), { name: "watched", work: 3_000 }, (n: number | null) => void seen.push(n));
      await waitFor(() => (seen.length ? true : undefined), 20_000);
      const post = makeFunctionReference<"mutation">("counters:post");
      for (let round = 0; round < 5; round++) {
        // Invalidate the slow subscription (a round starts re-running it), then commit the
        // client's own mutation, which writes nothing the subscription reads, during that round.
        await mutation("counters:increment", { name: "watched", work: 0 });
        await new Promise((r) => setTimeout(r, 5));
        const resolved = await Promise.race([
          client.mutation(post, { author: `round-${round}` }).then(() => true),
          new Promise<false>((r) => setTimeout(() => r(false), 10_000)),
        ]);
        expect(resolved, `round ${round}: the mutation's promise never resolved`).toBe(true);
      }
      await waitFor(() => (seen.at(-1) === 6 ? true : undefined), 20_000);
      // The admin status shows the sync at rest: nothing owed, no round running.
      const status = (await (await fetch(`${emulator.url}/_emulator/status`)).json()) as { sync: Record<string, unknown> };
      expect(status.sync).toMatchObject({ subscriptions: 1, staleSubscriptions: 0, dirtySessions: 0, roundRunningMs: null });
    } finally {
      await client.close();
    }
  });
});
