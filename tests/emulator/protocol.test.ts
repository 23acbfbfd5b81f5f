// @vitest-environment node
/**
 * The emulator speaks the Convex client protocol: the unmodified `convex` clients (and a bare
 * WebSocket, for exact messages) against the app's own functions.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import { importPKCS8, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { api } from "../../convex/_generated/api";
import type { Id } from "../../convex/_generated/dataModel";
import { decodeTs, RawClient, startTestEmulator, waitFor } from "./helpers";

/**
 * The client protocol this emulator was written against. If `convex` is upgraded and the file
 * changes, review emulator/sync.ts against the new protocol.ts, then record the new hash here.
 */
const PROTOCOL_FILE = "node_modules/convex/src/browser/sync/protocol.ts";
const PROTOCOL_SHA256 = "b7b6f9abb2ad17cc3efe0ba9ba67c79c021e6ade074e8a10da90e8a1d07db30d";

// Convex Auth hashes passwords (Scrypt): sign-ups take a moment on a small machine.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 60_000 });

let emulator: Awaited<ReturnType<typeof startTestEmulator>>["emulator"];
let privateKey: string;
const clients: ConvexClient[] = [];
const raws: RawClient[] = [];

beforeAll(async () => {
  ({ emulator, privateKey } = await startTestEmulator());
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const r of raws) r.close();
  await emulator.close();
});

function client() {
  const c = new ConvexClient(emulator.url, { unsavedChangesWarning: false });
  clients.push(c);
  return c;
}

async function raw(sessionId: string, connectionCount = 0) {
  const r = await RawClient.connect(emulator.url, sessionId, connectionCount);
  raws.push(r);
  return r;
}

let userCount = 0;
/** Sign up a fresh user through Convex Auth's real action; returns its token. */
async function signUp(c: ConvexClient, email = `user${++userCount}@example.com`, password = "correct horse") {
  const result = (await c.action(api.auth.signIn, {
    provider: "password",
    params: { email, password, flow: "signUp" },
  })) as { tokens: { token: string; refreshToken: string } };
  return { email, password, token: result.tokens.token };
}

/** A ConvexClient signed in as a new user. */
async function signedIn() {
  const c = client();
  const user = await signUp(c);
  const changes: boolean[] = [];
  c.setAuth(
    async () => user.token,
    (ok) => changes.push(ok),
  );
  await waitFor(() => (changes.includes(true) ? true : undefined));
  return { c, ...user };
}

/** Subscribe and keep every result (or error) the client reports. */
function watch<T>(c: ConvexClient, query: Parameters<ConvexClient["onUpdate"]>[0], args: object) {
  const results: T[] = [];
  const errors: Error[] = [];
  const unsubscribe = c.onUpdate(
    query,
    args as never,
    (value) => results.push(value as T),
    (error) => errors.push(error),
  );
  return { results, errors, latest: () => results.at(-1), unsubscribe };
}

type Contact = { _id: Id<"contacts">; name: string };
type Page = { page: Contact[]; isDone: boolean; continueCursor: string };

describe("guard rails", () => {
  test("the convex client is pinned and its protocol is the one the emulator implements", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.convex, "pin convex to an exact version").toMatch(/^\d+\.\d+\.\d+$/);
    const sha = createHash("sha256").update(readFileSync(PROTOCOL_FILE)).digest("hex");
    if (sha !== PROTOCOL_SHA256) {
      throw new Error(
        `The Convex client's sync protocol changed (${PROTOCOL_FILE}, convex ${pkg.dependencies.convex}). ` +
          `Review emulator/sync.ts against it, then set PROTOCOL_SHA256 in this test to ${sha}.`,
      );
    }
  });
});

describe("subscriptions", () => {
  test("a subscribed query updates after a mutation, before the mutation resolves", async () => {
    const { c } = await signedIn();
    const list = watch<Page>(c, api.contacts.list, { paginationOpts: { numItems: 10, cursor: null } });
    await waitFor(() => list.latest());
    expect(list.latest()!.page).toEqual([]);

    await c.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123" });
    // Read-your-writes: the transition at or past the commit came before the mutation resolved.
    expect(list.latest()!.page.map((x) => x.name)).toEqual(["Ann"]);

    await c.mutation(api.contacts.create, { name: "Bob", email: "bob@example.com" });
    expect(list.latest()!.page.map((x) => x.name)).toEqual(["Ann", "Bob"]);
    expect(list.errors).toEqual([]);
  });

  test("another user's writes do not reach a subscription", async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    const aliceList = watch<Page>(alice.c, api.contacts.list, {
      paginationOpts: { numItems: 10, cursor: null },
    });
    await waitFor(() => aliceList.latest());
    const before = aliceList.results.length;
    await bob.c.mutation(api.contacts.create, { name: "Carol", phone: "+14155550199" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(aliceList.results.length).toBe(before);
    expect(aliceList.latest()!.page).toEqual([]);
  });
});

describe("versions and messages (bare WebSocket)", () => {
  test("transitions chain versions exactly and resend only what changed", async () => {
    const c = client();
    const { token } = await signUp(c);
    const r = await raw("session-versions");
    const viewer = "users:viewer";

    r.send({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [{ type: "Add", queryId: 0, udfPath: viewer, args: [{}] }],
    });
    const t1 = await r.next((m) => m.type === "Transition");
    expect(t1.startVersion).toEqual({ querySet: 0, identity: 0, ts: "AAAAAAAAAAA=" });
    expect(t1.endVersion).toMatchObject({ querySet: 1, identity: 0 });
    expect(t1.modifications).toEqual([
      { type: "QueryUpdated", queryId: 0, value: null, logLines: [], journal: null },
    ]);

    // A second query: only it is sent; the versions chain.
    r.send({
      type: "ModifyQuerySet",
      baseVersion: 1,
      newVersion: 2,
      modifications: [
        {
          type: "Add",
          queryId: 1,
          udfPath: "contacts:list",
          args: [{ paginationOpts: { numItems: 5, cursor: null } }],
        },
      ],
    });
    const t2 = await r.next((m) => m.type === "Transition");
    expect(t2.startVersion).toEqual(t1.endVersion);
    expect(t2.endVersion).toMatchObject({ querySet: 2, identity: 0 });
    expect(t2.modifications).toEqual([
      expect.objectContaining({
        type: "QueryFailed",
        queryId: 1,
        errorData: expect.objectContaining({ code: "UNAUTHENTICATED" }),
      }),
    ]);

    // Authenticating bumps the identity version and re-runs both queries.
    r.send({ type: "Authenticate", tokenType: "User", value: token, baseVersion: 0 });
    const t3 = await r.next((m) => m.type === "Transition");
    expect(t3.startVersion).toEqual(t2.endVersion);
    expect(t3.endVersion).toMatchObject({ querySet: 2, identity: 1 });
    const mods = t3.modifications as Array<{
      type: string;
      queryId: number;
      value?: unknown;
      journal?: string | null;
    }>;
    expect(mods.map((m) => [m.type, m.queryId]).sort()).toEqual([
      ["QueryUpdated", 0],
      ["QueryUpdated", 1],
    ]);
    expect(mods.find((m) => m.queryId === 1)!.journal).toEqual(expect.any(String));

    // A mutation's response carries its commit ts; a transition at or past it follows.
    r.send({
      type: "Mutation",
      requestId: 0,
      udfPath: "contacts:create",
      args: [{ name: "Dora", phone: "+14155550111" }],
    });
    const response = await r.next((m) => m.type === "MutationResponse");
    expect(response).toMatchObject({ requestId: 0, success: true, logLines: [] });
    const t4 = await r.next((m) => m.type === "Transition");
    expect(t4.startVersion).toEqual(t3.endVersion);
    expect(decodeTs((t4.endVersion as { ts: string }).ts)).toBeGreaterThanOrEqual(decodeTs(response.ts));
    // Only the contacts list changed; the viewer was not resent.
    expect((t4.modifications as Array<{ queryId: number }>).map((m) => m.queryId)).toEqual([1]);

    // A mutation that changes nothing any query reads still gets its transition.
    r.send({ type: "Mutation", requestId: 1, udfPath: "users:viewer", args: [{}] });
    const notMutation = await r.next((m) => m.type === "MutationResponse");
    expect(notMutation).toMatchObject({ requestId: 1, success: false });
    expect(notMutation.result).toMatch(/Could not find public function/);
    r.send({
      type: "Mutation",
      requestId: 2,
      udfPath: "contacts:setOptOut",
      args: [{ contactId: "bad", channel: "sms", optedOut: true }],
    });
    expect(await r.next((m) => m.type === "MutationResponse")).toMatchObject({
      requestId: 2,
      success: false,
    });

    // Another user's commit: nothing is sent to this client.
    await c.mutation(api.contacts.create, { name: "Not mine", phone: "+14155550112" }).catch(() => undefined);
    expect(await r.quiet()).toEqual([]);

    // Removing a query.
    r.send({
      type: "ModifyQuerySet",
      baseVersion: 2,
      newVersion: 3,
      modifications: [{ type: "Remove", queryId: 0 }],
    });
    const t5 = await r.next((m) => m.type === "Transition");
    expect(t5.startVersion).toEqual(t4.endVersion);
    expect(t5.modifications).toEqual([{ type: "QueryRemoved", queryId: 0 }]);
  });

  test("an empty transition follows a mutation whose writes no subscription reads", async () => {
    const { token } = await signUp(client());
    const r = await raw("session-empty-transition");
    r.send({ type: "Authenticate", tokenType: "User", value: token, baseVersion: 0 });
    r.send({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [{ type: "Add", queryId: 0, udfPath: "users:viewer", args: [{}] }],
    });
    const first = await r.next((m) => m.type === "Transition");
    r.send({
      type: "Mutation",
      requestId: 0,
      udfPath: "contacts:create",
      args: [{ name: "Eve", phone: "+14155550113" }],
    });
    const response = await r.next((m) => m.type === "MutationResponse");
    const after = await r.next((m) => m.type === "Transition");
    expect(after.startVersion).toEqual(first.endVersion);
    expect(after.modifications).toEqual([]);
    expect(decodeTs((after.endVersion as { ts: string }).ts)).toBeGreaterThanOrEqual(decodeTs(response.ts));
  });

  test("the server pings", async () => {
    const r = await raw("session-ping");
    // The interval is 15 s in real use; here it only needs to exist and be well-formed.
    expect(emulator.sync.pingIntervalMs).toBeLessThanOrEqual(30_000);
    emulator.sync.sendPings();
    expect(await r.next((m) => m.type === "Ping")).toEqual({ type: "Ping" });
  });
});

describe("auth", () => {
  test("sign up, sign in, sign out with Convex Auth", async () => {
    const c = client();
    const viewer = watch<{ email: string } | null>(c, api.users.viewer, {});
    await waitFor(() => viewer.results.length > 0 || undefined);
    expect(viewer.latest()).toBeNull();

    const { email, password, token } = await signUp(c);
    c.setAuth(async () => token);
    await waitFor(() => (viewer.latest()?.email === email ? true : undefined));

    // Signing out as ConvexReactClient's auth provider does: end the session, then clear auth.
    await c.action(api.auth.signOut, {});
    c.client.clearAuth();
    await waitFor(() => (viewer.latest() === null ? true : undefined));

    const signedIn = (await c.action(api.auth.signIn, {
      provider: "password",
      params: { email, password, flow: "signIn" },
    })) as {
      tokens: { token: string };
    };
    c.setAuth(async () => signedIn.tokens.token);
    await waitFor(() => (viewer.latest()?.email === email ? true : undefined));

    const wrong = c.action(api.auth.signIn, {
      provider: "password",
      params: { email, password: "wrong password", flow: "signIn" },
    });
    await expect(wrong).rejects.toMatchObject({ data: { code: "INVALID_CREDENTIALS" } });
  });

  test("a tampered token gets an AuthError and no identity", async () => {
    const c = client();
    const alice = await signUp(c);
    const bob = await signUp(c);
    // Bob's claims under Alice's signature.
    const [header, , signature] = alice.token.split(".");
    const tampered = [header, bob.token.split(".")[1], signature].join(".");

    const r = await raw("session-tampered");
    r.send({ type: "Authenticate", tokenType: "User", value: tampered, baseVersion: 0 });
    const error = await r.next((m) => m.type === "AuthError");
    expect(error).toMatchObject({ baseVersion: 0, authUpdateAttempted: true });
    expect(String(error.error)).toMatch(/signature/i);

    // The identity version did not move: a real token still authenticates from version 0.
    r.send({ type: "Authenticate", tokenType: "User", value: alice.token, baseVersion: 0 });
    r.send({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [{ type: "Add", queryId: 0, udfPath: "users:viewer", args: [{}] }],
    });
    const t = await r.next((m) => m.type === "Transition");
    expect(t.endVersion).toMatchObject({ identity: 1, querySet: 1 });
    expect(t.modifications).toEqual([
      expect.objectContaining({ value: expect.objectContaining({ email: alice.email }) }),
    ]);

    // Through the ConvexClient: the client is told it is not authenticated.
    const other = client();
    const changes: boolean[] = [];
    other.setAuth(
      async () => tampered,
      (ok) => changes.push(ok),
    );
    await waitFor(() => (changes.includes(false) ? true : undefined));
    expect(changes).not.toContain(true);
  });

  test("expired tokens and tokens from unknown issuers are refused", async () => {
    const { token } = await signUp(client());
    const sub = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).sub as string;
    const key = await importPKCS8(privateKey, "RS256");
    const expired = await new SignJWT({ sub })
      .setProtectedHeader({ alg: "RS256" })
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setIssuer(emulator.siteUrl)
      .setAudience("convex")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(key);
    const foreign = await new SignJWT({ sub })
      .setProtectedHeader({ alg: "RS256" })
      .setIssuedAt()
      .setIssuer("https://issuer.example.com")
      .setAudience("convex")
      .setExpirationTime("1h")
      .sign(key);
    const r = await raw("session-expired");
    r.send({ type: "Authenticate", tokenType: "User", value: expired, baseVersion: 0 });
    expect(String((await r.next((m) => m.type === "AuthError")).error)).toMatch(/exp/);
    r.send({ type: "Authenticate", tokenType: "User", value: foreign, baseVersion: 0 });
    expect(String((await r.next((m) => m.type === "AuthError")).error)).toMatch(/No auth provider/);
  });
});

describe("token expiry", () => {
  test("a session whose token expires gets an AuthError and its mutations wait for a new token", async () => {
    const { token } = await signUp(client());
    const sub = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).sub as string;
    const key = await importPKCS8(privateKey, "RS256");
    const now = Math.floor(Date.now() / 1000);
    const shortLived = await new SignJWT({ sub })
      .setProtectedHeader({ alg: "RS256" })
      .setIssuedAt(now)
      .setIssuer(emulator.siteUrl)
      .setAudience("convex")
      .setExpirationTime(now + 2)
      .sign(key);
    const r = await raw("session-expiry");
    r.send({ type: "Authenticate", tokenType: "User", value: shortLived, baseVersion: 0 });
    r.send({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [{ type: "Add", queryId: 0, udfPath: "users:viewer", args: [{}] }],
    });
    expect((await r.next((m) => m.type === "Transition")).endVersion).toMatchObject({ identity: 1 });

    // Reported against the identity the client holds (baseVersion + 1 = 1), not as an auth update.
    const expired = await r.next((m) => m.type === "AuthError", 5000);
    expect(expired).toMatchObject({ baseVersion: 0, authUpdateAttempted: false });
    r.send({
      type: "Mutation",
      requestId: 0,
      udfPath: "contacts:create",
      args: [{ name: "Late", phone: "+14155550118" }],
    });
    expect(await r.quiet(300)).toEqual([]);

    // A fresh token: the resent mutation runs.
    r.send({ type: "Authenticate", tokenType: "User", value: token, baseVersion: 1 });
    r.send({
      type: "Mutation",
      requestId: 0,
      udfPath: "contacts:create",
      args: [{ name: "Late", phone: "+14155550118" }],
    });
    expect(await r.next((m) => m.type === "MutationResponse")).toMatchObject({ requestId: 0, success: true });
  });
});

describe("mutations", () => {
  test("a mutation resent after a reconnect is not applied twice", async () => {
    const c = client();
    const { token } = await signUp(c);
    const sessionId = "session-reconnect";
    const args = [{ name: "Once", phone: "+14155550114" }];

    // Answered, then the connection drops; the client resends on its next connection.
    const first = await raw(sessionId);
    first.send({ type: "Authenticate", tokenType: "User", value: token, baseVersion: 0 });
    first.send({ type: "Mutation", requestId: 0, udfPath: "contacts:create", args });
    const original = await first.next((m) => m.type === "MutationResponse");
    expect(original.success).toBe(true);
    first.close();

    // Sent, and the connection drops before the answer arrives.
    const second = await raw(sessionId, 1);
    second.send({ type: "Authenticate", tokenType: "User", value: token, baseVersion: 0 });
    second.send({
      type: "Mutation",
      requestId: 1,
      udfPath: "contacts:create",
      args: [{ name: "Twice", phone: "+14155550115" }],
    });
    second.close();

    const third = await raw(sessionId, 2);
    third.send({ type: "Authenticate", tokenType: "User", value: token, baseVersion: 0 });
    third.send({ type: "Mutation", requestId: 0, udfPath: "contacts:create", args });
    third.send({
      type: "Mutation",
      requestId: 1,
      udfPath: "contacts:create",
      args: [{ name: "Twice", phone: "+14155550115" }],
    });
    const again = await third.next((m) => m.type === "MutationResponse" && m.requestId === 0);
    expect(again).toEqual(original);
    expect(await third.next((m) => m.type === "MutationResponse" && m.requestId === 1)).toMatchObject({
      success: true,
    });

    c.setAuth(async () => token);
    const page = (await c.query(api.contacts.list, {
      paginationOpts: { numItems: 10, cursor: null },
    })) as Page;
    expect(page.page.map((x) => x.name)).toEqual(["Once", "Twice"]);
  });

  test("ConvexError data reaches the client as error.data", async () => {
    const { c } = await signedIn();
    await c.mutation(api.contacts.create, { name: "Fay", phone: "+14155550116" });
    const duplicate = await c
      .mutation(api.contacts.create, { name: "Fay", phone: "+14155550116" })
      .catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(ConvexError);
    expect((duplicate as ConvexError<{ code: string }>).data).toMatchObject({ code: "DUPLICATE_CONTACT" });

    // In a subscription too.
    const bob = await signedIn();
    const mine = (await c.query(api.contacts.list, {
      paginationOpts: { numItems: 1, cursor: null },
    })) as Page;
    const theirs = watch(bob.c, api.contacts.get, { contactId: mine.page[0]._id });
    await waitFor(() => theirs.errors[0]);
    expect(theirs.errors[0]).toBeInstanceOf(ConvexError);
    expect((theirs.errors[0] as ConvexError<{ code: string }>).data).toMatchObject({ code: "NOT_FOUND" });

    // A plain error has no data, and internal functions are not callable by clients.
    const internalCall = await c
      .mutation(makeFunctionReference<"mutation">("contacts:purgeRemoved"), { contactId: mine.page[0]._id })
      .catch((e: unknown) => e);
    expect(internalCall).not.toBeInstanceOf(ConvexError);
    expect(String(internalCall)).toMatch(/Could not find public function/);
  });
});

describe("pagination", () => {
  test("pages keep their boundaries: no duplicates when a row of page 1 is deleted", async () => {
    const { c } = await signedIn();
    const ids: Record<string, Id<"contacts">> = {};
    for (const name of ["A", "B", "C", "D", "E", "F", "G"]) {
      ids[name] = await c.mutation(api.contacts.create, { name, email: `${name.toLowerCase()}@example.com` });
    }
    const page1 = watch<Page>(c, api.contacts.list, { paginationOpts: { numItems: 3, cursor: null, id: 1 } });
    const first = await waitFor(() => page1.latest());
    expect(first.page.map((x) => x.name)).toEqual(["A", "B", "C"]);
    const page2 = watch<Page>(c, api.contacts.list, {
      paginationOpts: { numItems: 3, cursor: first.continueCursor, id: 1 },
    });
    await waitFor(() => page2.latest());
    const names = () => [...page1.latest()!.page, ...page2.latest()!.page].map((x) => x.name);
    expect(names()).toEqual(["A", "B", "C", "D", "E", "F"]);

    // A middle row of page 1: page 1 shrinks instead of taking D from page 2.
    await c.mutation(api.contacts.remove, { contactId: ids.B });
    expect(names()).toEqual(["A", "C", "D", "E", "F"]);

    // The last row of page 1: the page still ends where it ended, page 2 is unchanged.
    await c.mutation(api.contacts.remove, { contactId: ids.C });
    expect(names()).toEqual(["A", "D", "E", "F"]);
    expect(page1.latest()!.continueCursor).toBe(first.continueCursor);
    expect(page1.latest()!.isDone).toBe(false);

    // A new row sorting into page 1's range lands in page 1.
    await c.mutation(api.contacts.create, { name: "Bb", email: "bb@example.com" });
    expect(names()).toEqual(["A", "Bb", "D", "E", "F"]);
    expect(new Set(names()).size).toBe(names().length);
  });
});

describe("HTTP", () => {
  test("ConvexHttpClient runs queries, mutations and actions with the same auth", async () => {
    const http = new ConvexHttpClient(emulator.url);
    const { token, email } = await signUp(client());
    expect(await http.query(api.users.viewer, {})).toBeNull();
    http.setAuth(token);
    expect(await http.query(api.users.viewer, {})).toMatchObject({ email });
    const id = await http.mutation(api.contacts.create, { name: "Gus", phone: "+14155550117" });
    expect(await http.query(api.contacts.get, { contactId: id })).toMatchObject({ name: "Gus" });
    await expect(
      http.mutation(api.contacts.create, { name: "Gus", phone: "+14155550117" }),
    ).rejects.toMatchObject({
      data: { code: "DUPLICATE_CONTACT" },
    });
    http.setAuth("not.a.token");
    await expect(http.query(api.users.viewer, {})).rejects.toThrow(/Unauthenticated/);
  });

  test("the site URL serves the app's HTTP routes (Convex Auth's JWKS)", async () => {
    const response = await fetch(`${emulator.siteUrl}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      issuer: emulator.siteUrl,
      jwks_uri: `${emulator.siteUrl}/.well-known/jwks.json`,
    });
    expect((await fetch(`${emulator.siteUrl}/no/such/route`)).status).toBe(404);
  });

  test("methods Convex never routes get 405 with Allow, dot segments 404, and no response carries error text", async () => {
    // fetch() refuses TRACE and CONNECT: speak HTTP directly.
    const send = (method: string, path: string) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const { hostname, port } = new URL(emulator.siteUrl);
        // The path as is: a URL string would have its dot segments resolved before sending.
        const req = httpRequest({ hostname, port, path, method }, (res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => (body += chunk.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on("error", reject);
        req.end();
      });
    for (const path of ["/api/v1/contacts", "/webhooks/twilio/inbound", "/.well-known/jwks.json"]) {
      const trace = await send("TRACE", path);
      expect(trace.status, path).toBe(405);
      expect(String(trace.headers.allow)).toMatch(/GET|POST/);
      expect(JSON.parse(trace.body)).toMatchObject({ error: { code: "METHOD_NOT_ALLOWED" } });
      expect(trace.body).not.toMatch(/TypeError|at /);
    }
    const traversal = await send("DELETE", "/api/v1/groups/g1/members/%2e%2e/%2e%2e/%2E%2E/contacts/c1");
    expect(traversal.status).toBe(404);
    expect(JSON.parse(traversal.body)).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  test("the admin endpoint runs internal functions; browsers cannot post to it", async () => {
    const post = (path: string, body: object, contentType = "application/json") =>
      fetch(`${emulator.url}/_emulator/${path}`, {
        method: "POST",
        headers: { "content-type": contentType },
        body: JSON.stringify(body),
      });
    const run = await post("run", { path: "users:viewer", args: {} });
    expect(await run.json()).toEqual({ status: "success", value: null });
    expect((await post("run", { path: "users:viewer", args: {} }, "text/plain")).status).toBe(415);
  });
});
