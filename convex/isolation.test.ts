// @vitest-environment node
/**
 * A second user can neither read, change nor detect the first user's data through any
 * public function. The walker finds every public query/mutation in the modules below,
 * builds arguments from each function's own validator, and calls it as user B with each
 * of user A's ids in turn (B's own ids everywhere else).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FunctionReference } from "convex/server";
import { api } from "./_generated/api";
import type { Id, TableNames } from "./_generated/dataModel";
import { provisionSimulatorSenders } from "./lib/senders";
import { modules, setup, signedInUser, storeFile, type SignedIn, type TestConvex } from "./test.setup";

/** Modules whose public functions are walked; add each new module of user data here. */
const WALKED = [
  "contacts",
  "groups",
  "notes",
  "auditLog",
  "users",
  "messages",
  "inbox",
  "broadcasts",
  "senders",
  "analytics",
  "apiKeys",
  "emailBodies",
  "notifications",
  "customFields",
  "tags",
  "imports",
  "exports",
  "segments",
  "templates",
  "whatsappTemplates",
  "drafts",
  "attachments",
  "search",
  "broadcastOutcomes",
  "scheduling",
  "recurrences",
  "autoReplies",
] as const;
/** Tables holding user data: snapshotted before and after to prove nothing of A's changed. */
const USER_TABLES = [
  "contacts",
  "groups",
  "groupMemberships",
  "notes",
  "messages",
  "broadcasts",
  "senders",
  "dailyStats",
  "broadcastStats",
  "accountStats",
  "apiKeys",
  "emailBodies",
  "pushSubscriptions",
  "notificationSettings",
  "conversationMutes",
  "pushOutbox",
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
  "drafts",
  "uploads",
  "broadcastSkips",
  "schedulingSettings",
  "recurrences",
  "autoReplies",
  "autoReplyCooldowns",
] as const;

// Push subscriptions need the deployment's VAPID keys to exist (their values do not matter here).
beforeEach(() => {
  vi.stubEnv("VAPID_PUBLIC_KEY", "test-public-key");
  vi.stubEnv("VAPID_PRIVATE_KEY", "test-private-key");
});
afterEach(() => vi.unstubAllEnvs());

type Json = { type: string; value?: unknown; tableName?: string; keys?: Json; values?: { fieldType: Json } };
type Fields = Record<string, { fieldType: Json; optional: boolean }>;
type Ids = Partial<Record<TableNames | "_storage", string>>;

/** A valid value for a validator, preferring `ids` for id fields; field names pick friendly strings. */
function valueFor(name: string, type: Json, ids: Ids, searchTerm: string): unknown {
  if (name === "paginationOpts") return { numItems: 50, cursor: null };
  switch (type.type) {
    case "id":
      return ids[type.tableName as TableNames] ?? null;
    case "string":
      return (
        {
          name: "Eve",
          email: "eve@b.example",
          phone: "+14155559999",
          address: "+14155559998",
          query: searchTerm,
          content: "hello @x",
          subject: "Hi",
          from: "2026-01-01",
          to: "2026-12-31",
        } as Record<string, string>
      )[name] ?? "text";
    case "number":
      return name === "scheduledAt" ? Date.now() + 3600_000 : name === "ratePerSecond" ? 5 : 1;
    case "boolean":
      return true;
    case "null":
      return null;
    case "literal":
      return type.value;
    case "array":
      return [valueFor(name, type.value as Json, ids, searchTerm)];
    case "union": {
      const members = type.value as Json[];
      const pick = members.find((m) => m.type !== "null") ?? members[0];
      return valueFor(name, pick, ids, searchTerm);
    }
    case "object":
      return objectFor(type.value as Fields, ids, searchTerm);
    case "record":
      return { key: "value" };
    default:
      return null;
  }
}

function objectFor(fields: Fields, ids: Ids, searchTerm: string) {
  return Object.fromEntries(
    Object.entries(fields).map(([k, f]) => [k, valueFor(k, f.fieldType, ids, searchTerm)]),
  );
}

/** Tables referenced by id in the arguments valueFor builds (of a union, the member it picks). */
function idTables(type: Json, out = new Set<TableNames>()): Set<TableNames> {
  if (type.type === "id") out.add(type.tableName as TableNames);
  const members = type.type === "union" ? (type.value as Json[]) : [];
  const picked = members.find((m) => m.type !== "null") ?? members[0];
  const children = [
    ...(picked ? [picked] : []),
    ...(type.type === "array" ? [type.value as Json] : []),
    ...(type.type === "object" ? Object.values(type.value as Fields).map((f) => f.fieldType) : []),
  ];
  for (const child of children) idTables(child, out);
  return out;
}

type Walked = { path: string; args: Json; call: (as: SignedIn["as"], args: unknown) => Promise<unknown> };

async function publicFunctions(): Promise<Walked[]> {
  const found: Walked[] = [];
  for (const mod of WALKED) {
    const loaded = (await modules[`./${mod}.ts`]()) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(loaded)) {
      const f = fn as { isPublic?: boolean; isQuery?: boolean; isMutation?: boolean; exportArgs?: () => string };
      if (!f?.isPublic || !(f.isQuery || f.isMutation)) continue;
      const ref = (api as unknown as Record<string, Record<string, FunctionReference<"query" | "mutation">>>)[mod][name];
      const call = f.isQuery
        ? (as: SignedIn["as"], args: unknown) => as.query(ref as FunctionReference<"query">, args as never)
        : (as: SignedIn["as"], args: unknown) => as.mutation(ref as FunctionReference<"mutation">, args as never);
      found.push({ path: `${mod}.${name}`, call, args: JSON.parse(f.exportArgs!()) });
    }
  }
  return found;
}

async function seedUser(t: TestConvex, u: SignedIn, label: string) {
  await t.run(async (ctx) => await provisionSimulatorSenders(ctx, u.userId));
  const fieldId = await u.as.mutation(api.customFields.create, { label: `${label} tier`, type: "text" });
  const contactId = await u.as.mutation(api.contacts.create, {
    name: `${label} Contact`,
    phone: label === "Alice" ? "+14155550100" : "+14155550200",
    email: `${label.toLowerCase()}@contact.example`,
    tags: [`${label} tag`],
    fields: { [`${label.toLowerCase()}_tier`]: `${label} gold` },
  });
  const groupId = await u.as.mutation(api.groups.create, { name: `${label} Group` });
  await u.as.mutation(api.groups.addMembers, { groupId, contactIds: [contactId] });
  const noteId = await u.as.mutation(api.notes.create, { contactId, content: `${label} note` });
  await u.as.mutation(api.drafts.save, { contactId, content: `${label} draft`, clientId: "seed" });
  const messageId = await u.as.mutation(api.messages.send, {
    contactId,
    channel: "sms",
    content: `${label} message`,
    scheduledAt: Date.now() + 3600_000,
  });
  const broadcastId = await u.as.mutation(api.broadcasts.create, {
    groupId,
    channel: "sms",
    content: `${label} broadcast`,
    scheduledAt: Date.now() + 7200_000,
  });
  const senderId = (await u.as.query(api.senders.list, {})).senders[0]._id;
  const storageId = await t.run(async (ctx) => await ctx.storage.store(new Blob([`name,phone\n${label} Imported,+1415555098${label.length}\n`])));
  const importId = await u.as.mutation(api.imports.create, { storageId, fileName: `${label}.csv` });
  // Let its analysis finish, so the snapshot below is taken of a settled account.
  for (let i = 0; i < 100 && (await u.as.query(api.imports.get, { importId })).status === "analyzing"; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const segmentId = await u.as.mutation(api.segments.create, { name: `${label} segment`, conditions: [{ kind: "tag", has: true, tag: `${label} tag` }] });
  const exportId = await u.as.mutation(api.exports.create, { kind: "contacts" });
  for (let i = 0; i < 100 && (await u.as.query(api.exports.get, { exportId })).status === "building"; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  // A fresh upload of the user's own, registered as an attachment, for the functions that take one.
  const upload = await storeFile(t, "GIF89a", "image/gif");
  await u.as.mutation(api.attachments.register, { storageId: upload, name: `${label}.gif`, contactId });
  const apiKeyId = (await u.as.mutation(api.apiKeys.create, { name: `${label} key` })).apiKey.id;
  // A device for notifications (any well-formed subscription: nothing is pushed here), a muted
  // conversation and changed preferences.
  const pushSubscriptionId = await u.as.mutation(api.notifications.subscribe, {
    endpoint: `https://push.example/${label}-${Math.random().toString(36).slice(2)}`,
    p256dh: `B${"A".repeat(86)}`,
    auth: "A".repeat(22),
    label: `${label} phone`,
  });
  await u.as.mutation(api.notifications.setMuted, { contactId, muted: true });
  await u.as.mutation(api.notifications.updateSettings, { newMessages: "none" });
  const templateId = await u.as.mutation(api.templates.create, { name: `${label} template`, channel: null, content: `${label} says hi {{firstName}}`, subject: "Hi" });
  await u.as.action(api.whatsappTemplateSync.sync, {});
  const whatsappTemplateId = (await u.as.query(api.whatsappTemplates.list, { approvedOnly: true }))[0]._id;
  await u.as.mutation(api.scheduling.updateSettings, { quietHoursEnabled: true, timeZone: "Europe/Paris" });
  const recurrenceId = await u.as.mutation(api.recurrences.create, {
    contactId,
    channel: "sms",
    content: `${label} weekly`,
    // Ten days ahead: under the 24.8 days past which a real timer (convex-test uses the real clock here) fires at once.
    spec: { freq: "weekly", interval: 1, weekdays: [0], start: `${new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10)}T10:00`, timeZone: "Europe/Paris" },
  });
  const autoReplyId = await u.as.mutation(api.autoReplies.create, {
    kind: "keyword",
    keyword: "hours",
    match: "exact",
    channels: ["sms"],
    content: `${label} hours`,
    cooldownMinutes: 60,
    enabled: true,
  });
  return {
    templates: templateId,
    whatsappTemplates: whatsappTemplateId,
    autoReplies: autoReplyId,
    recurrences: recurrenceId,
    contacts: contactId,
    groups: groupId,
    notes: noteId,
    messages: messageId,
    broadcasts: broadcastId,
    senders: senderId,
    apiKeys: apiKeyId,
    pushSubscriptions: pushSubscriptionId,
    customFields: fieldId,
    imports: importId,
    exports: exportId,
    segments: segmentId,
    _storage: upload,
    users: u.userId,
  } as Ids;
}

async function snapshot(t: TestConvex, userId: Id<"users">) {
  return await t.run(async (ctx) => {
    const out: Record<string, unknown[]> = {};
    for (const table of USER_TABLES) {
      out[table] = (await ctx.db.query(table).collect()).filter((d) => d.userId === userId);
    }
    return out;
  });
}

async function outcome(run: () => Promise<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    const data = (error as { data?: unknown }).data;
    return { ok: false, error: data ?? String(error) };
  }
}

describe("cross-user isolation", () => {
  it("walks every public function with the other user's ids", async () => {
    const t = setup();
    const alice = await signedInUser(t, "alice@example.com");
    const bob = await signedInUser(t, "bob@example.com");
    const aliceIds = await seedUser(t, alice, "Alice");
    // A storage id is a capability (unguessable, like an upload URL), not a document of A's to probe.
    delete aliceIds._storage;
    const bobIds = await seedUser(t, bob, "Bob");
    // Ids of the right tables that no longer exist: B must not tell A's from these.
    const goneIds = await t.run(async (ctx) => {
      const out: Ids = {};
      for (const table of [
        "contacts", "groups", "notes", "messages", "broadcasts", "senders", "apiKeys", "pushSubscriptions", "customFields", "imports", "exports", "segments",
        "templates", "whatsappTemplates", "recurrences", "autoReplies",
      ] as const) {
        const doc = await ctx.db.get(table, aliceIds[table] as Id<typeof table>);
        const { _id, _creationTime, ...fields } = doc!;
        const copy = await ctx.db.insert(table, fields as never);
        await ctx.db.delete(table, copy);
        out[table] = copy;
      }
      const file = await ctx.storage.store(new Blob(["gone"], { type: "image/gif" }));
      await ctx.storage.delete(file);
      out._storage = file;
      return out;
    });
    const aliceSecrets = Object.values(aliceIds).filter((id) => id !== alice.userId) as string[];
    // The rollup folds the seeding's aggregate changes in a moment later: let it, so the snapshot is still.
    await vi.waitFor(async () => expect(await t.run(async (ctx) => await ctx.db.query("aggregateDeltas").first())).toBeNull());
    const before = await snapshot(t, alice.userId);

    const fns = await publicFunctions();
    expect(fns.length).toBeGreaterThan(40);
    let probes = 0;
    for (const fn of fns) {
      const fields = (fn.args.value ?? {}) as Fields;
      const tables = [...idTables(fn.args)].filter((tb) => aliceIds[tb] && tb !== "users");
      // No ids: B's own call (searching for A's contact by name) must show nothing of A's.
      const variants: Array<{ foreign: TableNames | null }> = tables.length
        ? tables.map((foreign) => ({ foreign }))
        : [{ foreign: null }];
      for (const { foreign } of variants) {
        const ids = { ...bobIds, ...(foreign ? { [foreign]: aliceIds[foreign] } : {}) };
        const args = objectFor(fields, ids, "Alice");
        const result = await outcome(() => fn.call(bob.as, args));
        probes++;
        if (result.ok) {
          const text = JSON.stringify(result.value) ?? "";
          for (const secret of aliceSecrets) expect(text, `${fn.path} leaked ${secret}`).not.toContain(secret);
          expect(text, `${fn.path} leaked Alice's data`).not.toMatch(/Alice/);
        } else if (foreign) {
          expect(result.error, `${fn.path} with Alice's ${foreign}`).toMatchObject({ code: "NOT_FOUND" });
        } else {
          // Without any of Alice's ids, a refusal (e.g. a validation error) cannot reveal her data.
          expect(JSON.stringify(result.error), `${fn.path} leaked Alice's data`).not.toMatch(/Alice/);
        }
        if (foreign) {
          // Same answer as for an id that doesn't exist: nothing to detect.
          const goneArgs = objectFor(fields, { ...bobIds, [foreign]: goneIds[foreign] }, "Alice");
          const gone = await outcome(() => fn.call(bob.as, goneArgs));
          expect(gone, `${fn.path}: Alice's ${foreign} is distinguishable from a missing one`).toEqual(result);
        }
      }
    }
    expect(probes).toBeGreaterThanOrEqual(45);
    expect(await snapshot(t, alice.userId)).toEqual(before);
    // And A still sees all of it.
    expect((await alice.as.query(api.contacts.get, { contactId: aliceIds.contacts as Id<"contacts"> })).name).toBe(
      "Alice Contact",
    );
  });
});
