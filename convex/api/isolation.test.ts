// @vitest-environment node
/**
 * Cross-user isolation over HTTP: user B's API key gets 404 for each of user A's ids on
 * every route, the same answer as for an id that never existed, and can change nothing
 * of A's. Every route in API_ROUTES must have a probe here (the test fails otherwise).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Id, TableNames } from "../_generated/dataModel";
import { setup, type TestConvex } from "../test.setup";
import { API_ROUTES } from "./routes";
import { apiUser, BASE, call, type ApiResponse } from "./test.helpers";

beforeEach(() => {
  vi.useFakeTimers();
  // Two requests per probe of every route: more than a key's default minute allows.
  vi.stubEnv("API_RATE_LIMIT_PER_MINUTE", "100000");
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

type IdTable = "contacts" | "groups" | "messages" | "broadcasts" | "customFields" | "imports" | "exports" | "segments" | "templates";
type Ids = Record<IdTable, string>;
type Probe = {
  /** Tables whose ids the request carries (path, query or body). */
  slots: IdTable[];
  request: (ids: Ids) => { method: string; path: string; body?: unknown; csv?: string };
};

const later = () => new Date(Date.now() + 3600_000).toISOString();

const PROBES: Record<string, Probe> = {
  "GET /contacts": { slots: [], request: () => ({ method: "GET", path: "/contacts?search=Alice" }) },
  "POST /contacts": {
    slots: [],
    // A's phone number is free for B: duplicates are per account, so no 409 gives A away.
    request: () => ({ method: "POST", path: "/contacts", body: { name: "Copy", phone: "+14155550100" } }),
  },
  "GET /contacts/{id}": { slots: ["contacts"], request: (ids) => ({ method: "GET", path: `/contacts/${ids.contacts}` }) },
  "PATCH /contacts/{id}": {
    slots: ["contacts"],
    request: (ids) => ({ method: "PATCH", path: `/contacts/${ids.contacts}`, body: { name: "Mallory" } }),
  },
  "DELETE /contacts/{id}": { slots: ["contacts"], request: (ids) => ({ method: "DELETE", path: `/contacts/${ids.contacts}` }) },
  "GET /groups": { slots: [], request: () => ({ method: "GET", path: "/groups" }) },
  "POST /groups": { slots: [], request: () => ({ method: "POST", path: "/groups", body: { name: "Alice Group" } }) },
  "GET /groups/{id}": { slots: ["groups"], request: (ids) => ({ method: "GET", path: `/groups/${ids.groups}` }) },
  "PATCH /groups/{id}": {
    slots: ["groups"],
    request: (ids) => ({ method: "PATCH", path: `/groups/${ids.groups}`, body: { name: "Taken over" } }),
  },
  "DELETE /groups/{id}": { slots: ["groups"], request: (ids) => ({ method: "DELETE", path: `/groups/${ids.groups}` }) },
  "GET /groups/{id}/members": {
    slots: ["groups"],
    request: (ids) => ({ method: "GET", path: `/groups/${ids.groups}/members` }),
  },
  "POST /groups/{id}/members": {
    slots: ["groups", "contacts"],
    request: (ids) => ({ method: "POST", path: `/groups/${ids.groups}/members`, body: { contactIds: [ids.contacts] } }),
  },
  "DELETE /groups/{id}/members/{contactId}": {
    slots: ["groups", "contacts"],
    request: (ids) => ({ method: "DELETE", path: `/groups/${ids.groups}/members/${ids.contacts}` }),
  },
  "POST /messages": {
    slots: ["contacts", "templates"],
    request: (ids) => ({ method: "POST", path: "/messages", body: { contactId: ids.contacts, channel: "sms", templateId: ids.templates } }),
  },
  "GET /messages": { slots: ["contacts"], request: (ids) => ({ method: "GET", path: `/messages?contactId=${ids.contacts}` }) },
  "GET /messages/{id}": { slots: ["messages"], request: (ids) => ({ method: "GET", path: `/messages/${ids.messages}` }) },
  "POST /messages/{id}/cancel": {
    slots: ["messages"],
    request: (ids) => ({ method: "POST", path: `/messages/${ids.messages}/cancel` }),
  },
  "GET /scheduled": { slots: [], request: () => ({ method: "GET", path: "/scheduled" }) },
  "POST /broadcasts": {
    slots: ["groups", "templates"],
    request: (ids) => ({ method: "POST", path: "/broadcasts", body: { groupId: ids.groups, channel: "sms", templateId: ids.templates } }),
  },
  "GET /templates": { slots: [], request: () => ({ method: "GET", path: "/templates?search=Alice" }) },
  "POST /templates": { slots: [], request: () => ({ method: "POST", path: "/templates", body: { name: "Alice template", content: "Hi" } }) },
  "GET /templates/{id}": { slots: ["templates"], request: (ids) => ({ method: "GET", path: `/templates/${ids.templates}` }) },
  "PATCH /templates/{id}": {
    slots: ["templates"],
    request: (ids) => ({ method: "PATCH", path: `/templates/${ids.templates}`, body: { content: "Taken over" } }),
  },
  "DELETE /templates/{id}": { slots: ["templates"], request: (ids) => ({ method: "DELETE", path: `/templates/${ids.templates}` }) },
  "GET /whatsapp-templates": { slots: [], request: () => ({ method: "GET", path: "/whatsapp-templates" }) },
  "GET /broadcasts/{id}": { slots: ["broadcasts"], request: (ids) => ({ method: "GET", path: `/broadcasts/${ids.broadcasts}` }) },
  "GET /analytics": { slots: [], request: () => ({ method: "GET", path: "/analytics?from=2026-01-01&to=2026-12-31" }) },
  "GET /custom-fields": { slots: [], request: () => ({ method: "GET", path: "/custom-fields" }) },
  "POST /custom-fields": {
    slots: [],
    request: () => ({ method: "POST", path: "/custom-fields", body: { label: "Alice tier", type: "text" } }),
  },
  "PATCH /custom-fields/{id}": {
    slots: ["customFields"],
    request: (ids) => ({ method: "PATCH", path: `/custom-fields/${ids.customFields}`, body: { label: "Renamed" } }),
  },
  "DELETE /custom-fields/{id}": {
    slots: ["customFields"],
    request: (ids) => ({ method: "DELETE", path: `/custom-fields/${ids.customFields}` }),
  },
  "GET /tags": { slots: [], request: () => ({ method: "GET", path: "/tags" }) },
  "POST /tags/apply": {
    slots: ["contacts"],
    request: (ids) => ({ method: "POST", path: "/tags/apply", body: { contactIds: [ids.contacts], add: ["mine"] } }),
  },
  "POST /imports": {
    slots: ["groups"],
    request: (ids) => ({ method: "POST", path: `/imports?dryRun=true&groupId=${ids.groups}`, csv: "name,phone\nAlice Copy,+14155550100\n" }),
  },
  "GET /imports": { slots: [], request: () => ({ method: "GET", path: "/imports" }) },
  "GET /imports/{id}": { slots: ["imports"], request: (ids) => ({ method: "GET", path: `/imports/${ids.imports}` }) },
  "GET /imports/{id}/rows": {
    slots: ["imports"],
    request: (ids) => ({ method: "GET", path: `/imports/${ids.imports}/rows?status=pending` }),
  },
  "POST /imports/{id}/start": { slots: ["imports"], request: (ids) => ({ method: "POST", path: `/imports/${ids.imports}/start` }) },
  "POST /imports/{id}/cancel": { slots: ["imports"], request: (ids) => ({ method: "POST", path: `/imports/${ids.imports}/cancel` }) },
  "POST /imports/{id}/undo": { slots: ["imports"], request: (ids) => ({ method: "POST", path: `/imports/${ids.imports}/undo` }) },
  "GET /segments": { slots: [], request: () => ({ method: "GET", path: "/segments" }) },
  "POST /segments": {
    slots: ["imports"],
    request: (ids) => ({ method: "POST", path: "/segments", body: { name: "Theirs", conditions: [{ kind: "import", importId: ids.imports }] } }),
  },
  "GET /segments/{id}": { slots: ["segments"], request: (ids) => ({ method: "GET", path: `/segments/${ids.segments}` }) },
  "GET /segments/{id}/contacts": { slots: ["segments"], request: (ids) => ({ method: "GET", path: `/segments/${ids.segments}/contacts` }) },
  "PATCH /segments/{id}": {
    slots: ["segments"],
    request: (ids) => ({ method: "PATCH", path: `/segments/${ids.segments}`, body: { name: "Taken over" } }),
  },
  "DELETE /segments/{id}": { slots: ["segments"], request: (ids) => ({ method: "DELETE", path: `/segments/${ids.segments}` }) },
  "POST /exports": {
    slots: ["imports"],
    request: (ids) => ({ method: "POST", path: "/exports", body: { kind: "importFailures", importId: ids.imports } }),
  },
  "GET /exports/{id}": { slots: ["exports"], request: (ids) => ({ method: "GET", path: `/exports/${ids.exports}` }) },
  "GET /exports/{id}/file": { slots: ["exports"], request: (ids) => ({ method: "GET", path: `/exports/${ids.exports}/file` }) },
  "GET /openapi.json": { slots: [], request: () => ({ method: "GET", path: "/openapi.json" }) },
};

async function seed(t: TestConvex, label: string, phone: string) {
  const user = await apiUser(t, `${label.toLowerCase()}@example.com`);
  const req = (method: string, path: string, body?: unknown) => call(t, method, path, { key: user.key, body });
  const field = (await req("POST", "/custom-fields", { label: `${label} level`, type: "text" })).body;
  const contact = (
    await req("POST", "/contacts", { name: `${label} Contact`, phone, tags: [`${label} tag`], fields: { [field.key]: `${label} gold` } })
  ).body.id;
  const group = (await req("POST", "/groups", { name: `${label} Group` })).body.id;
  await req("POST", `/groups/${group}/members`, { contactIds: [contact] });
  const message = (await req("POST", "/messages", { contactId: contact, channel: "sms", content: `${label} msg`, scheduledAt: later() }))
    .body.id;
  const broadcast = (await req("POST", "/broadcasts", { groupId: group, channel: "sms", content: `${label} news`, scheduledAt: later() }))
    .body.id;
  const imported = await t.fetch(`${BASE}/imports?dryRun=true&fileName=${label}.csv`, {
    method: "POST",
    headers: { Authorization: `Bearer ${user.key}`, "Content-Type": "text/csv" },
    body: `name,phone\n${label} Imported,+1415555099${label.length}\n`,
  });
  const exported = (await req("POST", "/exports", { kind: "contacts" })).body.id;
  const template = (await req("POST", "/templates", { name: `${label} template`, content: `${label} news for {{firstName|you}}` })).body.id;
  const segment = (await req("POST", "/segments", { name: `${label} segment`, conditions: [{ kind: "tag", has: true, tag: `${label} tag` }] })).body.id;
  await t.finishInProgressScheduledFunctions();
  const ids: Ids = {
    contacts: contact,
    groups: group,
    messages: message,
    broadcasts: broadcast,
    customFields: field.id,
    imports: (await imported.json()).id,
    exports: exported,
    segments: segment,
    templates: template,
  };
  return { ...user, ids };
}

/** Everything of a user's, to prove nothing changed. */
async function snapshot(t: TestConvex, userId: Id<"users">) {
  return await t.run(async (ctx) => {
    const out: Record<string, unknown[]> = {};
    for (const table of [
      "contacts",
      "groups",
      "groupMemberships",
      "messages",
      "broadcasts",
      "apiIdempotency",
      "customFields",
      "tags",
      "contactTags",
      "imports",
      "importRows",
      "exports",
      "exportChunks",
      "segments",
      "templates",
      "whatsappTemplates",
    ] as const) {
      out[table] = (await ctx.db.query(table).collect()).filter((d) => d.userId === userId);
    }
    return out;
  });
}

describe("REST API isolation", () => {
  it("has a probe for every route", () => {
    const routes = API_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(Object.keys(PROBES).sort()).toEqual(routes);
  });

  it("gives B's key 404 for every id of A's on every route, like an id that never existed", async () => {
    const t = setup();
    const alice = await seed(t, "Alice", "+14155550100");
    const bob = await seed(t, "Bob", "+14155550200");
    const gone = await t.run(async (ctx) => {
      const out = {} as Ids;
      for (const table of ["contacts", "groups", "messages", "broadcasts", "customFields", "imports", "exports", "segments", "templates"] as const) {
        const doc = await ctx.db.get(table, alice.ids[table] as Id<TableNames> as never);
        const { _id, _creationTime, ...fields } = doc as Record<string, unknown>;
        const copy = await ctx.db.insert(table, fields as never);
        await ctx.db.delete(table, copy);
        out[table] = copy;
      }
      return out;
    });
    const before = await snapshot(t, alice.userId);
    const secrets = Object.values(alice.ids);

    let probes = 0;
    for (const [route, probe] of Object.entries(PROBES)) {
      const send = async (ids: Ids): Promise<ApiResponse> => {
        const { method, path, body, csv } = probe.request(ids);
        if (csv !== undefined) {
          return await call(t, method, path, { key: bob.key, rawBody: csv, headers: { "Content-Type": "text/csv" } });
        }
        return await call(t, method, path, { key: bob.key, ...(body !== undefined ? { body } : {}) });
      };
      if (probe.slots.length === 0) {
        const res = await send(bob.ids);
        probes++;
        expect(res.status, `${route}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
        const text = JSON.stringify(res.body);
        for (const secret of secrets) expect(text, `${route} leaked ${secret}`).not.toContain(secret);
        // (A create echoes its own input: POST /groups uses A's group name on purpose.)
        if (route.startsWith("GET")) expect(text, `${route} leaked Alice's data`).not.toMatch(/Alice (Contact|Group|msg|news)/);
        continue;
      }
      for (const table of probe.slots) {
        const foreign = await send({ ...bob.ids, [table]: alice.ids[table] });
        const missing = await send({ ...bob.ids, [table]: gone[table] });
        probes++;
        expect(foreign.status, `${route} with Alice's ${table}: ${JSON.stringify(foreign.body)}`).toBe(404);
        expect(foreign.body.error.code).toBe("NOT_FOUND");
        expect({ status: missing.status, body: missing.body }, `${route}: Alice's ${table} is distinguishable`).toEqual({
          status: foreign.status,
          body: foreign.body,
        });
      }
    }
    expect(probes).toBe(Object.values(PROBES).reduce((n, p) => n + Math.max(1, p.slots.length), 0));
    expect(await snapshot(t, alice.userId)).toEqual(before);
    expect((await call(t, "GET", `/contacts/${alice.ids.contacts}`, { key: alice.key })).body.name).toBe("Alice Contact");
  });

  it("lets B message A's customer by phone only as B's own contact", async () => {
    const t = setup();
    const alice = await seed(t, "Alice", "+14155550100");
    const bob = await apiUser(t, "bob@example.com");
    const res = await call(t, "POST", "/messages", { key: bob.key, body: { phone: "+14155550100", channel: "sms", content: "Hi" } });
    expect(res.status).toBe(201);
    expect(res.body.contactId).not.toBe(alice.ids.contacts);
    const contact = await call(t, "GET", `/contacts/${res.body.contactId}`, { key: bob.key });
    expect(contact.body.name).not.toMatch(/Alice/);
  });
});
