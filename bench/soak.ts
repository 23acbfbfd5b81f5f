/**
 * The fault soak: 1,000 dispatches (SMS through the real Twilio SDK, email through the real
 * Resend SDK, both to local fakes) while the provider fails 30% of calls transiently, 5% never
 * answer (timeouts), and 2% are accepted and then the connection is cut (as when the sending
 * action dies after the provider accepted) — with exact-time jobs and cron sweeps overlapping. Reports duplicates, lost and stuck messages (all targets 0)
 * and the final status counts.
 */
import { api } from "../convex/_generated/api";
import type { Id } from "../convex/_generated/dataModel";
import { FakeProviderServer, type Fault } from "../tests/fakes/providerServer";
import { Backend } from "./harness";
import type { Figure } from "./stats";

const SENDING_TIMEOUT_MS = 5_000;
const SWEEP_EVERY_MS = 3_000;

function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

export async function soakFigures(opts: { quick: boolean; log: (line: string) => void }): Promise<Figure[]> {
  const count = opts.quick ? 200 : 1000;
  const spreadMs = opts.quick ? 5_000 : 20_000;
  const random = rng(2026);
  const fake = await new FakeProviderServer().start();
  let crashes = 0;
  fake.decide = (): Fault => {
    const x = random();
    if (x < 0.3) return { kind: "status", status: 503, twilioCode: 20503, resendName: "internal_server_error" };
    if (x < 0.35) return { kind: "hang" };
    // 2% of the rest: accepted, and the answer never arrives (the connection is cut).
    if (random() < 0.02) {
      crashes++;
      return { kind: "drop" };
    }
    return { kind: "ok" };
  };
  const backend = await Backend.start({
    TWILIO_ACCOUNT_SID: `AC${"c".repeat(32)}`,
    TWILIO_AUTH_TOKEN: "soak-token",
    TWILIO_API_BASE_URL: fake.url,
    RESEND_API_KEY: "re_soak",
    RESEND_API_BASE_URL: fake.url,
    PROVIDER_TIMEOUT_MS: "1000",
    SENDING_TIMEOUT_MS: String(SENDING_TIMEOUT_MS),
  });
  let sweeping = true;
  const sweeps = (async () => {
    while (sweeping) {
      await new Promise((r) => setTimeout(r, SWEEP_EVERY_MS));
      if (sweeping) await backend.run("dispatch/sweep:run", {});
    }
  })();
  try {
    const user = await backend.signUp("soak@example.com");
    // Twilio is configured: the number is checked with (fake) Twilio's API first.
    fake.twilioAccount.accountSid = `AC${"c".repeat(32)}`;
    fake.twilioAccount.numbers.add("+14155550100");
    await user.client.action(api.twilioSenders.create, { channel: "sms", address: "+14155550100" });
    await user.client.mutation(api.senders.create, { channel: "email", address: "shop@soak.example" });
    const contacts: Id<"contacts">[] = [];
    for (let i = 0; i < 100; i++) {
      contacts.push(await user.client.mutation(api.contacts.create, { name: `Soak ${i}`, phone: `+1415777${1000 + i}`, email: `soak${i}@example.com` }));
    }
    const start = Date.now() + 2_000;
    const ids: Id<"messages">[] = [];
    for (let i = 0; i < count; i++) {
      const email = i % 5 === 0;
      ids.push(
        await user.client.mutation(api.messages.send, {
          contactId: contacts[i % contacts.length],
          channel: email ? "email" : "sms",
          content: `Soak ${i}`,
          ...(email ? { subject: "Soak" } : {}),
          scheduledAt: start + Math.floor((i * spreadMs) / count),
        }),
      );
    }
    opts.log(`soak: ${count} messages scheduled`);
    // Wait until nothing is pending or in flight, or give up after the longest retry chain + sweep window.
    const deadline = start + spreadMs + 90_000;
    let statuses: Record<string, number> = {};
    for (;;) {
      statuses = await backend.run<Record<string, number>>("benchSeed:statusCounts", { messageIds: ids });
      const open = (statuses.scheduled ?? 0) + (statuses.queued ?? 0) + (statuses.sending ?? 0);
      if (open === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const stuck = (statuses.scheduled ?? 0) + (statuses.queued ?? 0) + (statuses.sending ?? 0);
    const accepted = new Map<string, number>();
    for (const r of fake.accepted()) {
      const id = FakeProviderServer.messageIdOf(r);
      if (id) accepted.set(id, (accepted.get(id) ?? 0) + 1);
    }
    const duplicates = [...accepted.values()].filter((n) => n > 1).length;
    const settled = (statuses.sent ?? 0) + (statuses.delivered ?? 0) + (statuses.read ?? 0) + (statuses.failed ?? 0);
    const lost = count - settled - stuck;
    const requests = fake.received.length;
    const summary = Object.entries(statuses).map(([s, n]) => `${s} ${n}`).join(", ");
    const common = { runs: count, unit: "messages" };
    return [
      { name: "soak: duplicates", measured: `messages the provider accepted more than once (${requests} provider requests, ${crashes} crashes after acceptance)`, ...common, value: duplicates, target: "0", met: duplicates === 0 },
      { name: "soak: lost", measured: "messages neither sent nor failed with a reason, nor still in flight", ...common, value: lost, target: "0", met: lost === 0 },
      { name: "soak: stuck", measured: `messages still scheduled/queued/sending ${(deadline - start) / 1000} s after the first was due (sweeper window ${SENDING_TIMEOUT_MS / 1000} s + sweeps every ${SWEEP_EVERY_MS / 1000} s)`, ...common, value: stuck, target: "0", met: stuck === 0 },
      { name: "soak: final statuses", measured: summary, ...common, value: settled, target: "informational", met: null },
    ];
  } finally {
    sweeping = false;
    await sweeps;
    await backend.close();
    await fake.stop();
  }
}
