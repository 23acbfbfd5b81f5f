/**
 * The Convex emulator: the project's own convex/ functions, run by convex-test, behind the real
 * client protocol. A development and test stand-in for a Convex deployment, not a production
 * backend. See the README's "Emulator" section for what it does not emulate.
 *
 *   tsx emulator/server.ts [--port 3210] [--site-port 3211] [--data .emulator | --in-memory]
 *                          [--env .env.local] [--convex convex] [--site-url URL]
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import path from "node:path";
import { TokenVerifier } from "./auth";
import { CronRunner, type CronsLike } from "./crons";
import { Engine } from "./engine";
import { DEFAULT_SITE_URL, loadEnvFile } from "./env";
import { apiHandlers, siteHandler } from "./http";
import { Persistence } from "./persistence";
import { resumeScheduledFunctions } from "./scheduler";
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

  const engine = await Engine.create({ convexDir, siteUrl });
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
  const resumed = await resumeScheduledFunctions(engine, log);
  if (resumed > 0) log(`${resumed} scheduled functions resumed`);

  const crons = new CronRunner((name, args) => engine.runAny(name, args as never), log);
  const cronModule = await engine.module("crons");
  const cronsExport = cronModule?.default as CronsLike | undefined;
  if (cronsExport?.crons) log(`crons: ${crons.start(cronsExport).join(", ") || "none"}`);

  const verifier = new TokenVerifier(engine, convexDir);
  const sync = new SyncServer(engine, verifier, log);
  const reset = async () => {
    if (persistence) await persistence.reset();
    else await engine.importState(null);
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
        lastCommitTs: engine.lastCommitTs.toString(),
        siteUrl,
      }),
    },
  });
  onApi = api.request;
  onUpgrade = api.upgrade;
  onSite = siteHandler({ engine, verifier, log });

  const close = async () => {
    crons.stop();
    api.close();
    for (const server of [apiServer, siteServer]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await persistence?.close();
  };
  return { url, siteUrl, localSiteUrl: `http://${host}:${sitePort}`, engine, sync, reset, close };
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
    console.error("[emulator] failed to start:", error);
    process.exit(1);
  });
}
