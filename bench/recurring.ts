/**
 * `npm run bench -- recurring`: 1,000 recurring messages whose occurrences are all due in the same
 * minute, on the OCC emulator. Each series (daily at one wall-clock minute, UTC) keeps one pending
 * occurrence, an ordinary scheduled message; the singles lane's pump sends them when due, and the
 * job at each occurrence's time creates the next. Measured: the occurrence's time → the provider
 * receiving the call (real Twilio SDK → local fake Twilio), and whether every series moved on to
 * its next occurrence. Five accounts of 200 series each (an account holds at most 200).
 */
import os from "node:os";
import { api } from "../convex/_generated/api";
import type { Id } from "../convex/_generated/dataModel";
import { FakeProviderServer } from "../tests/fakes/providerServer";
import { Backend, waitFor, type User } from "./harness";
import { percentile, round, type Benchmark, type Figure, type RunOptions } from "./stats";

const TWILIO_TOKEN = "bench-twilio-token";
const ACCOUNTS = 5;
const MINUTE = 60_000;

function load(): string {
  return os.loadavg().map((n) => n.toFixed(2)).join(" / ");
}

async function recurringFigures(opts: RunOptions): Promise<Figure[]> {
  const perAccount = opts.quick ? 40 : 200;
  const total = perAccount * ACCOUNTS;
  const fake = await new FakeProviderServer().start();
  const backend = await Backend.start({
    TWILIO_ACCOUNT_SID: `AC${"b".repeat(32)}`,
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    TWILIO_API_BASE_URL: fake.url,
  });
  const loadBefore = load();
  try {
    fake.twilioAccount.accountSid = `AC${"b".repeat(32)}`;
    const accounts: Array<{ user: User; contacts: Id<"contacts">[] }> = [];
    for (let a = 0; a < ACCOUNTS; a++) {
      const user = await backend.signUp(`recurring-${a}@example.com`);
      const number = `+1415555030${a}`;
      fake.twilioAccount.numbers.add(number);
      const senderId = await user.client.action(api.twilioSenders.create, { channel: "sms", address: number, provider: "twilio" });
      await user.client.mutation(api.senders.setDefault, { senderId });
      const contacts: Id<"contacts">[] = [];
      for (let i = 0; i < perAccount; i++) {
        contacts.push(await user.client.mutation(api.contacts.create, { name: `Recurring ${a}-${i}`, phone: `+1415777${String(a)}${String(i).padStart(3, "0")}` }));
      }
      accounts.push({ user, contacts });
    }
    opts.log(`${ACCOUNTS} accounts, ${total.toLocaleString()} contacts`);

    // Every series' first occurrence: the same wall-clock minute, at least 90 s after creation starts.
    const due = Math.ceil((Date.now() + (opts.quick ? 60_000 : 150_000)) / MINUTE) * MINUTE;
    const start = new Date(due).toISOString().slice(0, 16);
    const created = Date.now();
    const series: Array<{ user: User; id: Id<"recurrences"> }> = [];
    for (const { user, contacts } of accounts) {
      for (const contactId of contacts) {
        const id = await user.client.mutation(api.recurrences.create, {
          contactId,
          channel: "sms",
          content: "Your daily reminder.",
          spec: { freq: "daily", interval: 1, start, timeZone: "UTC" },
        });
        series.push({ user, id });
      }
    }
    opts.log(`${total.toLocaleString()} series created in ${round((Date.now() - created) / 1000, 1)} s; all due at ${new Date(due).toISOString()}`);
    if (Date.now() >= due) throw new Error("creating the series took past their first occurrence; raise the lead time");

    const loadDuring: string[] = [];
    const sampler = setInterval(() => loadDuring.push(load()), 5_000);
    const received = () => fake.accepted("twilio").filter((r) => r.at >= due - 1_000);
    try {
      await waitFor(() => (received().length >= total ? true : undefined), due - Date.now() + 10 * MINUTE, 250);
    } finally {
      clearInterval(sampler);
    }
    const lags = received().map((r) => r.at - due);
    // Every series has moved on: its next occurrence is the same minute tomorrow.
    let advanced = 0;
    await waitFor(async () => {
      advanced = 0;
      for (const { user, id } of series) {
        const view = await user.http.query(api.recurrences.get, { recurrenceId: id });
        if (view.upcoming[0] === due + 86_400_000 && view.occurrences === 2) advanced++;
      }
      return advanced === total ? true : undefined;
    }, 2 * MINUTE, 2_000).catch(() => undefined);

    const loadNote = `load average (1/5/15 min) before ${loadBefore}; while sending ${loadDuring.length ? `${loadDuring[0]} … ${loadDuring[loadDuring.length - 1]}` : load()}; ${os.cpus().length} cores`;
    opts.log(loadNote);
    return [
      {
        name: "recurring: dispatch lag",
        measured: `occurrence time → the provider receiving the call, ${total.toLocaleString()} recurring messages (${ACCOUNTS} accounts × ${perAccount}) all due the same minute (real Twilio SDK → local fake Twilio)`,
        unit: "ms",
        runs: lags.length,
        median: round(percentile(lags, 50)),
        p95: round(percentile(lags, 95)),
        p99: round(percentile(lags, 99)),
        target: "reported (no target in the issue); every occurrence sent once",
        met: null,
        notes: `first ${round(Math.min(...lags))} ms, last ${round(Math.max(...lags))} ms; ${loadNote}`,
      },
      {
        name: "recurring: next occurrences created",
        measured: "series whose next occurrence (the same minute the next day) exists after the minute passed",
        unit: "series",
        runs: 1,
        value: advanced,
        target: `${total.toLocaleString()} of ${total.toLocaleString()}`,
        met: advanced === total,
      },
    ];
  } finally {
    await backend.close();
    await fake.stop();
  }
}

export const recurringBenchmark: Benchmark = {
  name: "recurring",
  description: "1,000 recurring occurrences due the same minute: dispatch lag",
  run: (o) => recurringFigures(o),
};
