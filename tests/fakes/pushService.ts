/**
 * A local fake Web Push service (what FCM, Mozilla autopush or Apple's service are to a real
 * browser), for tests and benchmarks offline. It accepts the Web Push protocol (RFC 8030) POST
 * of an aes128gcm-encrypted message (RFC 8291/8188), checks the VAPID authorization (RFC 8292:
 * an ES256 JWT for this origin, signed by the key it names) and keeps the body. Subscriptions
 * are made here like a browser makes them: a P-256 key pair and an auth secret, so a test can
 * decrypt what arrived with the subscription's private key (Web Crypto, independently of the
 * web-push library that encrypted it).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { importJWK, jwtVerify } from "jose";

const subtle = globalThis.crypto.subtle;

export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}
export function fromBase64Url(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64url"));
}

/** What a browser's PushSubscription holds: the public parts go to the app server, the private key stays. */
export type DeviceKeys = { privateKey: CryptoKey; p256dh: string; auth: string };

export async function newDeviceKeys(): Promise<DeviceKeys> {
  const pair = (await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  const publicRaw = new Uint8Array(await subtle.exportKey("raw", pair.publicKey));
  return { privateKey: pair.privateKey, p256dh: toBase64Url(publicRaw), auth: toBase64Url(crypto.getRandomValues(new Uint8Array(16))) };
}

/** A device key pair from known values (RFC 8291's test vector). */
export async function importDeviceKeys(privateD: string, p256dh: string, auth: string): Promise<DeviceKeys> {
  const raw = fromBase64Url(p256dh);
  const jwk = { kty: "EC", crv: "P-256", d: privateD, x: toBase64Url(raw.slice(1, 33)), y: toBase64Url(raw.slice(33, 65)), ext: true };
  const privateKey = await subtle.importKey("jwk", jwk, { name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  return { privateKey, p256dh, auth };
}

async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  const key = await subtle.importKey("raw", ikm as BufferSource, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: salt as BufferSource, info: info as BufferSource }, key, length * 8));
}

const text = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/**
 * Decrypt a Web Push message body (RFC 8291 §3.4 key derivation, RFC 8188 aes128gcm, one record)
 * with the receiving device's keys. Throws if anything does not check out (wrong key, tampered body).
 */
export async function decryptPush(body: Uint8Array, device: DeviceKeys): Promise<string> {
  const salt = body.slice(0, 16);
  const recordSize = new DataView(body.buffer, body.byteOffset + 16, 4).getUint32(0);
  const idLength = body[20];
  const senderPublic = body.slice(21, 21 + idLength);
  const ciphertext = body.slice(21 + idLength);
  if (idLength !== 65 || senderPublic[0] !== 4) throw new Error("keyid is not an uncompressed P-256 public key");
  if (ciphertext.length > recordSize) throw new Error("more than one record");

  const senderKey = await subtle.importKey("raw", senderPublic, { name: "ECDH", namedCurve: "P-256" }, false, []);
  const ecdhSecret = new Uint8Array(await subtle.deriveBits({ name: "ECDH", public: senderKey }, device.privateKey, 256));
  const keyInfo = concat(text("WebPush: info\0"), fromBase64Url(device.p256dh), senderPublic);
  const ikm = await hkdf(fromBase64Url(device.auth), ecdhSecret, keyInfo, 32);
  const cek = await hkdf(salt, ikm, text("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, text("Content-Encoding: nonce\0"), 12);
  const aesKey = await subtle.importKey("raw", cek as BufferSource, "AES-GCM", false, ["decrypt"]);
  const padded = new Uint8Array(await subtle.decrypt({ name: "AES-GCM", iv: nonce as BufferSource }, aesKey, ciphertext));
  // The last record ends with the delimiter 0x02, then any zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 2) throw new Error("bad padding delimiter");
  return new TextDecoder().decode(padded.slice(0, end));
}

export type PushRequest = {
  at: number;
  subscription: string;
  headers: Record<string, string | undefined>;
  body: Uint8Array;
  /** The VAPID JWT's claims and public key, when it verified. */
  vapid: { aud: string; sub: string; exp: number; publicKey: string } | null;
  /** What the service answered. */
  status: number;
};

/** The push service's answer to the next requests for a subscription (default 201 Created). */
export type Answer = number;

export class FakePushService {
  readonly received: PushRequest[] = [];
  private readonly answers = new Map<string, Answer[]>();
  private readonly devices = new Map<string, DeviceKeys>();
  private readonly waiters: Array<() => void> = [];
  private server: Server | null = null;
  private seq = 0;

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error("push service not started");
    return `http://127.0.0.1:${address.port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** A new subscription, as PushManager.subscribe() would make it: endpoint and keys. */
  async subscribe(): Promise<{ id: string; endpoint: string; p256dh: string; auth: string; keys: DeviceKeys }> {
    const keys = await newDeviceKeys();
    const id = `sub${++this.seq}-${toBase64Url(crypto.getRandomValues(new Uint8Array(9)))}`;
    this.devices.set(id, keys);
    return { id, endpoint: `${this.url}/push/${id}`, p256dh: keys.p256dh, auth: keys.auth, keys };
  }

  /** Answer the next requests for a subscription with these statuses (410 Gone, 404, 500, …). */
  answer(subscriptionId: string, ...statuses: Answer[]): this {
    this.answers.set(subscriptionId, [...(this.answers.get(subscriptionId) ?? []), ...statuses]);
    return this;
  }

  /** The requests for one subscription. */
  for(subscriptionId: string): PushRequest[] {
    return this.received.filter((r) => r.subscription === subscriptionId);
  }

  /** The decrypted payloads a subscription received (JSON-parsed). */
  async payloads<T = unknown>(subscriptionId: string): Promise<T[]> {
    const keys = this.devices.get(subscriptionId);
    if (!keys) throw new Error(`unknown subscription ${subscriptionId}`);
    return await Promise.all(this.for(subscriptionId).map(async (r) => JSON.parse(await decryptPush(r.body, keys)) as T));
  }

  /** Resolve once `count` requests have arrived (in total), or fail after `timeoutMs`. */
  async waitForRequests(count: number, timeoutMs = 10_000): Promise<PushRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} push requests, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = /^\/push\/([\w-]+)$/.exec(req.url ?? "");
    if (req.method !== "POST" || !match) {
      res.writeHead(404).end();
      return;
    }
    const subscription = match[1];
    const headers = Object.fromEntries(
      ["ttl", "urgency", "topic", "content-encoding", "content-type", "authorization"].map((h) => [h, req.headers[h] as string | undefined]),
    );
    const vapid = await this.verifyVapid(headers.authorization);
    const known = this.devices.has(subscription);
    // The real services refuse unauthenticated or misaddressed requests: so does this one.
    const status = !known ? 404 : !vapid ? 401 : headers["content-encoding"] !== "aes128gcm" ? 415 : (this.answers.get(subscription)?.shift() ?? 201);
    this.received.push({ at: Date.now(), subscription, headers, body: new Uint8Array(Buffer.concat(chunks)), vapid, status });
    res.writeHead(status, status === 201 ? { location: `${this.url}/message/${this.received.length}` } : {}).end();
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** `vapid t=<JWT>, k=<public key>` (RFC 8292 §3): the JWT must verify with k, for this origin, unexpired. */
  private async verifyVapid(authorization: string | undefined): Promise<PushRequest["vapid"]> {
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? "");
    if (!match) return null;
    const [, token, k] = match;
    try {
      const raw = fromBase64Url(k);
      const key = await importJWK({ kty: "EC", crv: "P-256", x: toBase64Url(raw.slice(1, 33)), y: toBase64Url(raw.slice(33, 65)) }, "ES256");
      const { payload } = await jwtVerify(token, key, { audience: this.url, algorithms: ["ES256"] });
      const exp = payload.exp ?? 0;
      // At most 24 hours ahead (RFC 8292 §2).
      if (exp * 1000 > Date.now() + 24 * 3600 * 1000 + 60_000) return null;
      if (typeof payload.sub !== "string" || !/^(mailto:|https:)/.test(payload.sub)) return null;
      return { aud: String(payload.aud), sub: payload.sub, exp, publicKey: k };
    } catch {
      return null;
    }
  }
}
