/**
 * The Convex client sync protocol (what `ConvexReactClient` and `ConvexClient` speak over
 * WebSocket at /api/<version>/sync). Message shapes: node_modules/convex/src/browser/sync/protocol.ts.
 *
 * Per connection the server keeps the versions the client holds (query set, identity, timestamp)
 * and sends Transitions between them. A commit that writes inside a subscription's read set (the
 * documents and index ranges its last run read) invalidates it; each pass re-runs the invalidated
 * queries on one snapshot and sends only changed results, in a Transition at that snapshot's
 * timestamp — every result in it is valid there, while commits go on concurrently. A mutation's
 * response carries its commit timestamp and is always followed by a Transition at or past it.
 */
import { jsonToConvex, type JSONValue, type Value } from "convex/values";
import { WebSocket } from "ws";
import { AuthFailure, type TokenVerifier } from "./auth";
import { describeError, FunctionFailure, resultJson, type Engine, type FunctionError, type Identity, type QueryRun } from "./engine";
import type { ReadSet } from "./query";

type StateVersion = { querySet: number; identity: number; ts: bigint };

type ClientMessage =
  | { type: "Connect"; sessionId: string; connectionCount: number; clientTs?: number }
  | {
      type: "ModifyQuerySet";
      baseVersion: number;
      newVersion: number;
      modifications: Array<
        | {
            type: "Add";
            queryId: number;
            udfPath: string;
            args: JSONValue[];
            journal?: string | null;
            componentPath?: string;
          }
        | { type: "Remove"; queryId: number }
      >;
    }
  | { type: "Authenticate"; tokenType: "User" | "Admin" | "None"; value?: string; baseVersion: number }
  | FunctionRequest<"Mutation">
  | FunctionRequest<"Action">
  | { type: "Event" };
type FunctionRequest<T> = {
  type: T;
  requestId: number;
  udfPath: string;
  args: JSONValue[];
  componentPath?: string;
};

type MutationResponse =
  | {
      type: "MutationResponse";
      requestId: number;
      success: true;
      result: JSONValue;
      ts: string;
      logLines: string[];
    }
  | {
      type: "MutationResponse";
      requestId: number;
      success: false;
      result: string;
      logLines: string[];
      errorData?: JSONValue;
      /** Not sent: the connection is closed instead (see `mutation`). */
      occFailure?: true;
    };

type Outcome = { ok: true; value: JSONValue } | ({ ok: false } & FunctionError);

class Subscription {
  removed = false;
  /** What the latest run read, the snapshot it ran at, and the first commit since that changed it. */
  reads: ReadSet | null = null;
  computedAt: bigint | null = null;
  invalidatedAt: bigint | null = null;
  /** Bumped when the identity changes: a run started before that must not count as current. */
  epoch = 0;
  outcome: { outcome: Outcome; journal: string | null; signature: string } | null = null;
  sentSignature: string | null = null;
  constructor(
    readonly queryId: number,
    readonly udfPath: string,
    readonly args: JSONValue,
    public journalEndCursor: string | null,
  ) {}
}

class Session {
  sessionId = "";
  clockSkew: number | undefined;
  querySet = 0;
  identityVersion = 0;
  sent: StateVersion = { querySet: 0, identity: 0, ts: 0n };
  readonly queries = new Map<number, Subscription>();
  removed: number[] = [];
  identity: Identity | null = null;
  expiresAt: number | null = null;
  expiryTimer: NodeJS.Timeout | undefined;
  expiredNotified = false;
  /**
   * The latest commit timestamp of a MutationResponse sent: the client holds the mutation's promise
   * until a Transition reaches it. A round of queries that began before the commit ends at an
   * earlier timestamp, so this stays owed until a Transition at or past it is sent.
   */
  transitionOwed: bigint | null = null;
  queue: Promise<void> = Promise.resolve();
  constructor(readonly ws: WebSocket) {}
  get open() {
    return this.ws.readyState === WebSocket.OPEN;
  }
}

/** u64 timestamps travel as base64 of their 8 little-endian bytes. */
export function encodeTs(ts: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(ts);
  return bytes.toString("base64");
}

export function decodeTs(encoded: string): bigint {
  return Buffer.from(encoded, "base64").readBigUInt64LE();
}

const encodeVersion = (v: StateVersion) => ({
  querySet: v.querySet,
  identity: v.identity,
  ts: encodeTs(v.ts),
});

function encodeJournal(endCursor: string | undefined): string | null {
  return endCursor === undefined ? null : JSON.stringify({ endCursor });
}

function decodeJournal(journal: string | null | undefined): string | null {
  if (!journal) return null;
  try {
    const parsed = JSON.parse(journal) as { endCursor?: unknown };
    return typeof parsed.endCursor === "string" ? parsed.endCursor : null;
  } catch {
    return null;
  }
}

const MAX_TIMER_MS = 2 ** 31 - 1;
/** EMULATOR_TRACE=1 logs every protocol message. */
const TRACE = process.env.EMULATOR_TRACE === "1";
const PING_MS = 15_000;
const RESULTS_PER_SESSION = 1000;
const MAX_SESSIONS_REMEMBERED = 10_000;

export class SyncServer {
  private readonly sessions = new Set<Session>();
  private readonly dirty = new Set<Session>();
  /** Mutation results by client session and request id, so a resent mutation is not re-applied. */
  private readonly mutationResults = new Map<string, Map<number, Promise<MutationResponse>>>();
  private passScheduled = false;
  private passRunning = false;
  /** When the running pass started its current round, and how many rounds passes have made (diagnostics). */
  private roundStartedAt: number | null = null;
  private rounds = 0;

  constructor(
    private readonly engine: Engine,
    private readonly verifier: TokenVerifier,
    private readonly log: (line: string) => void = console.log,
  ) {
    engine.onCommit((commit) => {
      // A restore or reset wrote "everything": every subscription runs again.
      const everything = commit.writes.length === 0 && commit.by === "_system:reset";
      for (const session of this.sessions) {
        for (const query of session.queries.values()) {
          if (query.invalidatedAt !== null || query.computedAt === null) continue;
          const hit =
            everything ||
            commit.writes.some((w) => query.reads?.collision(w.table, w.id, [w.old, w.doc]) ?? true);
          if (hit) {
            query.invalidatedAt = commit.ts;
            this.dirty.add(session);
          }
        }
      }
      if (this.dirty.size > 0) this.schedule();
    });
  }

  readonly pingIntervalMs = PING_MS;

  get connectionCount() {
    return this.sessions.size;
  }

  /** What the sync is doing (the admin status): a round that has run for long means a query that does not end. */
  state() {
    const now = Date.now();
    return {
      rounds: this.rounds,
      roundRunningMs: this.roundStartedAt === null ? null : now - this.roundStartedAt,
      dirtySessions: this.dirty.size,
      subscriptions: [...this.sessions].reduce((n, s) => n + s.queries.size, 0),
      staleSubscriptions: [...this.sessions].reduce((n, s) => n + [...s.queries.values()].filter((q) => q.invalidatedAt !== null).length, 0),
    };
  }

  /** Ping every client (also done every `pingIntervalMs`, so clients know the server is alive). */
  sendPings() {
    for (const session of this.sessions) this.send(session, { type: "Ping" });
  }

  /** Serve one WebSocket connection. */
  accept(ws: WebSocket) {
    const session = new Session(ws);
    this.sessions.add(session);
    const ping = setInterval(() => this.send(session, { type: "Ping" }), PING_MS);
    ws.on("message", (data) => {
      let message: ClientMessage;
      try {
        message = JSON.parse(String(data)) as ClientMessage;
      } catch {
        this.fatal(session, "Could not parse the message as JSON");
        return;
      }
      if (TRACE) this.log(`sync ← ${session.sessionId.slice(0, 8)} ${String(data).slice(0, 300)}`);
      // Messages are handled in order: an Authenticate applies to the mutations after it.
      session.queue = session.queue
        .then(() => this.handle(session, message))
        .catch((error: unknown) => this.fatal(session, `Internal emulator error: ${String(error)}`));
    });
    ws.on("close", () => {
      clearInterval(ping);
      clearTimeout(session.expiryTimer);
      this.sessions.delete(session);
      this.dirty.delete(session);
    });
  }

  private send(session: Session, message: object) {
    if (!session.open) return;
    const text = JSON.stringify(message);
    if (TRACE) this.log(`sync → ${session.sessionId.slice(0, 8)} ${text.slice(0, 300)}`);
    session.ws.send(text);
  }

  private fatal(session: Session, error: string) {
    this.log(`sync: fatal error for a client: ${error}`);
    this.send(session, { type: "FatalError", error });
    session.ws.close(1011, error.slice(0, 100));
  }

  private async handle(session: Session, message: ClientMessage) {
    switch (message.type) {
      case "Connect":
        session.sessionId = message.sessionId;
        if (typeof message.clientTs === "number") session.clockSkew = message.clientTs - Date.now();
        return;
      case "ModifyQuerySet":
        return this.modifyQuerySet(session, message);
      case "Authenticate":
        return this.authenticate(session, message);
      case "Mutation":
        return this.mutation(session, message);
      case "Action":
        // Actions run concurrently; only their start is ordered.
        void this.action(session, message);
        return;
      case "Event":
        return;
      default:
        this.fatal(session, `Unknown message type ${(message as { type: string }).type}`);
    }
  }

  private modifyQuerySet(session: Session, message: Extract<ClientMessage, { type: "ModifyQuerySet" }>) {
    if (message.baseVersion !== session.querySet) {
      this.fatal(
        session,
        `Invalid query set base version ${message.baseVersion}, expected ${session.querySet}`,
      );
      return;
    }
    for (const modification of message.modifications) {
      if (modification.type === "Add") {
        if (modification.componentPath) {
          this.fatal(session, "Components are not emulated");
          return;
        }
        const query = new Subscription(
          modification.queryId,
          modification.udfPath,
          modification.args[0] ?? {},
          decodeJournal(modification.journal),
        );
        session.queries.set(modification.queryId, query);
      } else {
        const query = session.queries.get(modification.queryId);
        if (query) query.removed = true;
        session.queries.delete(modification.queryId);
        session.removed.push(modification.queryId);
      }
    }
    session.querySet = message.newVersion;
    this.dirty.add(session);
    this.schedule();
  }

  private async authenticate(session: Session, message: Extract<ClientMessage, { type: "Authenticate" }>) {
    if (message.baseVersion !== session.identityVersion) {
      this.fatal(
        session,
        `Invalid identity base version ${message.baseVersion}, expected ${session.identityVersion}`,
      );
      return;
    }
    let identity: Identity | null = null;
    let expiresAt: number | null = null;
    if (message.tokenType === "Admin") {
      this.authError(session, "Admin keys are not used by the emulator.", message.baseVersion, true);
      return;
    }
    if (message.tokenType === "User") {
      try {
        ({ identity, expiresAt } = await this.verifier.verify(message.value ?? ""));
      } catch (error) {
        const reason = error instanceof AuthFailure ? error.message : String(error);
        this.authError(session, reason, message.baseVersion, true);
        return;
      }
    }
    session.identity = identity;
    session.expiresAt = expiresAt;
    session.expiredNotified = false;
    session.identityVersion = message.baseVersion + 1;
    clearTimeout(session.expiryTimer);
    if (expiresAt !== null) {
      session.expiryTimer = setTimeout(
        () => {
          this.dirty.add(session);
          this.schedule();
        },
        Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - Date.now() + 5)),
      );
    }
    for (const query of session.queries.values()) {
      query.invalidatedAt = query.computedAt ?? this.engine.lastCommitTs;
      query.epoch += 1;
    }
    this.dirty.add(session);
    this.schedule();
  }

  private authError(session: Session, error: string, baseVersion: number, authUpdateAttempted: boolean) {
    this.send(session, { type: "AuthError", error, baseVersion, authUpdateAttempted });
  }

  private expired(session: Session): boolean {
    if (session.expiresAt === null || Date.now() < session.expiresAt) return false;
    if (!session.expiredNotified) {
      session.expiredNotified = true;
      // Reported against the identity the client holds, so it fetches a fresh token.
      this.authError(session, "Token expired", session.identityVersion - 1, false);
    }
    return true;
  }

  private resultsOf(sessionId: string) {
    let results = this.mutationResults.get(sessionId);
    if (!results) {
      if (this.mutationResults.size >= MAX_SESSIONS_REMEMBERED) {
        const live = new Set([...this.sessions].map((s) => s.sessionId));
        for (const id of this.mutationResults.keys()) if (!live.has(id)) this.mutationResults.delete(id);
      }
      results = new Map();
      this.mutationResults.set(sessionId, results);
    }
    return results;
  }

  private async mutation(session: Session, message: Extract<ClientMessage, { type: "Mutation" }>) {
    if (this.expired(session)) return; // The client re-sends it after refreshing its token.
    const results = this.resultsOf(session.sessionId);
    let response = results.get(message.requestId);
    if (!response) {
      response = this.runMutation(session.identity, message);
      results.set(message.requestId, response);
      if (results.size > RESULTS_PER_SESSION) results.delete(results.keys().next().value!);
    }
    const result = await response;
    if (!result.success && result.occFailure) {
      // Convex ends the connection ("try again") when a mutation's retries run out; the client
      // reconnects and sends the mutation again, which then runs again.
      results.delete(message.requestId);
      this.log(`mutation ${message.udfPath}: ${result.result}`);
      session.ws.close(1013, "OptimisticConcurrencyControlFailure");
      return;
    }
    this.send(session, result);
    if (result.success) {
      const ts = decodeTs(result.ts);
      if (session.transitionOwed === null || ts > session.transitionOwed) session.transitionOwed = ts;
      this.dirty.add(session);
      this.schedule();
    }
  }

  private async runMutation(
    identity: Identity | null,
    message: Extract<ClientMessage, { type: "Mutation" }>,
  ): Promise<MutationResponse> {
    const base = { type: "MutationResponse" as const, requestId: message.requestId, logLines: [] };
    try {
      if (message.componentPath) throw new Error("Components are not emulated");
      const { value, ts } = await this.engine.mutation(message.udfPath, message.args[0] ?? {}, identity);
      return { ...base, success: true, result: resultJson(value), ts: encodeTs(ts) };
    } catch (error) {
      const failure = this.report("mutation", message.udfPath, error);
      const occFailure = error instanceof FunctionFailure && error.code === "OccFailure";
      return { ...base, success: false, result: failure.errorMessage, errorData: failure.errorData, ...(occFailure ? { occFailure } : {}) };
    }
  }

  private async action(session: Session, message: Extract<ClientMessage, { type: "Action" }>) {
    if (this.expired(session)) return;
    const base = { type: "ActionResponse", requestId: message.requestId, logLines: [] };
    try {
      if (message.componentPath) throw new Error("Components are not emulated");
      const value = await this.engine.action(message.udfPath, message.args[0] ?? {}, session.identity);
      this.send(session, { ...base, success: true, result: resultJson(value) });
    } catch (error) {
      const failure = this.report("action", message.udfPath, error);
      this.send(session, {
        ...base,
        success: false,
        result: failure.errorMessage,
        errorData: failure.errorData,
      });
    }
  }

  /** Describe a failure for the client; log the ones that are not deliberate ConvexErrors. */
  private report(kind: string, udfPath: string, error: unknown): FunctionError {
    const failure = describeError(error);
    if (failure.errorData === undefined) {
      this.log(
        `${kind} ${udfPath} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    return failure;
  }

  private schedule() {
    if (this.passScheduled) return;
    this.passScheduled = true;
    setImmediate(() => {
      this.passScheduled = false;
      void this.pass();
    });
  }

  /** Whether a query must run (again) to have a result valid at `ts`. */
  private needsRun(query: Subscription, ts: bigint): boolean {
    return query.computedAt === null || (query.invalidatedAt !== null && query.invalidatedAt <= ts);
  }

  /**
   * Bring every dirty session up to date: run its invalidated queries on the latest snapshot,
   * then send each session whose results are all valid at that snapshot a Transition to it.
   * Commits landing meanwhile invalidate queries for the next pass; nothing waits for them.
   */
  private async pass() {
    if (this.passRunning) return;
    this.passRunning = true;
    try {
      while (this.dirty.size > 0) {
        const ts = this.engine.lastCommitTs;
        this.rounds++;
        this.roundStartedAt = Date.now();
        const memo = new Map<string, Promise<QueryRun | FunctionError>>();
        const runs: Promise<void>[] = [];
        for (const session of this.dirty) {
          if (!session.open || this.expired(session)) continue;
          for (const query of session.queries.values())
            if (this.needsRun(query, ts)) runs.push(this.run(session, query, ts, memo));
        }
        await Promise.all(runs);
        this.roundStartedAt = null;
        for (const shared of memo.values()) void shared.then((run) => ("release" in run ? run.release() : undefined));
        let again = false;
        for (const session of [...this.dirty]) {
          if (!session.open || this.expired(session)) {
            this.dirty.delete(session);
            continue;
          }
          const queries = [...session.queries.values()];
          if (queries.some((q) => this.needsRun(q, ts))) {
            again = true;
            continue;
          }
          this.transition(session, ts);
          if (queries.some((q) => q.invalidatedAt !== null) || session.transitionOwed !== null) again = true;
          else this.dirty.delete(session);
        }
        // Invalidated again meanwhile: let transactions run before the next pass.
        if (again) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.passRunning = false;
    }
  }

  /** Run one subscription at `ts` (shared by identical subscriptions in this pass). */
  private run(
    session: Session,
    query: Subscription,
    ts: bigint,
    memo: Map<string, Promise<QueryRun | FunctionError>>,
  ): Promise<void> {
    const key = JSON.stringify([session.identity, query.udfPath, query.args, query.journalEndCursor]);
    let shared = memo.get(key);
    if (!shared) {
      shared = this.runQuery(query, session.identity, ts);
      memo.set(key, shared);
    }
    const epoch = query.epoch;
    return shared.then((run) => {
      // Removed meanwhile, or run for an identity the session no longer has: runs again.
      if (query.removed || query.epoch !== epoch) return;
      if ("errorMessage" in run) {
        query.reads = null;
        query.computedAt = ts;
        query.invalidatedAt = null;
        query.outcome = { outcome: { ok: false, ...run }, journal: null, signature: JSON.stringify([run, null]) };
        return;
      }
      query.reads = run.reads;
      query.computedAt = run.ts;
      // Its snapshot is still pinned: commits since it ran are all checked here, none slips by.
      query.invalidatedAt = this.engine.invalidatedSince(run.reads, run.ts);
      if (run.pageEnd !== undefined) query.journalEndCursor = run.pageEnd;
      const journal = encodeJournal(run.pageEnd);
      const outcome: Outcome = { ok: true, value: resultJson(run.value) };
      query.outcome = { outcome, journal, signature: JSON.stringify([outcome, journal]) };
    });
  }

  private async runQuery(query: Subscription, identity: Identity | null, ts: bigint): Promise<QueryRun | FunctionError> {
    try {
      const resolved = this.engine.resolve(query.udfPath);
      if (!resolved || !resolved.isPublic || resolved.kind !== "query") {
        throw new FunctionFailure({
          errorMessage: `Could not find public function for '${query.udfPath.replace(/\.js:/, ":")}'. Did you forget to run \`npx convex dev\` or \`npx convex deploy\`?`,
        });
      }
      const args = jsonToConvex(query.args ?? {}) as Record<string, Value>;
      return await this.engine.runQuery(resolved, args, identity, { ts, journalEndCursor: query.journalEndCursor, hold: true });
    } catch (error) {
      return this.report("query", query.udfPath, error);
    }
  }

  private transition(session: Session, ts: bigint) {
    const modifications: object[] = session.removed.map((queryId) => ({ type: "QueryRemoved", queryId }));
    session.removed = [];
    for (const query of session.queries.values()) {
      const current = query.outcome;
      if (!current || current.signature === query.sentSignature) continue;
      query.sentSignature = current.signature;
      const { outcome, journal } = current;
      modifications.push(
        outcome.ok
          ? { type: "QueryUpdated", queryId: query.queryId, value: outcome.value, logLines: [], journal }
          : {
              type: "QueryFailed",
              queryId: query.queryId,
              errorMessage: outcome.errorMessage,
              // Present only for ConvexErrors: the client turns it into `error.data`.
              ...(outcome.errorData === undefined ? {} : { errorData: outcome.errorData }),
              logLines: [],
              journal,
            },
      );
    }
    const end: StateVersion = {
      querySet: session.querySet,
      identity: session.identityVersion,
      ts: ts > session.sent.ts ? ts : session.sent.ts,
    };
    const versionChanged = end.querySet !== session.sent.querySet || end.identity !== session.sent.identity;
    const owedNow = session.transitionOwed !== null && session.transitionOwed <= end.ts;
    if (modifications.length === 0 && !versionChanged && !owedNow) return;
    this.send(session, {
      type: "Transition",
      startVersion: encodeVersion(session.sent),
      endVersion: encodeVersion(end),
      modifications,
      clientClockSkew: session.clockSkew,
      serverTs: Date.now() * 1_000_000,
    });
    session.sent = end;
    if (owedNow) session.transitionOwed = null;
  }
}
