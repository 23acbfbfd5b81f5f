/**
 * The two HTTP servers a Convex deployment has:
 * - the deployment URL (3210): the sync WebSocket, the HTTP API `ConvexHttpClient` uses
 *   (/api/query, /api/mutation, /api/action, …), and the emulator's admin endpoints;
 * - the site URL (3211): the app's `httpRouter` (auth routes, webhooks, REST API).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { convexToJson, jsonToConvex, type JSONValue, type Value } from "convex/values";
import { WebSocketServer } from "ws";
import { AuthFailure, type TokenVerifier } from "./auth";
import { describeError, FunctionFailure, type Engine, type Identity } from "./engine";
import { encodeTs, type SyncServer } from "./sync";

const MAX_BODY = 20 * 1024 * 1024;
const UDF_FAILED = 560; // What ConvexHttpClient expects for a function that threw.

export type Admin = {
  reset(): Promise<void>;
  status(): Record<string, unknown>;
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: object,
  ) {
    super(JSON.stringify(body));
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new HttpError(413, { code: "PayloadTooLarge", message: "Request body too large" });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "Content-Type, Authorization, Convex-Client, Digest",
  "access-control-allow-methods": "GET, POST, OPTIONS",
};
type FunctionKind = "query" | "mutation" | "action";

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match ? match[1].trim() : null;
}

function withErrors(
  log: (line: string) => void,
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
) {
  return (req: IncomingMessage, res: ServerResponse) => {
    handler(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return sendJson(res, error.status, error.body, CORS);
      log(
        `http: ${req.method} ${req.url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      // The details go to the log, never into a response.
      if (!res.headersSent) sendJson(res, 500, { error: { code: "INTERNAL", message: "Internal error" } });
      else res.end();
    });
  };
}

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** The deployment URL's request handler, and its WebSocket upgrade handler. */
export function apiHandlers(options: {
  engine: Engine;
  sync: SyncServer;
  verifier: TokenVerifier;
  admin: Admin;
  log?: (line: string) => void;
}): {
  request: RequestHandler;
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  close(): void;
} {
  const { engine, sync, verifier, admin, log = console.log } = options;

  async function identityOf(req: IncomingMessage): Promise<Identity | null> {
    if (req.headers.authorization?.startsWith("Convex ")) {
      throw new HttpError(401, {
        code: "BadAdminKey",
        message: "Admin keys are not used by the emulator; use POST /_emulator/run.",
      });
    }
    const token = bearer(req);
    if (token === null) return null;
    try {
      return (await verifier.verify(token)).identity;
    } catch (error) {
      const message = error instanceof AuthFailure ? error.message : String(error);
      throw new HttpError(401, { code: "Unauthenticated", message });
    }
  }

  async function callFunction(
    kind: FunctionKind,
    udfPath: string,
    args: JSONValue,
    identity: Identity | null,
  ) {
    if (kind === "query") return engine.query(udfPath, args, identity);
    if (kind === "mutation") return (await engine.mutation(udfPath, args, identity)).value;
    return engine.action(udfPath, args, identity);
  }

  async function api(req: IncomingMessage, res: ServerResponse, endpoint: string) {
    const body = JSON.parse((await readBody(req)).toString("utf8") || "{}") as {
      path?: string;
      args?: JSONValue;
      componentPath?: string;
    };
    if (endpoint === "query_ts") return sendJson(res, 200, { ts: encodeTs(engine.lastCommitTs) }, CORS);
    const identity = await identityOf(req);
    const udfPath = String(body.path ?? "");
    let kind: FunctionKind;
    let args: JSONValue;
    if (endpoint === "function") {
      kind = engine.resolve(udfPath)?.kind ?? "query";
      args = body.args ?? {};
    } else {
      kind = endpoint === "mutation" ? "mutation" : endpoint === "action" ? "action" : "query";
      args = (Array.isArray(body.args) ? body.args[0] : body.args) ?? {};
    }
    try {
      if (body.componentPath) throw new Error("Components are not emulated");
      const value = await callFunction(kind, udfPath, args, identity);
      sendJson(res, 200, { status: "success", value: convexToJson(value), logLines: [] }, CORS);
    } catch (error) {
      const failure = describeError(error);
      if (failure.errorData === undefined) log(`${kind} ${udfPath} failed: ${failure.errorMessage}`);
      // Convex answers a mutation whose write-conflict retries ran out with a system error, 503.
      if (error instanceof FunctionFailure && error.code === "OccFailure") {
        return sendJson(res, 503, { code: "OptimisticConcurrencyControlFailure", message: failure.errorMessage }, CORS);
      }
      sendJson(res, UDF_FAILED, { status: "error", ...failure, logLines: [] }, CORS);
    }
  }

  /** File storage: uploads to a `generateUploadUrl()` URL, downloads from a `getUrl()` URL. */
  async function storageRequest(req: IncomingMessage, res: ServerResponse, rest: string, search: URLSearchParams) {
    if (rest === "upload") {
      if (req.method !== "POST") throw new HttpError(405, { code: "MethodNotAllowed", message: "POST the file" });
      if (!engine.storage.consumeToken(search.get("token") ?? "")) {
        throw new HttpError(401, { code: "InvalidUploadToken", message: "The upload URL is invalid or has expired." });
      }
      const bytes = new Uint8Array(await readBody(req));
      const contentType = req.headers["content-type"] ?? null;
      const storageId = await engine.storeFile(bytes, contentType);
      return sendJson(res, 200, { storageId }, CORS);
    }
    if (req.method !== "GET" && req.method !== "HEAD") throw new HttpError(405, { code: "MethodNotAllowed", message: "GET" });
    const file = await engine.readFile(decodeURIComponent(rest));
    if (!file) throw new HttpError(404, { code: "FileNotFound", message: "File not found" });
    res.writeHead(200, {
      ...CORS,
      "content-type": file.contentType ?? "application/octet-stream",
      "content-length": String(file.bytes.byteLength),
      "cache-control": "private, max-age=2592000",
    });
    res.end(req.method === "HEAD" ? undefined : Buffer.from(file.bytes));
  }

  async function adminRequest(req: IncomingMessage, res: ServerResponse, action: string) {
    if (req.method === "GET" && action === "status") return sendJson(res, 200, admin.status());
    // A JSON content type cannot be sent cross-site without a CORS preflight, which is refused.
    if (req.method !== "POST" || !req.headers["content-type"]?.startsWith("application/json")) {
      throw new HttpError(415, { code: "BadRequest", message: "POST application/json" });
    }
    const body = JSON.parse((await readBody(req)).toString("utf8") || "{}") as {
      path?: string;
      args?: JSONValue;
      kind?: FunctionKind;
    };
    if (action === "reset") {
      await admin.reset();
      return sendJson(res, 200, { status: "success" });
    }
    if (action === "run") {
      try {
        const args = jsonToConvex(body.args ?? {}) as Record<string, Value>;
        const value = await engine.runAny(String(body.path ?? ""), args, body.kind === "action" || body.kind === "mutation" || body.kind === "query" ? body.kind : undefined);
        return sendJson(res, 200, { status: "success", value: convexToJson(value) });
      } catch (error) {
        const notFound = error instanceof FunctionFailure && error.code === "FunctionNotFound";
        return sendJson(res, notFound ? 404 : UDF_FAILED, {
          status: "error",
          ...(notFound ? { code: "FunctionNotFound" } : {}),
          ...describeError(error),
        });
      }
    }
    throw new HttpError(404, { code: "NotFound", message: `No admin endpoint ${action}` });
  }

  const request = withErrors(log, async (req, res) => {
    const { pathname, searchParams } = new URL(req.url ?? "/", "http://localhost");
    const storageMatch = /^\/api\/storage\/(.+)$/.exec(pathname);
    if (req.method === "OPTIONS" && storageMatch) {
      res.writeHead(204, { ...CORS, "access-control-allow-methods": "GET, POST, OPTIONS" });
      return void res.end();
    }
    if (storageMatch) return storageRequest(req, res, storageMatch[1], searchParams);
    const apiMatch = /^\/api\/(query|query_at_ts|query_ts|mutation|action|function)$/.exec(pathname);
    if (req.method === "OPTIONS" && pathname.startsWith("/api/")) {
      res.writeHead(204, CORS);
      return void res.end();
    }
    if (apiMatch && req.method === "POST")
      return api(req, res, apiMatch[1] === "query_at_ts" ? "query" : apiMatch[1]);
    const adminMatch = /^\/_emulator\/(\w+)$/.exec(pathname);
    if (adminMatch) return adminRequest(req, res, adminMatch[1]);
    if (pathname === "/" || pathname === "/instance_name" || pathname === "/version") {
      res.writeHead(200, { "content-type": "text/plain" });
      return void res.end(pathname === "/" ? "This Convex deployment is the local emulator.\n" : "emulator");
    }
    throw new HttpError(404, { code: "NotFound", message: `${req.method} ${pathname}` });
  });

  const wss = new WebSocketServer({ noServer: true });
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (!/^\/api\/[^/]+\/sync$/.test(pathname)) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => sync.accept(ws));
  };
  return { request, upgrade, close: () => wss.close() };
}

/** Methods Convex routes to HTTP actions (HEAD is served as GET). */
const ROUTED_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]);

/** The site URL's handler: requests reach the app's httpRouter as if they arrived at `engine.siteUrl`. */
export function siteHandler(options: {
  engine: Engine;
  verifier: TokenVerifier;
  log?: (line: string) => void;
}): RequestHandler {
  const { engine, verifier, log = console.log } = options;
  return withErrors(log, async (req, res) => {
    const method = req.method ?? "GET";
    // A dot segment in the raw path (`..`, `%2e%2e`) would be resolved by URL parsing into another
    // route. Convex resolves it before the app sees the path; the emulator refuses it (stricter).
    const rawPath = (req.url ?? "/").split("?")[0];
    if (rawPath.split("/").some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) {
      return sendJson(res, 404, { error: { code: "NOT_FOUND", message: "Paths may not contain dot segments." } });
    }
    // Methods an HTTP action can never be routed (TRACE, CONNECT, PROPFIND, …): 405 with the
    // methods the path serves, which the app's router tells through OPTIONS.
    if (!ROUTED_METHODS.has(method)) {
      const probe = await engine.fetch(new Request(new URL(rawPath, engine.siteUrl + "/"), { method: "OPTIONS" }), null);
      const allow = probe.headers.get("allow");
      if (probe.status === 204 && allow) {
        return sendJson(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: `${rawPath} allows ${allow}.`, details: { allowed: allow.split(/,\s*/) } } }, { allow });
      }
      return sendJson(res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: `${method} is not supported.` } }, { allow: [...ROUTED_METHODS].join(", ") });
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (
        value === undefined ||
        name === "connection" ||
        name === "transfer-encoding" ||
        name === "keep-alive"
      )
        continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    const body = method === "GET" || method === "HEAD" ? undefined : new Uint8Array(await readBody(req));
    const request = new Request(new URL(req.url ?? "/", engine.siteUrl + "/"), { method, headers, body });
    // Like a deployment, a valid Convex token becomes ctx.auth's identity; anything else in the
    // Authorization header (e.g. an API key) is left for the handler.
    const token = bearer(req);
    const identity = token
      ? await verifier.verify(token).then(
          (v) => v.identity,
          () => null,
        )
      : null;
    const response = await engine.fetch(request, identity);
    const out: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      if (name !== "set-cookie") out[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) out["set-cookie"] = cookies;
    const payload = Buffer.from(await response.arrayBuffer());
    delete out["content-length"];
    res.writeHead(response.status, out);
    res.end(method === "HEAD" ? undefined : payload);
  });
}
