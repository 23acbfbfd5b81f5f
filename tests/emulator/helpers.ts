/** Shared set-up for the emulator tests: an in-process emulator and a raw sync-protocol client. */
import { version as convexVersion } from "convex";
import WebSocket from "ws";
import { generateAuthKeys } from "../../scripts/auth-keys";
import { startEmulator, type RunningEmulator } from "../../emulator/server";
import { decodeTs as decodeSyncTs } from "../../emulator/sync";

/**
 * Start an emulator on free ports, in memory, with fresh Convex Auth keys (no .env.local needed).
 * `logs` collects what it prints.
 */
export async function startTestEmulator(options: { convexDir?: string } = {}) {
  const keys = await generateAuthKeys();
  process.env.JWT_PRIVATE_KEY = keys.JWT_PRIVATE_KEY;
  process.env.JWKS = keys.JWKS;
  process.env.SITE_URL = "http://localhost:3000";
  const logs: string[] = [];
  const emulator: RunningEmulator = await startEmulator({
    port: 0,
    sitePort: 0,
    envFile: null,
    dataDir: null,
    convexDir: options.convexDir ?? "convex",
    log: (line) => (process.env.EMULATOR_TRACE === "1" ? console.log(line) : logs.push(line)),
  });
  return { emulator, logs, privateKey: keys.JWT_PRIVATE_KEY };
}

type ServerMessage = { type: string } & Record<string, unknown>;

/** A bare sync-protocol client, to check exact messages and versions. */
export class RawClient {
  readonly received: ServerMessage[] = [];
  private waiters: Array<() => void> = [];
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.received.push(JSON.parse(String(data)) as ServerMessage);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async connect(url: string, sessionId: string, connectionCount = 0): Promise<RawClient> {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/${convexVersion}/sync`);
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    const client = new RawClient(ws);
    client.send({ type: "Connect", sessionId, connectionCount, lastCloseReason: null, clientTs: Date.now() });
    return client;
  }

  send(message: object) {
    this.ws.send(JSON.stringify(message));
  }

  /** The next message (after those already taken) matching `predicate`. */
  async next(
    predicate: (m: ServerMessage) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.received.findIndex(predicate);
      if (index >= 0) return this.received.splice(index, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No matching message; received: ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Wait a little and return what arrived meanwhile (to check that nothing did). */
  async quiet(ms = 150): Promise<ServerMessage[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.received.splice(0).filter((m) => m.type !== "Ping");
  }

  close() {
    this.ws.close();
  }
}

/** A u64 protocol timestamp (base64 of 8 little-endian bytes) as a bigint. */
export function decodeTs(encoded: unknown): bigint {
  return decodeSyncTs(String(encoded));
}

export async function waitFor<T>(read: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
