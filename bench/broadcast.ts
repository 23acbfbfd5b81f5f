/**
 * A broadcast to `members` contacts while the account holds many messages, through the
 * simulator at 200/s: the sender is paced at 200/s and the simulator enforces 200/s per sender
 * (as Twilio answers 20429), so a pacing mistake shows as rate-limit errors. Targets: done in
 * ≤ 1.05 × the ideal time, zero rate-limit errors, each member messaged exactly once.
 */
import { performance } from "node:perf_hooks";
import { api } from "../convex/_generated/api";
import type { Doc, Id } from "../convex/_generated/dataModel";
import { setMeterSink, type Meter } from "../convex/lib/metering";
import type { Backend } from "./harness";
import type { Profile } from "./profiles";
import { round, type Figure } from "./stats";

const RATE = 200;

export async function runBroadcast(
  backend: Backend,
  profile: Profile,
  opts: { members: number; heldMessages: number; onMeter?: (meter: Meter) => void },
): Promise<Figure[]> {
  const { user, contactIds } = profile;
  const members = Math.min(opts.members, contactIds.length);
  const sms = (await user.client.query(api.senders.list, {})).senders.find((s) => s.channel === "sms" && s.isDefault)!;
  await user.client.mutation(api.senders.update, { senderId: sms._id, ratePerSecond: RATE });
  const groupId = await backend.run<Id<"groups">>("benchSeed:group", { userId: user.userId, name: "Everyone", contactIds: [] });
  for (let i = 0; i < members; i += 2000) {
    await backend.run("benchSeed:members", { groupId, contactIds: contactIds.slice(i, Math.min(members, i + 2000)) });
  }
  const refusedBefore = backend.simulatorRateLimited;
  // Every transaction of the broadcast (create, fan-out, pump, receipts), and the polling query.
  if (opts.onMeter) setMeterSink(opts.onMeter);
  const started = performance.now();
  const startedAt = Date.now();
  let done;
  try {
    const broadcastId = await user.client.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "Big sale today!" });
    // Watch it live, as the progress view does: the moment it completes, not the next poll.
    done = await new Promise<Doc<"broadcasts">>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the broadcast did not complete in 10 minutes")), 10 * 60_000);
      const stop = user.client.onUpdate(api.broadcasts.get, { broadcastId }, (b) => {
        if (b.status !== "completed") return;
        clearTimeout(timer);
        stop();
        resolve(b);
      });
    });
  } finally {
    setMeterSink(null);
  }
  const broadcastId = done._id;
  const seconds = (performance.now() - started) / 1000;
  const rateLimited = backend.simulatorRateLimited - refusedBefore;
  const attempts = await backend.run<{ messages: number; calls: number; firstSlotAt: number; firstSentAt: number; lastSentAt: number }>(
    "benchSeed:broadcastAttempts",
    { broadcastId },
  );
  // Where the time went: before the first send, sending, and after the last one.
  const phases = `first slot after ${round((attempts.firstSlotAt - startedAt) / 1000)} s, first send after ${round((attempts.firstSentAt - startedAt) / 1000)} s, sending ${round((attempts.lastSentAt - attempts.firstSentAt) / 1000)} s, completed ${round(seconds - (attempts.lastSentAt - startedAt) / 1000)} s after the last`;
  const ideal = members / RATE;
  return [
    {
      name: "broadcast total time",
      measured: `${members.toLocaleString()}-member broadcast through the simulator, sender paced at ${RATE}/s, account holding ${opts.heldMessages.toLocaleString()} messages`,
      unit: "s",
      runs: 1,
      value: round(seconds),
      target: `≤ ${round(ideal * 1.05)} s (1.05 × ${ideal} s)`,
      met: seconds <= ideal * 1.05,
      notes: phases,
    },
    {
      name: "broadcast rate-limit errors",
      measured: `sends the simulator refused for exceeding ${RATE}/s per sender (Twilio's 20429)`,
      unit: "errors",
      runs: 1,
      value: rateLimited,
      target: "0",
      met: rateLimited === 0,
    },
    {
      name: "broadcast provider calls",
      measured: `provider calls beyond one per messaged member (delivered ${done.counts.delivered + done.counts.sent}, failed ${done.counts.failed}, skipped ${done.counts.skipped})`,
      unit: "extra calls",
      runs: 1,
      value: attempts.calls - attempts.messages,
      target: "0, and every member messaged",
      met: attempts.calls === attempts.messages && attempts.messages === members - done.counts.skipped,
    },
  ];
}
