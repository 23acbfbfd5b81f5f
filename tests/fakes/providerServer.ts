/**
 * A local fake of the Twilio Messages API (and the account look-ups the app makes when a
 * Twilio sender is added: IncomingPhoneNumbers, Messaging Services, WhatsApp senders) and
 * Resend's email API, so the real SDK code
 * (convex/channels/twilio.ts, resend.ts) can be tested and benchmarked offline. Point the
 * app at it with TWILIO_API_BASE_URL / RESEND_API_BASE_URL. Each request is answered by
 * the next scripted fault, or accepted — after a latency, if one is set. Like Twilio, it can
 * report each accepted message's progress to its StatusCallback URL ("sent", then "delivered"),
 * signed with the account's auth token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import twilio from "twilio";
import { SIMULATOR_CONTENT, type ContentAndApprovals } from "../../convex/channels/contentTemplates";

export type Fault =
  | { kind: "ok" }
  | { kind: "status"; status: number; twilioCode?: number; resendName?: string; retryAfterSeconds?: number }
  /** Accept the request, then never answer (the caller times out). */
  | { kind: "hang" }
  /** Accept the request, then cut the connection (the sender dies or the network fails after acceptance). */
  | { kind: "drop" };

export type Received = {
  provider: "twilio" | "resend";
  at: number;
  path: string;
  auth: string | undefined;
  idempotencyKey: string | undefined;
  body: Record<string, string | string[] | unknown>;
  accepted: boolean;
  id?: string;
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** A provider's answer time: log-normal around `medianMs`, never above `maxMs` (p99 ≈ max for the defaults). */
export function latencyOf(random: () => number, medianMs = 250, maxMs = 2_000, sigma = 0.9): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.min(maxMs, medianMs * Math.exp(sigma * z));
}

/** A small deterministic PRNG, so runs are comparable. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export type Callback = { sid: string; status: string; at: number; httpStatus: number | null };

export class FakeProviderServer {
  readonly received: Received[] = [];
  private faults: Fault[] = [];
  /** Decide a fault per request (overrides the script), e.g. for random fault soaks. */
  decide: ((r: Received) => Fault) | null = null;
  /** Enforce a provider rate limit per sending address: a token bucket of `perSecond` with `burst`; excess gets 429/20429. */
  rateLimit: { perSecond: number; burst: number } | null = null;
  private buckets = new Map<string, { tokens: number; at: number }>();
  /** How long each request takes to answer (ms); none: at once. */
  latency: ((r: Received) => number) | null = null;
  /**
   * Report accepted Twilio messages to their StatusCallback like Twilio: "sent" after `sentMs`,
   * then "delivered" after `deliveredMs` more, signed with the auth token of the request's account.
   */
  statusCallbacks: { sentMs: () => number; deliveredMs: () => number } | null = null;
  /** Every status callback posted, with the app's HTTP answer (null: no answer). */
  readonly callbacks: Callback[] = [];
  private readonly pendingCallbacks = new Set<Promise<void>>();
  /** Requests refused by the rate limit. */
  rateLimited = 0;
  private server: Server | null = null;
  private seq = 0;
  private readonly hanging = new Set<ServerResponse>();
  /**
   * What the fake Twilio account owns, for the sender-ownership look-ups. `accountSid` is the
   * account whose credentials the app uses; other accounts' services answer with their own SID.
   */
  readonly twilioAccount = {
    accountSid: "AC" + "1".repeat(32),
    numbers: new Set<string>(),
    whatsappSenders: new Set<string>(),
    /** Messaging Service SID → the account it belongs to. */
    services: new Map<string, string>(),
  };
  /**
   * Resend's Receiving API: emails by id, in the shape of `GET /emails/receiving/{id}` (Resend's
   * docs); `receivingFailures` answers that many requests with 503 first.
   */
  readonly receivedEmails = new Map<string, Record<string, unknown>>();
  receivingFailures = 0;
  /**
   * Twilio's Content API: the account's templates with their WhatsApp approval, as
   * `GET /v1/ContentAndApprovals` lists them; a message's ContentSid must be one of them.
   */
  readonly content: ContentAndApprovals[] = structuredClone(SIMULATOR_CONTENT);
  /** Account look-ups made (method and path with query). */
  readonly lookups: string[] = [];
  /** Resend idempotency: a repeated key returns the first email id and sends nothing new. */
  private readonly idempotent = new Map<string, string>();

  script(...faults: Fault[]): this {
    this.faults.push(...faults);
    return this;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error("server not started");
    return `http://127.0.0.1:${address.port}`;
  }

  /** Requests the provider accepted (what a customer would have received). */
  accepted(provider?: "twilio" | "resend"): Received[] {
    return this.received.filter((r) => r.accepted && (!provider || r.provider === provider));
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    return this;
  }

  /** Resolve when every status callback scheduled so far has been posted. */
  async callbacksDone(): Promise<void> {
    while (this.pendingCallbacks.size) await Promise.all(this.pendingCallbacks);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const text = await readBody(req);
    const path = req.url ?? "/";
    if (req.method === "GET" && this.accountLookup(path, req.headers.authorization, res)) return;
    if (req.method === "GET" && this.receiving(path, res)) return;
    if (req.method === "GET" && this.contentList(path, req.headers.authorization, res)) return;
    const twilio = /\/Accounts\/[^/]+\/Messages\.json$/.test(path);
    const resend = path === "/emails";
    if (!twilio && !resend) {
      res.writeHead(404).end();
      return;
    }
    const received: Received = {
      provider: twilio ? "twilio" : "resend",
      at: Date.now(),
      path,
      auth: req.headers.authorization,
      idempotencyKey: req.headers["idempotency-key"] as string | undefined,
      body: twilio ? parseForm(text) : (JSON.parse(text || "{}") as Record<string, unknown>),
      accepted: false,
    };
    this.received.push(received);
    const delay = this.latency?.(received) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const limited: Fault = { kind: "status", status: 429, twilioCode: 20429, resendName: "rate_limit_exceeded" };
    const from = String(received.body.From ?? received.body.MessagingServiceSid ?? received.body.from ?? "");
    const fault: Fault = this.overLimit(from, received.at) ? limited : (this.decide?.(received) ?? this.faults.shift() ?? { kind: "ok" });
    if (fault.kind === "status" && fault.status === 429) this.rateLimited++;

    if (fault.kind === "hang" || fault.kind === "drop") {
      // It got there and was processed; only the answer is lost (the caller times out, or sees the connection cut).
      // Like Resend, a repeat with the same idempotency key is the same email.
      const replay = resend && received.idempotencyKey ? this.idempotent.get(received.idempotencyKey) : undefined;
      received.accepted = replay === undefined;
      received.id = replay ?? this.newId(received.provider);
      if (resend && received.idempotencyKey && replay === undefined) this.idempotent.set(received.idempotencyKey, received.id);
      if (fault.kind === "drop") res.socket?.destroy();
      else this.hanging.add(res);
      return;
    }
    if (fault.kind === "status") {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (fault.retryAfterSeconds) headers["retry-after"] = String(fault.retryAfterSeconds);
      const body = twilio
        ? { status: fault.status, code: fault.twilioCode ?? fault.status, message: `fake error ${fault.twilioCode ?? fault.status}` }
        : { statusCode: fault.status, name: fault.resendName ?? "application_error", message: `fake error ${fault.status}` };
      res.writeHead(fault.status, headers).end(JSON.stringify(body));
      return;
    }
    const contentSid = twilio ? received.body.ContentSid : undefined;
    if (typeof contentSid === "string" && !this.content.some((c) => c.sid === contentSid)) {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ status: 400, code: 21655, message: "The ContentSid is Invalid" }));
      return;
    }
    if (resend && received.idempotencyKey && this.idempotent.has(received.idempotencyKey)) {
      received.id = this.idempotent.get(received.idempotencyKey);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: received.id }));
      return;
    }
    received.accepted = true;
    received.id = this.newId(received.provider);
    if (resend && received.idempotencyKey) this.idempotent.set(received.idempotencyKey, received.id);
    const payload = twilio
      ? { sid: received.id, status: "queued", to: received.body.To, from: received.body.From ?? null }
      : { id: received.id };
    res.writeHead(twilio ? 201 : 200, { "content-type": "application/json" }).end(JSON.stringify(payload));
    const callbackUrl = received.body.StatusCallback;
    if (twilio && this.statusCallbacks && typeof callbackUrl === "string") this.reportProgress(received, callbackUrl);
  }

  /** Resend's `GET /emails/receiving/{id}`; true when answered. */
  private receiving(path: string, res: ServerResponse): boolean {
    const url = new URL(path, "http://fake");
    const match = /^\/emails\/receiving\/([^/]+)$/.exec(url.pathname);
    if (!match) return false;
    this.lookups.push(`GET ${path}`);
    const json = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (this.receivingFailures > 0) {
      this.receivingFailures--;
      return (json(503, { statusCode: 503, name: "application_error", message: "fake outage" }), true);
    }
    const email = this.receivedEmails.get(decodeURIComponent(match[1]));
    if (!email) return (json(404, { statusCode: 404, name: "not_found", message: "Email not found" }), true);
    json(200, { object: "email", html_format: url.searchParams.get("html_format") ?? "data_uri", ...email });
    return true;
  }

  /** Twilio's `GET content.twilio.com/v1/ContentAndApprovals` (one page); true when answered. */
  private contentList(path: string, authorization: string | undefined, res: ServerResponse): boolean {
    const url = new URL(path, "http://fake");
    if (url.pathname !== "/v1/ContentAndApprovals") return false;
    this.lookups.push(`GET ${path}`);
    const json = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const user = Buffer.from((authorization ?? "").replace(/^Basic /, ""), "base64").toString().split(":")[0];
    if (user !== this.twilioAccount.accountSid) return (json(401, { code: 20003, message: "Authenticate", status: 401 }), true);
    const pageSize = Number(url.searchParams.get("PageSize") ?? 50);
    json(200, {
      contents: this.content.map((c) => ({ account_sid: user, date_created: "2026-01-01T00:00:00Z", date_updated: "2026-01-01T00:00:00Z", ...c })),
      meta: { page: 0, page_size: pageSize, first_page_url: null, previous_page_url: null, next_page_url: null, key: "contents", url: path },
    });
    return true;
  }

  /** Twilio's account resources the ownership check reads; true when answered. */
  private accountLookup(path: string, authorization: string | undefined, res: ServerResponse): boolean {
    const url = new URL(path, "http://fake");
    const json = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const notFound = () => json(404, { code: 20404, message: "The requested resource was not found", status: 404 });
    const account = this.twilioAccount;
    const numbers = /^\/2010-04-01\/Accounts\/([^/]+)\/IncomingPhoneNumbers\.json$/.exec(url.pathname);
    const service = /^\/v1\/Services\/([^/]+)$/.exec(url.pathname);
    if (!numbers && !service && url.pathname !== "/v2/Channels/Senders") return false;
    this.lookups.push(`GET ${path}`);
    const user = Buffer.from((authorization ?? "").replace(/^Basic /, ""), "base64").toString().split(":")[0];
    if (user !== account.accountSid) return (json(401, { code: 20003, message: "Authenticate", status: 401 }), true);
    const meta = (key: string) => ({ page: 0, page_size: 50, first_page_url: null, previous_page_url: null, next_page_url: null, key, url: path });
    if (numbers) {
      if (numbers[1] !== account.accountSid) return (notFound(), true);
      const wanted = url.searchParams.get("PhoneNumber");
      const list = [...account.numbers].filter((n) => wanted === null || n === wanted);
      json(200, {
        incoming_phone_numbers: list.map((n, i) => ({ sid: `PN${String(i).padStart(32, "0")}`, account_sid: account.accountSid, phone_number: n })),
        ...meta("incoming_phone_numbers"),
      });
    } else if (service) {
      const owner = account.services.get(service[1]);
      if (owner === undefined) return (notFound(), true);
      json(200, { sid: service[1], account_sid: owner, friendly_name: "Service" });
    } else {
      json(200, { senders: [...account.whatsappSenders].map((n, i) => ({ sid: `XE${i}`, sender_id: `whatsapp:${n}` })), meta: meta("senders") });
    }
    return true;
  }

  /** Twilio's "sent" then "delivered" callbacks for an accepted message, signed like Twilio signs them. */
  private reportProgress(received: Received, url: string) {
    const [accountSid, authToken] = Buffer.from((received.auth ?? "").replace(/^Basic /, ""), "base64").toString().split(":");
    const { sentMs, deliveredMs } = this.statusCallbacks!;
    const post = async (status: string) => {
      const params = { AccountSid: accountSid, MessageSid: received.id!, MessageStatus: status, To: String(received.body.To ?? ""), From: String(received.body.From ?? "") };
      const callback: Callback = { sid: received.id!, status, at: Date.now(), httpStatus: null };
      this.callbacks.push(callback);
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature": twilio.getExpectedTwilioSignature(authToken, url, params),
        },
        body: new URLSearchParams(params).toString(),
      }).catch(() => null);
      callback.httpStatus = res?.status ?? null;
      await res?.arrayBuffer().catch(() => undefined);
    };
    const run = (async () => {
      await new Promise((r) => setTimeout(r, sentMs()));
      await post("sent");
      await new Promise((r) => setTimeout(r, deliveredMs()));
      await post("delivered");
    })();
    this.pendingCallbacks.add(run);
    void run.finally(() => this.pendingCallbacks.delete(run));
  }

  /** Per sending address, as providers limit each number (Twilio) or key. */
  private overLimit(from: string, now: number): boolean {
    if (!this.rateLimit) return false;
    const { perSecond, burst } = this.rateLimit;
    const bucket = this.buckets.get(from) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.set(from, bucket);
    if (bucket.tokens < 1) return true;
    bucket.tokens -= 1;
    return false;
  }

  /** Our message id: Twilio's status-callback URL carries it (`?m=`), Resend's idempotency key too. */
  static messageIdOf(r: Received): string | null {
    if (r.provider === "resend") return r.idempotencyKey?.replace(/^message-/, "") ?? null;
    const callback = r.body.StatusCallback;
    return typeof callback === "string" ? new URL(callback).searchParams.get("m") : null;
  }

  private newId(provider: "twilio" | "resend"): string {
    const n = (++this.seq).toString(16).padStart(32, "0");
    return provider === "twilio" ? `SM${n}` : `00000000-0000-4000-8000-${n.slice(-12)}`;
  }
}
