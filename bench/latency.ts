/**
 * Mutation → subscription latency through the emulator: one client changes a contact, another
 * client (the same user in a second browser) is subscribed to it; the time until the second
 * client's callback sees the change, over 500 runs. Target: p95 under 20 ms.
 */
import { performance } from "node:perf_hooks";
import { ConvexClient } from "convex/browser";
import { api } from "../convex/_generated/api";
import type { Id } from "../convex/_generated/dataModel";

import { BENCH_SITE_PORT, benchAuthKeys, startBenchEmulator } from "./harness";
import { percentile, round, type Benchmark, type Figure } from "./stats";

const RUNS = 500;
const WARM_UP = 30;
const BACKGROUND_CONTACTS = 1000;

export const latencyBenchmark: Benchmark = {
  name: "mutation-to-subscription",
  description: `mutation → another client's subscription update, ${RUNS} runs, ${BACKGROUND_CONTACTS} contacts`,
  async run({ quick }): Promise<Figure[]> {
    const runs = quick ? 100 : RUNS;
    Object.assign(process.env, await benchAuthKeys(), { SITE_URL: "http://localhost:3000" });
    const emulator = await startBenchEmulator({
      port: 0,
      sitePort: BENCH_SITE_PORT,
      envFile: null,
      dataDir: null,
      log: () => undefined,
    });
    const writer = new ConvexClient(emulator.url, { unsavedChangesWarning: false });
    const reader = new ConvexClient(emulator.url, { unsavedChangesWarning: false });
    try {
      const { tokens } = (await writer.action(api.auth.signIn, {
        provider: "password",
        params: { email: "bench@example.com", password: "bench-password", flow: "signUp" },
      })) as { tokens: { token: string } };
      writer.setAuth(async () => tokens.token);
      reader.setAuth(async () => tokens.token);

      for (let i = 0; i < BACKGROUND_CONTACTS; i++) {
        await writer.mutation(api.contacts.create, { name: `Contact ${i}`, email: `c${i}@example.com` });
      }
      const contactId: Id<"contacts"> = await writer.mutation(api.contacts.create, {
        name: "Bench",
        phone: "+14155550100",
      });

      // The reader watches the contact and the first page of the list, as the contacts page does.
      let seen = "";
      let wake: (() => void) | null = null;
      reader.onUpdate(api.contacts.get, { contactId }, (contact) => {
        seen = contact.name;
        wake?.();
      });
      reader.onUpdate(api.contacts.list, { paginationOpts: { numItems: 50, cursor: null } }, () => undefined);
      const waitFor = (name: string) =>
        new Promise<void>((resolve) => {
          if (seen === name) return resolve();
          wake = () => {
            if (seen === name) {
              wake = null;
              resolve();
            }
          };
        });
      await waitFor("Bench");

      const other: number[] = [];
      const own: number[] = [];
      for (let i = 0; i < WARM_UP + runs; i++) {
        const name = `Bench ${i}`;
        const started = performance.now();
        const seenByReader = waitFor(name).then(() => performance.now() - started);
        const resolved = writer
          .mutation(api.contacts.update, { contactId, name })
          .then(() => performance.now() - started);
        const [a, b] = await Promise.all([seenByReader, resolved]);
        if (i >= WARM_UP) {
          other.push(a);
          own.push(b);
        }
      }
      return [
        {
          name: "mutation → subscription",
          measured: `a mutation by one client → another client's subscription update, ${BACKGROUND_CONTACTS.toLocaleString()} contacts (emulator, ConvexClient)`,
          unit: "ms",
          runs,
          median: round(percentile(other, 50)),
          p95: round(percentile(other, 95)),
          p99: round(percentile(other, 99)),
          target: "p95 < 20 ms",
          met: percentile(other, 95) < 20,
          notes: `own mutation resolved p50 ${round(percentile(own, 50))} ms, p95 ${round(percentile(own, 95))} ms`,
        },
      ];
    } finally {
      await Promise.all([writer.close(), reader.close()]);
      await emulator.close();
    }
  },
};
