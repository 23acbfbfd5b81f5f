/**
 * The figures that only show at scale, on one emulator holding a large profile (10,000 contacts,
 * 500 groups, 100,000 messages over a year) and a small one (100 contacts, 1,000 messages):
 *
 * - read budgets: documents read and written by each hot function on both profiles, counted
 *   through the project's own function builders in bench mode (convex/lib/metering.ts);
 * - dispatch lag: scheduled time → the provider receiving the call (real Twilio SDK → local
 *   fake Twilio), for 1,000 messages scheduled across 60 s on the large account;
 * - the 10,000-member broadcast (bench/broadcast.ts) with the largest per-transaction reads
 *   and writes seen while it ran.
 */
import { performance } from "node:perf_hooks";
import { api } from "../convex/_generated/api";
import type { Id } from "../convex/_generated/dataModel";
import { setMeterSink, type Meter } from "../convex/lib/metering";
import { twilioRequest } from "../convex/webhooks/signing";
import { FakeProviderServer } from "../tests/fakes/providerServer";
import { runBroadcast } from "./broadcast";
import { Backend, waitFor, type User } from "./harness";
import { LARGE, QUICK_LARGE, SMALL, seedProfile, type Profile } from "./profiles";
import { percentile, round, type Figure } from "./stats";

type Options = { quick: boolean; log: (line: string) => void };
const TWILIO_TOKEN = "bench-twilio-token";

/** Sum the meters of every function that runs while `fn` does. */
async function metered<T>(fn: () => Promise<T>): Promise<{ result: T; reads: number; writes: number; transactions: number }> {
  const total = { reads: 0, writes: 0, transactions: 0 };
  setMeterSink((m: Meter) => {
    total.reads += m.reads;
    total.writes += m.writes;
    total.transactions += 1;
  });
  try {
    return { result: await fn(), ...total };
  } finally {
    setMeterSink(null);
  }
}

type Probe = { name: string; page: number | null; run: (p: ProfileCtx) => Promise<unknown> };
type ProfileCtx = Profile & { apiKey: string; number: string; olderCursor: string; statusSid: string };

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
let sidSeq = 0;

const PROBES = (backend: Backend): Probe[] => [
  { name: "inbox first page", page: 25, run: (p) => p.user.http.query(api.inbox.conversations, { paginationOpts: { numItems: 25, cursor: null } }) },
  { name: "thread first page", page: 50, run: (p) => p.user.http.query(api.messages.thread, { contactId: p.longThread, paginationOpts: { numItems: 50, cursor: null } }) },
  { name: "thread older page", page: 50, run: (p) => p.user.http.query(api.messages.thread, { contactId: p.longThread, paginationOpts: { numItems: 50, cursor: p.olderCursor } }) },
  { name: "conversation search", page: 20, run: (p) => p.user.http.query(api.contacts.search, { query: "example", limit: 20 }) },
  { name: "analytics, 90 days", page: 90, run: (p) => p.user.http.query(api.analytics.summary, { from: day(Date.now() - 89 * 86_400_000), to: day(Date.now()) }) },
  { name: "scheduled list page", page: 50, run: (p) => p.user.http.query(api.messages.upcoming, { paginationOpts: { numItems: 50, cursor: null } }) },
  { name: "contact list page", page: 50, run: (p) => p.user.http.query(api.contacts.list, { paginationOpts: { numItems: 50, cursor: null } }) },
  {
    name: "inbound webhook",
    page: null,
    run: async (p) => {
      const path = "/webhooks/twilio/inbound";
      const params = { MessageSid: `SMbench${++sidSeq}`, From: "+14155550777", To: p.number, Body: "Is it ready?" };
      const res = await backend.site(path, twilioRequest(TWILIO_TOKEN, `${backend.emulator.siteUrl}${path}`, params));
      if (res.status !== 200) throw new Error(`inbound webhook answered ${res.status}`);
    },
  },
  {
    name: "status webhook",
    page: null,
    run: async (p) => {
      const path = "/webhooks/twilio/status";
      const params = { MessageSid: p.statusSid, MessageStatus: "read" };
      const res = await backend.site(path, twilioRequest(TWILIO_TOKEN, `${backend.emulator.siteUrl}${path}`, params));
      if (res.status !== 200) throw new Error(`status webhook answered ${res.status}`);
    },
  },
  {
    name: "POST /api/v1/messages",
    page: null,
    run: async (p) => {
      const res = await backend.site("/api/v1/messages", {
        method: "POST",
        headers: { authorization: `Bearer ${p.apiKey}`, "content-type": "application/json" },
        // Scheduled, so no dispatch runs inside the measured window.
        body: JSON.stringify({ contactId: p.longThread, channel: "sms", content: "Order ready", scheduledAt: new Date(Date.now() + 86_400_000).toISOString() }),
      });
      if (res.status !== 202) throw new Error(`POST /api/v1/messages answered ${res.status}: ${await res.text()}`);
    },
  },
];

/** Reads budget for functions without a page: a handful of point lookups. */
const POINT_BUDGET = 12;

async function prepare(backend: Backend, profile: Profile): Promise<ProfileCtx> {
  const { user } = profile;
  const { key } = await user.client.mutation(api.apiKeys.create, { name: "bench" });
  const senders = (await user.client.query(api.senders.list, {})).senders;
  const number = senders.find((s) => s.channel === "sms" && s.isDefault)!.address;
  const first = await user.client.query(api.messages.thread, { contactId: profile.longThread, paginationOpts: { numItems: 50, cursor: null } });
  const sent = first.page.find((m) => m.direction === "outbound" && m.providerMessageId && m.status !== "read" && m.status !== "failed");
  return { ...profile, apiKey: key, number, olderCursor: first.continueCursor, statusSid: sent!.providerMessageId! };
}

async function readBudgets(backend: Backend, small: ProfileCtx, large: ProfileCtx, sizes: string): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const probe of PROBES(backend)) {
    await probe.run(small); // warm up (index builds, module loads)
    const s = await metered(() => probe.run(small));
    await probe.run(large);
    const l = await metered(() => probe.run(large));
    const budget = probe.page === null ? POINT_BUDGET : 2 * probe.page;
    const ratio = s.reads === 0 ? (l.reads === 0 ? 1 : Infinity) : l.reads / s.reads;
    figures.push({
      name: `reads: ${probe.name}`,
      measured: `documents read (written) in ${l.transactions} transaction(s), large vs small profile (${sizes})`,
      unit: "docs",
      runs: 1,
      value: l.reads,
      target: `large/small = 1.0 and ≤ ${budget} reads${probe.page === null ? " (point lookups)" : ` (2 × page of ${probe.page})`}`,
      met: ratio === 1 && l.reads <= budget,
      notes: `small ${s.reads} read / ${s.writes} written; large ${l.reads} read / ${l.writes} written; ratio ${round(ratio, 3)}`,
    });
  }
  return figures;
}

async function dispatchLag(backend: Backend, user: User, fake: FakeProviderServer, count: number, spreadMs: number): Promise<Figure> {
  const senders = (await user.client.query(api.senders.list, {})).senders;
  const twilio = senders.find((s) => s.provider === "twilio" && s.channel === "sms")!;
  await user.client.mutation(api.senders.setDefault, { senderId: twilio._id });
  const contactIds: Id<"contacts">[] = [];
  for (let i = 0; i < 50; i++) {
    contactIds.push(await user.client.mutation(api.contacts.create, { name: `Lag ${i}`, phone: `+1415666${String(1000 + i)}` }));
  }
  const start = Date.now() + 5_000;
  const due = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const scheduledAt = start + Math.floor((i * spreadMs) / count);
    const id = await user.client.mutation(api.messages.send, { contactId: contactIds[i % contactIds.length], channel: "sms", content: `Reminder ${i}`, scheduledAt });
    due.set(id, scheduledAt);
  }
  await waitFor(() => (fake.accepted("twilio").filter((r) => due.has(FakeProviderServer.messageIdOf(r) ?? "")).length >= count ? true : undefined), spreadMs + 60_000, 250);
  const lags: number[] = [];
  for (const r of fake.accepted("twilio")) {
    const scheduledAt = due.get(FakeProviderServer.messageIdOf(r) ?? "");
    if (scheduledAt !== undefined) lags.push(r.at - scheduledAt);
  }
  return {
    name: "dispatch lag",
    measured: `scheduledAt → the provider receiving the call, ${count.toLocaleString()} messages scheduled across ${spreadMs / 1000} s on the large account (real Twilio SDK → local fake Twilio)`,
    unit: "ms",
    runs: lags.length,
    median: round(percentile(lags, 50)),
    p95: round(percentile(lags, 95)),
    p99: round(percentile(lags, 99)),
    target: "p99 ≤ 1000 ms",
    met: percentile(lags, 99) <= 1000,
    notes: `max ${round(Math.max(...lags))} ms`,
  };
}

export async function scaleFigures(opts: Options): Promise<Figure[]> {
  const largeSize = opts.quick ? QUICK_LARGE : LARGE;
  const fake = await new FakeProviderServer().start();
  const backend = await Backend.start({
    BENCH_METRICS: "1",
    TWILIO_ACCOUNT_SID: `AC${"b".repeat(32)}`,
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    TWILIO_API_BASE_URL: fake.url,
    SIMULATOR_RATE_LIMIT: "200",
    SIMULATOR_DELIVERY: "on",
  });
  try {
    const figures: Figure[] = [];
    const profiles: Profile[] = [];
    for (const [email, size, seed] of [["small@example.com", SMALL, 1], ["large@example.com", largeSize, 2]] as const) {
      const user = await backend.signUp(email);
      // Twilio is configured, so sign-up gave SMS/WhatsApp no simulator sender: add one (the
      // default, for the broadcast) next to a Twilio one (for the dispatch-lag figure).
      const simulator = await user.client.mutation(api.senders.create, { channel: "sms", address: seed === 1 ? "+14155550101" : "+14155550102", provider: "simulator" });
      const twilioNumber = seed === 1 ? "+14155550201" : "+14155550202";
      fake.twilioAccount.accountSid = `AC${"b".repeat(32)}`;
      fake.twilioAccount.numbers.add(twilioNumber); // checked with (fake) Twilio's API when added
      await user.client.action(api.twilioSenders.create, { channel: "sms", address: twilioNumber, provider: "twilio" });
      await user.client.mutation(api.senders.setDefault, { senderId: simulator });
      const started = performance.now();
      profiles.push(await seedProfile(backend, user, size, seed));
      opts.log(`seeded ${email}: ${size.contacts.toLocaleString()} contacts, ${size.messages.toLocaleString()} messages in ${round((performance.now() - started) / 1000, 1)} s`);
    }
    const small = await prepare(backend, profiles[0]);
    const large = await prepare(backend, profiles[1]);
    const sizes = `${largeSize.messages.toLocaleString()} vs ${SMALL.messages.toLocaleString()} messages`;
    figures.push(...(await readBudgets(backend, small, large, sizes)));
    opts.log("read budgets done");

    figures.push(await dispatchLag(backend, large.user, fake, opts.quick ? 200 : 1000, opts.quick ? 15_000 : 60_000));
    opts.log("dispatch lag done");

    const simulator = (await large.user.client.query(api.senders.list, {})).senders.find((s) => s.provider === "simulator" && s.channel === "sms")!;
    await large.user.client.mutation(api.senders.setDefault, { senderId: simulator._id });
    let maxReads = 0;
    let maxWrites = 0;
    figures.push(
      ...(await runBroadcast(backend, large, {
        members: opts.quick ? 2_000 : 10_000,
        heldMessages: largeSize.messages,
        onMeter: (m) => {
          maxReads = Math.max(maxReads, m.reads);
          maxWrites = Math.max(maxWrites, m.writes);
        },
      })),
    );
    figures.push({
      name: "broadcast: largest transaction",
      measured: "most documents read / written by any one transaction while the broadcast ran (fan-out, pump, receipts)",
      unit: "docs",
      runs: 1,
      value: maxReads,
      target: "under 4,000 read / 2,000 written (⅛ of Convex's 32,000 scanned / 16,000 written)",
      met: maxReads < 32_000 / 8 && maxWrites < 16_000 / 8,
      notes: `${maxReads} read, ${maxWrites} written`,
    });
    return figures;
  } finally {
    await backend.close();
    await fake.stop();
  }
}
