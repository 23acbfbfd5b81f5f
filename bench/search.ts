/**
 * Message text search at scale: an account holding 100,000 messages (bench/profiles.ts) and one
 * holding 1,000. Documents read per search, counted through the function builders in bench mode
 * (convex/lib/metering.ts), must not grow with the data: the search index does the finding, and
 * a query reads at most the messages it shows (or, with a date range, the candidates it checks)
 * plus one contact per result. Time per search on the emulator is reported as information only
 * (its search is convex-test's scan, not Convex's index).
 */
import { performance } from "node:perf_hooks";
import { api } from "../convex/_generated/api";
import { setMeterSink, type Meter } from "../convex/lib/metering";
import { RESULT_LIMIT, SCAN_LIMIT, SCAN_WITH_DATES } from "../convex/search";
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

async function measure(user: User, args: Args): Promise<{ reads: number; results: number; ms: number }> {
  let reads = 0;
  setMeterSink((m: Meter) => {
    reads += m.reads;
  });
  try {
    const started = performance.now();
    const result = await user.http.query(api.search.messages, args);
    return { reads, results: result.results.length, ms: performance.now() - started };
  } finally {
    setMeterSink(null);
  }
}

export const searchBenchmark: Benchmark = {
  name: "message-search-100k",
  description: "message text search: documents read per search at 100,000 vs 1,000 messages",
  async run(opts): Promise<Figure[]> {
    const largeSize = opts.quick ? QUICK_LARGE : LARGE;
    const backend = await Backend.start({ BENCH_METRICS: "1", SIMULATOR_DELIVERY: "off" });
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
        const s = await measure(small, c.args(now));
        await measure(large, c.args(now));
        const times: number[] = [];
        let l = { reads: 0, results: 0, ms: 0 };
        for (let i = 0; i < (opts.quick ? 2 : 5); i++) {
          l = await measure(large, c.args(now));
          times.push(l.ms);
        }
        figures.push({
          name: `search reads: ${c.name}`,
          measured: `documents read by one search (results + the contacts they name), ${largeSize.messages.toLocaleString()} vs ${SMALL.messages.toLocaleString()} messages`,
          unit: "docs",
          runs: 1,
          value: l.reads,
          target: `≤ ${c.budget} and no more than at ${SMALL.messages.toLocaleString()} messages + the extra results found`,
          met: l.reads <= c.budget && l.reads - l.results <= Math.max(s.reads - s.results, c.budget - RESULT_LIMIT),
          notes: `large: ${l.reads} read for ${l.results} results; small: ${s.reads} read for ${s.results} results; emulator time ${round(times.reduce((a, b) => a + b, 0) / times.length)} ms (convex-test scan, informational)`,
        });
      }
      return figures;
    } finally {
      await backend.close();
    }
  },
};
