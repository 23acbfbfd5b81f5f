/**
 * The Convex emulator: the project's own convex/ functions, bundled by the Convex CLI exactly as a
 * deploy bundles them, run concurrently with optimistic concurrency control, behind the real
 * client protocol. A development and test stand-in for a Convex deployment, not a production
 * backend. See the README's "Emulator" section for what it does not emulate.
 *
 *   tsx emulator/server.ts [--port 3210] [--site-port 3211] [--data .emulator | --in-memory]
 *                          [--env .env.local] [--convex convex] [--site-url URL] [--watch]
 */
import { existsSync, watch, type FSWatcher } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import path from "node:path";
import { jsonToConvex, type JSONValue, type Value } from "convex/values";
import { TokenVerifier } from "./auth";
import { CronRunner, type CronsLike } from "./crons";
import { Engine } from "./engine";
import { BundleError, loadBundles } from "./bundle";
import type { ConcurrencyLimits } from "./concurrency";
import { DEFAULT_SITE_URL, loadEnvFile } from "./env";
import { apiHandlers, siteHandler } from "./http";
import { Persistence } from "./persistence";
import { Scheduler } from "./scheduler";
import { SyncServer } from "./sync";

export type EmulatorOptions = {
  /** Deployment port (sync WebSocket, HTTP API); 0 picks a free one. Default 3210. */
  port?: number;
  /** Site port (the app's httpRouter); 0 picks a free one. Default 3211. */
  sitePort?: number;
  host?: string;
  convexDir?: string;
  /** Variables for the functions (existing process.env wins); null loads none. */
  envFile?: string | null;
  /** Where data is kept across restarts; null keeps it in memory only. */
  dataDir?: string | null;
  /** The public site URL handlers see. Default: CONVEX_SITE_URL, else the site port's URL. */
  siteUrl?: string;
  log?: (line: string) => void;
  /** Re-bundle and reload the functions when convex/ or lib/ changes (npm run dev). */
  watch?: boolean;
  /** Concurrency limits (default: a deployment's; see emulator/concurrency.ts). */
  concurrency?: Partial<ConcurrencyLimits>;
};

export type RunningEmulator = {
  /** The deployment URL (NEXT_PUBLIC_CONVEX_URL). */
  url: string;
  /** The public site URL HTTP actions see (CONVEX_SITE_URL). */
  siteUrl: string;
  /** Where the site server listens (the same as siteUrl unless that is a public proxy URL). */
  localSiteUrl: string;
  engine: Engine;
  sync: SyncServer;
  scheduler: Scheduler;
  reset(): Promise<void>;
  close(): Promise<void>;
};

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Start the emulator in this process. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const log = options.log ?? ((line: string) => console.log(`[emulator] ${line}`));
  const host = options.host ?? "127.0.0.1";
  const convexDir = path.resolve(options.convexDir ?? "convex");
  if (options.envFile !== null) loadEnvFile(options.envFile ?? ".env.local");

  // Listen first, so that port 0 resolves before the site URL is fixed; answer 503 until ready.
  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  const starting: Handler = (_req, res) => void res.writeHead(503).end("starting");
  let onApi: Handler = starting;
  let onSite: Handler = starting;
  let onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void = (_req, socket) =>
    socket.destroy();
  const apiServer = createServer((req, res) => onApi(req, res));
  apiServer.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    onUpgrade(req, socket, head),
  );
  const siteServer = createServer((req, res) => onSite(req, res));
  const port = await listen(apiServer, options.port ?? 3210, host);
  const sitePort = await listen(siteServer, options.sitePort ?? 3211, host);
  const url = `http://${host}:${port}`;
  const siteUrl = (
    options.siteUrl ??
    (options.sitePort === 0 ? undefined : process.env.CONVEX_SITE_URL) ??
    (options.sitePort === undefined ? DEFAULT_SITE_URL : `http://${host}:${sitePort}`)
  ).replace(/\/$/, "");
  // Functions (and Convex Auth's token issuer) must agree with where they are served.
  process.env.CONVEX_SITE_URL = siteUrl;
  process.env.CONVEX_CLOUD_URL ??= url;

  let engine: Engine;
  try {
    engine = await Engine.create({
      convexDir,
      siteUrl,
      cloudUrl: url,
      log,
      concurrency: options.concurrency,
      storageDir: options.dataDir === null ? null : path.join(path.resolve(options.dataDir ?? ".emulator"), "storage"),
    });
  } catch (error) {
    for (const server of [apiServer, siteServer]) server.close();
    throw error;
  }
  let persistence: Persistence | null = null;
  if (options.dataDir === null) {
    log("DATA IS IN MEMORY ONLY: everything is lost when the emulator stops.");
  } else {
    persistence = new Persistence(path.resolve(options.dataDir ?? ".emulator"), engine, log);
    const { documents, replayed } = await persistence.start();
    log(
      `data: ${documents} documents restored from ${options.dataDir ?? ".emulator"} (${replayed} journaled commits replayed)`,
    );
  }
  const scheduler = new Scheduler(engine, log);
  const resumed = await scheduler.start();
  if (resumed > 0) log(`${resumed} scheduled functions resumed`);

  // Crons run as a deployment runs them: their own pool, mutations retried until they commit.
  const runCron = async (name: string, args: unknown) => {
    const release = await engine.limiterFor("crons");
    try {
      await engine.runAny(name, jsonToConvex((args ?? {}) as JSONValue) as Record<string, Value>, undefined, "cron");
    } finally {
      release();
    }
  };
  let crons = new CronRunner(runCron, log);
  const startCrons = () => {
    const cronsExport = engine.module("crons")?.default as CronsLike | undefined;
    if (cronsExport?.crons) log(`crons: ${crons.start(cronsExport).join(", ") || "none"}`);
  };
  startCrons();

  const verifier = new TokenVerifier(engine);
  const sync = new SyncServer(engine, verifier, log);
  const reset = async () => {
    if (persistence) await persistence.reset();
    else {
      engine.importState(null);
      engine.storage.clear();
    }
  };
  const api = apiHandlers({
    engine,
    sync,
    verifier,
    log,
    admin: {
      reset,
      status: () => ({
        connections: sync.connectionCount,
        sync: sync.state(),
        lastCommitTs: engine.lastCommitTs.toString(),
        siteUrl,
        ...engine.status(),
      }),
    },
  });
  onApi = api.request;
  onUpgrade = api.upgrade;
  onSite = siteHandler({ engine, verifier, log });

  // npm run dev: re-bundle on change, like `npx convex dev`; a change that does not bundle is
  // reported with the CLI's errors and the running functions stay.
  let watcher: FSWatcher[] = [];
  if (options.watch) {
    let timer: NodeJS.Timeout | undefined;
    let reloading = Promise.resolve();
    const reload = () => {
      reloading = reloading.then(async () => {
        try {
          const bundles = await loadBundles({ convexDir, log });
          if (bundles.hash === engine.bundleHash) return;
          await engine.load(bundles);
          verifier.reset();
          crons.stop();
          crons = new CronRunner(runCron, log);
          startCrons();
          log("functions reloaded");
        } catch (error) {
          log(error instanceof BundleError ? error.message : `reload failed: ${String(error)}`);
        }
      });
    };
    const onChange = (_event: string, file: string | null) => {
      if (file && (/_generated|node_modules|\.test\./.test(file) || !/\.(ts|tsx|js|json)$/.test(file))) return;
      clearTimeout(timer);
      timer = setTimeout(reload, 300);
    };
    watcher = [convexDir, path.join(path.dirname(convexDir), "lib")]
      .filter((dir) => existsSync(dir))
      .map((dir) => watch(dir, { recursive: true }, onChange));
  }

  const close = async () => {
    for (const w of watcher) w.close();
    scheduler.stop();
    crons.stop();
    api.close();
    for (const server of [apiServer, siteServer]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await persistence?.close();
  };
  return { url, siteUrl, localSiteUrl: `http://${host}:${sitePort}`, engine, sync, scheduler, reset, close };
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  const started = Date.now();
  const emulator = await startEmulator({
    port: Number(flag("--port") ?? 3210),
    sitePort: Number(flag("--site-port") ?? 3211),
    convexDir: flag("--convex"),
    envFile: flag("--env") === "none" ? null : flag("--env"),
    dataDir: process.argv.includes("--in-memory") ? null : flag("--data"),
    siteUrl: flag("--site-url"),
    watch: process.argv.includes("--watch"),
  });
  console.log(
    `[emulator] ready in ${Date.now() - started} ms: deployment ${emulator.url}, site ${emulator.siteUrl}`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error("[emulator] failed to start:", error instanceof BundleError ? error.message : error);
    process.exit(1);
  });
}
