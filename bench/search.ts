/**
 * Message text search at scale: an account holding 100,000 messages (bench/profiles.ts) and one
 * holding 1,000. Documents read per search must not grow with the data: the search index does
 * the finding, and a query reads at most the messages it shows (or, with a date range, the
 * candidates it checks) plus one contact per result.
 *
 * Reads are counted where the emulator counts them against Convex's per-transaction limit (each
 * document a query, search or get hands to the function: `Transaction.countRead`), observed from
 * here. The function builders' own metering (convex/lib/metering.ts) cannot be used: functions
 * run in the emulator's VM contexts, whose globalThis is not this process's, so its sink never
 * hears from them. Other transactions running meanwhile (crons) could only add to a window's
 * count, so each case reports the smallest of its runs. Time per search on the emulator is
 * information only (its search scans the table; Convex's uses the index).
 */
import { performance } from "node:perf_hooks";
import { api } from "../convex/_generated/api";
import { RESULT_LIMIT, SCAN_LIMIT, SCAN_WITH_DATES } from "../convex/search";
import { Transaction } from "../emulator/transaction";
import { Backend, type User } from "./harness";
import { LARGE, QUICK_LARGE, SMALL, seedProfile } from "./profiles";
import { round, type Benchmark, type Figure } from "./stats";

type Args = { query: string; channel?: "sms" | "whatsapp" | "email"; direction?: "inbound" | "outbound"; from?: number; to?: number };
type Case = { name: string; args: (now: number) => Args; budget: number };

const CASES: Case[] = [
  { name: "a common word", args: () => ({ query: "question" }), budget: SCAN_LIMIT + RESULT_LIMIT },
  { name: "a common word, SMS, received", args: () => ({ query: "customer", channel: "sms", direction: "inbound" }), budget: SCAN_LIMIT + RESULT_LIMIT },
  { name: "a rare word", args: () => ({ query: "zebra" }), budget: SCAN_LIMIT + RESULT_LIMIT },
  {
    name: "a common word, last 30 days",
    args: (now) => ({ query: "answer", from: now - 30 * 86_400_000, to: now }),
    budget: SCAN_WITH_DATES + RESULT_LIMIT,
  },
];

/** Documents handed to functions by the in-process emulator since it started (all transactions). */
let documentsRead = 0;
const transaction = Transaction.prototype as unknown as { countRead: (doc: unknown) => void };
const countRead = transaction.countRead;
transaction.countRead = function (this: Transaction, doc: unknown) {
  documentsRead += 1;
  countRead.call(this, doc);
};

async function measure(user: User, args: Args): Promise<{ reads: number; results: number; ms: number }> {
  const before = documentsRead;
  const started = performance.now();
  const result = await user.http.query(api.search.messages, args);
  return { reads: documentsRead - before, results: result.results.length, ms: performance.now() - started };
}

/** The run that read least (others running meanwhile only add), with the mean time. */
async function measureRuns(user: User, args: Args, runs: number): Promise<{ reads: number; results: number; ms: number }> {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await measure(user, args));
  const least = all.reduce((a, b) => (b.reads < a.reads ? b : a));
  return { ...least, ms: all.reduce((sum, r) => sum + r.ms, 0) / all.length };
}

export const searchBenchmark: Benchmark = {
  name: "message-search-100k",
  description: "message text search: documents read per search at 100,000 vs 1,000 messages",
  async run(opts): Promise<Figure[]> {
    const largeSize = opts.quick ? QUICK_LARGE : LARGE;
    const backend = await Backend.start({ SIMULATOR_DELIVERY: "off" });
    try {
      const users: User[] = [];
      for (const [email, size, seed] of [["small@example.com", SMALL, 1], ["large@example.com", largeSize, 2]] as const) {
        const user = await backend.signUp(email);
        const started = performance.now();
        const profile = await seedProfile(backend, user, size, seed);
        // Two messages with a word nothing else has.
        for (const contactId of profile.contactIds.slice(0, 2)) {
          await user.client.mutation(api.messages.send, { contactId, channel: "sms", content: "The zebra print is back in stock", scheduledAt: Date.now() + 86_400_000 });
        }
        opts.log(`seeded ${email}: ${size.messages.toLocaleString()} messages in ${round((performance.now() - started) / 1000, 1)} s`);
        users.push(user);
      }
      const [small, large] = users as [User, User];
      const figures: Figure[] = [];
      for (const c of CASES) {
        const now = Date.now();
        await measure(small, c.args(now)); // warm up
        const s = await measureRuns(small, c.args(now), 3);
        await measure(large, c.args(now));
        const l = await measureRuns(large, c.args(now), opts.quick ? 2 : 5);
        // Each result is a document read: fewer reads than results means the count is not working.
        for (const [size, r] of [["large", l], ["small", s]] as const) {
          if (r.reads < r.results) throw new Error(`search "${c.name}" (${size}) counted ${r.reads} documents read for ${r.results} results`);
        }
        figures.push({
          name: `search reads: ${c.name}`,
          measured: `documents read by one search (results + the contacts they name), ${largeSize.messages.toLocaleString()} vs ${SMALL.messages.toLocaleString()} messages`,
          unit: "docs",
          runs: opts.quick ? 2 : 5,
          value: l.reads,
          target: `≤ ${c.budget} and no more than at ${SMALL.messages.toLocaleString()} messages + the extra results found`,
          met: l.reads <= c.budget && l.reads - l.results <= Math.max(s.reads - s.results, c.budget - RESULT_LIMIT),
          notes: `large: ${l.reads} read for ${l.results} results; small: ${s.reads} read for ${s.results} results; emulator time ${round(l.ms)} ms (a table scan there, informational)`,
        });
      }
      return figures;
    } finally {
      await backend.close();
    }
  },
};
