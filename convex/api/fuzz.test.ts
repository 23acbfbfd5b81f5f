// @vitest-environment node
/**
 * Fuzzing the REST API: 1,500 randomly malformed requests (bad JSON, wrong types, huge
 * strings, unknown fields, bad ids, bad dates, bad query strings and headers) across every
 * route. Not one may get a 5xx; every refusal must be the one error shape with the status
 * its code maps to. Seeded, so a failure replays.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ERROR_CODES } from "../../lib/errors";
import { setup, type TestConvex } from "../test.setup";
import { STATUS_BY_CODE } from "./errors";
import { API_ROUTES } from "./routes";
import { MAX_BODY_BYTES } from "./schemas";
import { apiUser, call, type CallOptions } from "./test.helpers";

const REQUESTS = 1500;
const SEED = 20260501;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-05-01T12:00:00Z"));
  // The fuzzer is one client sending far more than a minute's allowance; rate limits have their own tests.
  vi.stubEnv("API_RATE_LIMIT_PER_MINUTE", "1000000");
  vi.stubEnv("API_AUTH_FAILURES_PER_MINUTE", "1000000");
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

/** mulberry32: small, seeded, good enough to pick cases. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Rng = ReturnType<typeof rng>;

const WEIRD_STRINGS = [
  "",
  " ",
  "null",
  "undefined",
  "0",
  "-1",
  "1e309",
  "NaN",
  "true",
  "[]",
  "{}",
  "<script>alert(1)</script>",
  "'; DROP TABLE contacts; --",
  "../../etc/passwd",
  "%00",
  "\u0000",
  "\u202e",
  "😀",
  "é",
  "\ud800",
  "Ā".repeat(300),
  "+1 (415) 555-0123",
  "ann@example.com",
  "$ref",
  "_id",
  "__proto__",
  "constructor",
];
const WEIRD_DATES = [
  "2026-02-30T10:00:00Z",
  "2026-13-01T00:00:00Z",
  "2026-05-01T25:00:00Z",
  "2026-05-01T10:00:00",
  "2026-05-01",
  "10:00",
  "yesterday",
  "1970-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "+275760-09-13T00:00:00.000Z",
  "2026-05-01T10:00:00+25:00",
  "2026-05-01T10:00:00.123456789123Z",
  "2026-05-01T12:00:00.000Z",
  "2026-05-02T12:00:00-23:59",
];

function weirdValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 6 : 9)) {
    case 0:
      return r.pick(WEIRD_STRINGS);
    case 1:
      return r.pick([0, -1, 1.5, 2 ** 53 + 1, -0, 1e308, Number.MAX_SAFE_INTEGER, -1e-300]);
    case 2:
      return r.pick([true, false, null]);
    case 3:
      return "x".repeat(r.pick([100, 1000, 5000, 20_000, 60_000]));
    case 4:
      return r.pick(WEIRD_DATES);
    case 5:
      return randomId(r);
    case 6:
      return Array.from({ length: r.int(4) }, () => weirdValue(r, depth + 1));
    case 7:
      return Object.fromEntries(Array.from({ length: r.int(4) }, () => [r.pick(WEIRD_STRINGS), weirdValue(r, depth + 1)]));
    default:
      return Array.from({ length: r.pick([600, 2000]) }, () => r.pick(WEIRD_STRINGS));
  }
}

/** Percent-encode; a lone surrogate (which encodeURIComponent refuses) goes out as its raw UTF-8 bytes. */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s.replace(/[\uD800-\uDFFF]/g, "%ED%A0%80").replace(/[^%\w.~-]/g, (c) => {
      try {
        return encodeURIComponent(c);
      } catch {
        return "%EF%BF%BD";
      }
    });
  }
}

let knownIds: string[] = [];
function randomId(r: Rng): string {
  return r.pick([
    () => r.pick(knownIds), // a real id, maybe of the wrong table
    () => r.pick(knownIds).slice(0, -1),
    () => r.pick(knownIds) + "x",
    () => r.pick(knownIds).replace(/[a-z]+$/, r.pick(["users", "apiKeys", "_storage", "senders", "notes"])),
    () => "0".repeat(r.int(40)),
    () => r.pick(WEIRD_STRINGS),
    () => "k" + r.int(1e9).toString(36),
  ])();
}

const VALID_BODIES: Record<string, (ids: Ids) => Record<string, unknown>> = {
  "POST /contacts": () => ({ name: "Fuzzy", phone: "+14155550142", email: "f@x.com", metadata: { a: 1 } }),
  "PATCH /contacts/{id}": () => ({ name: "Fuzzy", email: null }),
  "POST /groups": () => ({ name: "Fuzz group", description: "d" }),
  "PATCH /groups/{id}": () => ({ name: "Renamed" }),
  "POST /groups/{id}/members": (ids) => ({ contactIds: [ids.contact] }),
  "POST /messages": (ids) => ({ contactId: ids.contact, channel: "sms", content: "Hi", scheduledAt: "2026-05-02T10:00:00+01:00" }),
  "POST /broadcasts": (ids) => ({ groupId: ids.group, channel: "email", subject: "S", content: "Hi" }),
};
type Ids = { contact: string; group: string; message: string; broadcast: string };

/** One malformed request for a route: a valid request with one or more things broken. */
function malformed(
  r: Rng,
  route: (typeof API_ROUTES)[number],
  ids: Ids,
  key: string,
): { method: string; path: string; options: CallOptions; mustRefuse?: string } {
  const routeKey = `${route.method} ${route.path}`;
  let path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === "contactId" ? ids.contact : routeKey.includes("/groups") ? ids.group : routeKey.includes("/messages") ? ids.message : routeKey.includes("/broadcasts") ? ids.broadcast : ids.contact,
  );
  let method: string = route.method;
  const headers: Record<string, string> = {};
  let body: unknown = VALID_BODIES[routeKey]?.(ids);
  let rawBody: string | undefined;
  const query: string[] = [];
  let authKey: string | null = key;
  /** Set by breakages no valid request contains: the answer must be a 4xx, never a success. */
  let mustRefuse: string | undefined;
  let rawBytes: Uint8Array | undefined;

  const breakages = 1 + r.int(3);
  for (let i = 0; i < breakages; i++) {
    switch (r.int(15)) {
      case 14: {
        // Hostile spellings: dot segments and empty segments in the path, __proto__ or a
        // non-decimal limit in the query, an empty media URL, bytes that are not UTF-8.
        const kind = r.int(5);
        if (kind === 0 && path.split("/").length > 2) {
          path = path + r.pick(["/%2e%2e", "/..", "/", "/.", "/%2E%2e/x"]);
          mustRefuse = "dot or empty path segment";
        } else if (kind === 1) {
          query.push(r.pick(["__proto__=1", "constructor=x", "limit=0x10", "limit=1e1", "limit=+3"]));
          mustRefuse = "lenient query";
        } else if (kind === 2 && body && typeof body === "object" && route.path === "/messages") {
          (body as Record<string, unknown>).mediaUrls = ["https://example.com/a.png", r.pick(["", " "])];
          mustRefuse = "empty media URL";
        } else if (kind === 3 && route.body !== undefined && method !== "GET") {
          rawBytes = new Uint8Array([...new TextEncoder().encode('{"name":"x'), 0xc3, 0x28, ...new TextEncoder().encode('"}')]);
          mustRefuse = "body not UTF-8";
        }
        break;
      }
      case 0: // bad JSON
        rawBody = r.pick([
          "{",
          "{\"name\":}",
          "{'name': 'x'}",
          "[1,2,",
          "\u00ef\u00bb\u00bf{}",
          "{\"a\":1,}",
          "NaN",
          "undefined",
          "\u0000",
          "{\"name\":\"\\ud83d\"}",
          "{\"__proto__\":{\"polluted\":1}}",
          "[".repeat(3000) + "]".repeat(3000),
          "{\"a\":".repeat(500) + "1" + "}".repeat(500),
          JSON.stringify(body ?? {}).slice(0, r.int(20)),
        ]);
        break;
      case 1: // wrong type for a field, or the whole body
        if (body && typeof body === "object" && r.chance(0.7)) {
          const fields = Object.keys(body);
          (body as Record<string, unknown>)[r.pick(fields)] = weirdValue(r);
        } else {
          body = weirdValue(r);
        }
        break;
      case 2: // unknown fields
        body = { ...(typeof body === "object" && body !== null ? body : {}), [r.pick(["extra", "userId", "_id", "$set", "id", "status"])]: weirdValue(r) };
        break;
      case 3: // huge strings, sometimes past the body limit
        body = {
          ...(typeof body === "object" && body !== null ? body : {}),
          [r.pick(["name", "content", "subject", "description", "phone"])]: "y".repeat(r.pick([10_000, 60_000, MAX_BODY_BYTES + 10, 200_000])),
        };
        break;
      case 4: // bad ids in the path
        path = path.replace(/[^/]+$/, () => enc(randomId(r)).slice(0, 3000));
        if (r.chance(0.3)) path = path.replace(/\/[^/]+/, (seg) => seg + r.pick(["/..", "//", "/%2F", "/%", "/%E0%A4%A", "/.", "/x/y"]));
        break;
      case 5: // bad ids in the body
        body = {
          ...(typeof body === "object" && body !== null ? body : {}),
          [r.pick(["contactId", "groupId", "contactIds"])]: r.chance(0.5) ? randomId(r) : [randomId(r), weirdValue(r)],
        };
        break;
      case 6: // bad dates
        body = { ...(typeof body === "object" && body !== null ? body : {}), scheduledAt: r.chance(0.8) ? r.pick(WEIRD_DATES) : weirdValue(r) };
        if (route.path === "/analytics") query.push(`from=${enc(r.pick(WEIRD_DATES))}`, `to=${enc(r.pick([...WEIRD_DATES, "2026-05-01"]))}`);
        break;
      case 7: // bad query strings
        query.push(
          r.pick([
            `limit=${enc(String(weirdValue(r)))}`,
            `cursor=${enc(String(r.pick([...WEIRD_STRINGS, '["x"]', "[[1]]", "_end_cursor", "[null]", '["\\"x\\""]'])))}`,
            `search=${enc(String(weirdValue(r)).slice(0, 2000))}`,
            `contactId=${enc(randomId(r))}`,
            `channel=${enc(r.pick(WEIRD_STRINGS))}`,
            `status=queued&status=sent`,
            `kind=${enc(r.pick(WEIRD_STRINGS))}`,
            `${enc(r.pick(WEIRD_STRINGS))}=1`,
            "limit=1&limit=2",
            "%=%",
          ]),
        );
        break;
      case 8: // headers
        headers["Idempotency-Key"] = r.pick(["", " ", "x".repeat(300), "cl\u00e9", "a\tb", "ok-key-1"]);
        headers["Content-Type"] = r.pick(["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", ""]);
        break;
      case 9: // authentication
        authKey = r.pick([null, "", "uik_live_" + "A".repeat(43), key.slice(0, -1), key + "A", key.toUpperCase(), "Bearer " + key]);
        if (r.chance(0.3)) {
          headers.Authorization = r.pick([`Basic ${key}`, `Bearer`, `Bearer  ${key}  extra`, "x".repeat(5000)]);
          authKey = null;
        }
        break;
      case 10: // wrong method
        method = r.pick(["PUT", "PATCH", "DELETE", "POST", "GET", "OPTIONS"]);
        break;
      case 11: // empty or missing body
        rawBody = r.pick(["", " ", "\n", "{}", "null", "[]", "0", "\"x\""]);
        break;
      case 12: // a body on a route that takes none, with junk
        rawBody = JSON.stringify(weirdValue(r));
        break;
      default: // arrays and nesting where scalars belong
        body = { ...(typeof body === "object" && body !== null ? body : {}), [r.pick(["metadata", "socialHandles", "mediaUrls", "name"])]: weirdValue(r) };
    }
  }
  if (rawBody === undefined && body !== undefined) rawBody = JSON.stringify(body);
  if (method === "GET") rawBody = rawBytes = undefined; // fetch cannot send a GET body
  if (method === "OPTIONS") mustRefuse = undefined; // answered with Allow before anything is read
  const qs = query.length ? `?${query.join("&")}` : "";
  const ip = `10.${r.int(256)}.${r.int(256)}.${r.int(256)}`;
  const options: CallOptions = { key: authKey, headers, ip, ...(rawBytes ? { rawBytes } : rawBody !== undefined ? { rawBody } : {}) };
  return { method, path: path + qs, options, ...(mustRefuse && (rawBytes || mustRefuse !== "body not UTF-8") ? { mustRefuse } : {}) };
}

async function seed(t: TestConvex) {
  const owner = await apiUser(t);
  const other = await apiUser(t, "other@example.com");
  const req = (who: { key: string }, method: string, path: string, body?: unknown) => call(t, method, path, { key: who.key, body });
  const make = async (who: { key: string }, phone: string): Promise<Ids> => {
    const contact = (await req(who, "POST", "/contacts", { name: "Seed", phone })).body.id;
    const group = (await req(who, "POST", "/groups", { name: `Seed ${phone}` })).body.id;
    await req(who, "POST", `/groups/${group}/members`, { contactIds: [contact] });
    const message = (await req(who, "POST", "/messages", { contactId: contact, channel: "sms", content: "x", scheduledAt: "2026-05-03T00:00:00Z" })).body.id;
    const broadcast = (await req(who, "POST", "/broadcasts", { groupId: group, channel: "sms", content: "x", scheduledAt: "2026-05-03T00:00:00Z" })).body.id;
    return { contact, group, message, broadcast };
  };
  const mine = await make(owner, "+14155550100");
  const theirs = await make(other, "+14155550200");
  knownIds = [...Object.values(mine), ...Object.values(theirs), owner.keyId, owner.userId];
  return { owner, mine, theirs };
}

describe("fuzzing", () => {
  it(`answers ${REQUESTS} malformed requests without a single 5xx`, async () => {
    const t = setup();
    const { owner, mine, theirs } = await seed(t);
    const r = rng(SEED);
    const statuses = new Map<number, number>();
    const codes = new Set<string>();
    const failures: string[] = [];
    let hostile = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const route = r.pick(API_ROUTES);
      const { method, path, options, mustRefuse } = malformed(r, route, r.chance(0.85) ? mine : theirs, owner.key);
      const res = await call(t, method, path, options);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const where = `#${i} ${method} ${path.slice(0, 120)} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 200)}`;
      if (res.status >= 500) failures.push(where);
      if (mustRefuse) {
        hostile++;
        if (res.status < 400) failures.push(`accepted (${mustRefuse}): ${where}`);
      }
      if (res.status >= 400) {
        const error = res.body?.error;
        const shaped =
          error &&
          typeof error.message === "string" &&
          typeof error.details === "object" &&
          Object.hasOwn(ERROR_CODES, error.code) &&
          STATUS_BY_CODE[error.code as keyof typeof ERROR_CODES] === res.status;
        if (!shaped) failures.push(`bad error shape: ${where}`);
        else codes.add(error.code);
      }
      // Every so often let time pass and scheduled work run, as it would in production.
      if (i % 250 === 249) vi.advanceTimersByTime(1000);
    }
    const summary = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" ");
    console.log(`fuzz: ${REQUESTS} requests (${hostile} hostile spellings): ${summary}; codes: ${[...codes].sort().join(", ")}`);
    expect(failures).toEqual([]);
    expect(hostile).toBeGreaterThan(50); // the hostile spellings really were tried
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    // The fuzzer really reached every kind of refusal.
    for (const status of [400, 401, 404, 405, 413]) expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
    for (const code of ["INVALID_ARGUMENT", "INVALID_API_KEY", "NOT_FOUND", "PAYLOAD_TOO_LARGE", "METHOD_NOT_ALLOWED"]) {
      expect(codes).toContain(code);
    }
  }, 120_000);
});
