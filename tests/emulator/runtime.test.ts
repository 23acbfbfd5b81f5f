// @vitest-environment node
/**
 * The emulator's runtime, on a small fixture app (tests/emulator/fixture/convex): environment,
 * the public site URL in HTTP actions, real-time scheduling, crons, persistence and reset.
 */
import { appendFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConvexClient } from "convex/browser";
import { cronJobs, makeFunctionReference } from "convex/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { CronRunner, nextRunAt } from "../../emulator/crons";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { waitFor } from "./helpers";

vi.setConfig({ testTimeout: 30_000 });

const FIXTURE = path.join(import.meta.dirname, "fixture/convex");
const list = makeFunctionReference<"query", { author: string }, Array<{ body: string }>>("messages:list");
const send = makeFunctionReference<"mutation", { body: string; author: string }>("messages:send");
const sendLater = makeFunctionReference<"mutation", { body: string; author: string; delayMs: number }>(
  "messages:sendLater",
);
const ticks = makeFunctionReference<"query", Record<string, never>, number>("messages:ticks");
const envQuery = makeFunctionReference<
  "query",
  Record<string, never>,
  { greeting: string | null; site: string }
>("messages:env");

const running: RunningEmulator[] = [];
const clients: ConvexClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const e of running.splice(0)) await e.close();
});

async function start(options: { dataDir?: string | null; envFile?: string | null; siteUrl?: string } = {}) {
  const emulator = await startEmulator({
    port: 0,
    sitePort: 0,
    convexDir: FIXTURE,
    envFile: options.envFile ?? null,
    dataDir: options.dataDir ?? null,
    siteUrl: options.siteUrl,
    log: () => undefined,
  });
  running.push(emulator);
  return emulator;
}

function client(emulator: RunningEmulator) {
  const c = new ConvexClient(emulator.url, { unsavedChangesWarning: false });
  clients.push(c);
  return c;
}

function watchList(c: ConvexClient, author: string) {
  const results: string[][] = [];
  c.onUpdate(list, { author }, (page) => results.push(page.map((m) => m.body)));
  return () => results.at(-1);
}

describe("environment and HTTP", () => {
  test("functions see .env.local and handlers see the public site URL", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "emulator-env-"));
    const envFile = path.join(dir, ".env.local");
    writeFileSync(envFile, "FIXTURE_GREETING='hello from env'\n");
    const emulator = await start({ envFile, siteUrl: "https://inbox.example.com" });
    const c = client(emulator);
    expect(await c.query(envQuery, {})).toEqual({
      greeting: "hello from env",
      site: "https://inbox.example.com",
    });

    const port = new URL(emulator.url).port;
    expect(port).not.toBe("");
    const sitePort = (await fetch(`${emulator.url}/_emulator/status`).then((r) => r.json())) as {
      siteUrl: string;
    };
    expect(sitePort.siteUrl).toBe("https://inbox.example.com");
  });

  test("an HTTP action gets the request on the site URL, body and query intact", async () => {
    const emulator = await start({ siteUrl: "https://inbox.example.com" });
    // The site server listens on a local port; find it from the emulator's own address list.
    const local = emulator.localSiteUrl;
    const response = await fetch(`${local}/echo?x=1`, { method: "POST", body: "signed payload" });
    expect(await response.json()).toEqual({
      url: "https://inbox.example.com/echo?x=1",
      body: "signed payload",
      subject: null,
    });
  });
});

describe("scheduler and crons", () => {
  test("a scheduled function runs in real time and its writes reach subscribers", async () => {
    const emulator = await start();
    const c = client(emulator);
    const latest = watchList(c, "sched");
    await waitFor(latest);
    const startedAt = Date.now();
    await c.mutation(sendLater, { body: "later", author: "sched", delayMs: 300 });
    expect(latest()).toEqual([]);
    await waitFor(() => (latest()?.length ? true : undefined));
    expect(latest()).toEqual(["later"]);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(280);
  });

  test("convex/crons.ts runs: an every-second job ticks", async () => {
    const emulator = await start();
    const c = client(emulator);
    let count = 0;
    c.onUpdate(ticks, {}, (n) => (count = n));
    await waitFor(() => (count >= 2 ? true : undefined), 6000);
  });

  test("next run times of every schedule kind", () => {
    const at = (iso: string) => Date.parse(iso);
    const from = at("2026-03-04T12:07:30Z"); // a Wednesday
    expect(nextRunAt({ type: "cron", cron: "*/15 * * * *" }, from, 0, "a")).toBe(at("2026-03-04T12:15:00Z"));
    expect(nextRunAt({ type: "hourly", minuteUTC: 5 }, from, 0, "a")).toBe(at("2026-03-04T13:05:00Z"));
    expect(nextRunAt({ type: "daily", hourUTC: 9, minuteUTC: 30 }, from, 0, "a")).toBe(
      at("2026-03-05T09:30:00Z"),
    );
    expect(nextRunAt({ type: "weekly", dayOfWeek: "monday", hourUTC: 8, minuteUTC: 0 }, from, 0, "a")).toBe(
      at("2026-03-09T08:00:00Z"),
    );
    expect(nextRunAt({ type: "monthly", day: 1, hourUTC: 0, minuteUTC: 0 }, from, 0, "a")).toBe(
      at("2026-04-01T00:00:00Z"),
    );
    const started = at("2026-03-04T12:00:00Z");
    expect(nextRunAt({ type: "interval", minutes: 5 }, from, started, "a")).toBe(at("2026-03-04T12:10:00Z"));
    expect(nextRunAt({ type: "interval", seconds: 30 }, started, started, "a")).toBe(started + 30_000);
    // Without a minute, a job gets a stable one of its own.
    const hourly = nextRunAt({ type: "hourly" }, from, 0, "some job")!;
    expect(hourly).toBe(nextRunAt({ type: "hourly" }, from, 0, "some job"));
    expect(new Date(hourly).getUTCSeconds()).toBe(0);
  });

  test("the cron runner runs every job of a cronJobs() object on time, without overlapping runs", async () => {
    vi.useFakeTimers({ now: Date.parse("2026-03-04T12:00:10Z") });
    try {
      const crons = cronJobs();
      const tick = makeFunctionReference<"mutation">("jobs:tick");
      const slow = makeFunctionReference<"mutation">("jobs:slow");
      crons.interval("every 20s", { seconds: 20 }, tick, { n: 1 });
      crons.cron("every minute", "* * * * *", tick, { n: 2 });
      crons.hourly("hourly", { minuteUTC: 1 }, tick, { n: 3 });
      crons.interval("slow", { seconds: 10 }, slow);
      const calls: string[] = [];
      let slowRunning = 0;
      const runner = new CronRunner(
        async (name, args) => {
          calls.push(`${name} ${JSON.stringify(args)}`);
          if (name === "jobs:slow") {
            slowRunning += 1;
            await new Promise((resolve) => setTimeout(resolve, 25_000)); // longer than its period
            slowRunning -= 1;
          }
        },
        () => undefined,
      );
      runner.start(crons);
      await vi.advanceTimersByTimeAsync(3 * 60_000);
      runner.stop();
      const count = (s: string) => calls.filter((c) => c === s).length;
      expect(count('jobs:tick {"n":1}')).toBe(9); // every 20 s for 3 minutes
      expect(count('jobs:tick {"n":2}')).toBe(3); // 12:01, 12:02, 12:03
      expect(count('jobs:tick {"n":3}')).toBe(1); // 12:01
      expect(slowRunning).toBeLessThanOrEqual(1);
      expect(count("jobs:slow {}")).toBeGreaterThan(0);
      expect(count("jobs:slow {}")).toBeLessThan(18); // overlapping runs were skipped
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("persistence", () => {
  test("data and pending scheduled functions survive a restart; a torn journal line is ignored", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "emulator-data-"));
    let emulator = await start({ dataDir });
    let c = client(emulator);
    await c.mutation(send, { body: "kept", author: "p" });
    await c.mutation(sendLater, { body: "after restart", author: "p", delayMs: 1500 });
    await c.close();
    await emulator.close();
    running.splice(running.indexOf(emulator), 1);
    // A crash in the middle of writing the last commit leaves half a line.
    appendFileSync(path.join(dataDir, "journal.ndjson"), '{"seq":99999,"ts":"1","writes":[["1000');

    emulator = await start({ dataDir });
    c = client(emulator);
    const latest = watchList(c, "p");
    await waitFor(() => (latest()?.includes("kept") ? true : undefined));
    expect(latest()).toEqual(["kept"]);
    await waitFor(() => (latest()?.length === 2 ? true : undefined), 5000);
    expect(latest()).toEqual(["kept", "after restart"]);
    expect(readdirSync(dataDir).sort()).toEqual(["journal.ndjson", "snapshot.json", "storage"]);
    expect(existsSync(path.join(dataDir, "snapshot.json.tmp"))).toBe(false);

    // New ids do not collide with restored ones.
    await c.mutation(send, { body: "new", author: "p" });
    await waitFor(() => (latest()?.length === 3 ? true : undefined));

    // Reset empties everything, and subscribers see it.
    const reset = await fetch(`${emulator.url}/_emulator/reset`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(reset.status).toBe(200);
    await waitFor(() => (latest()?.length === 0 ? true : undefined));
    await c.close();
    await emulator.close();
    running.splice(running.indexOf(emulator), 1);

    emulator = await start({ dataDir });
    expect(await client(emulator).query(list, { author: "p" })).toEqual([]);
  });
});
