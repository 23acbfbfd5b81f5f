// @vitest-environment node
/** Who a broadcast reaches: the count before sending, recipients by outcome, retrying the failed. */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeProvider } from "../tests/fakes/fakeProvider";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { code, loadEngineModules, runFor, setup, userWithSenders, type TestConvex } from "./test.setup";

// runFor gives functions real turns, not real time: load the engine's modules before the clock is faked.
beforeAll(loadEngineModules);

let provider: FakeProvider;
beforeEach(() => {
  vi.useFakeTimers();
  provider = new FakeProvider().install();
});
afterEach(() => {
  FakeProvider.uninstall();
  vi.useRealTimers();
});

const settle = (t: TestConvex) => t.finishAllScheduledFunctions(vi.runAllTimers, 1000);

/** Six members: two reachable, one without a phone, one opted out of SMS, two more reachable. */
async function group(t: TestConvex, as: Awaited<ReturnType<typeof userWithSenders>>["as"]) {
  const ids: Id<"contacts">[] = [];
  for (const [name, phone] of [["Ann", "+14155550101"], ["Bob", "+14155550102"], ["Cy", null], ["Di", "+14155550104"], ["Ed", "+14155550105"], ["Flo", "+14155550106"]] as const) {
    ids.push(await as.mutation(api.contacts.create, { name, ...(phone ? { phone } : { email: `${name.toLowerCase()}@x.com` }) }));
  }
  await as.mutation(api.contacts.setOptOut, { contactId: ids[3], channel: "sms", optedOut: true });
  const groupId = await as.mutation(api.groups.create, { name: "Regulars" });
  await as.mutation(api.groups.addMembers, { groupId, contactIds: ids });
  return groupId;
}

describe("broadcast outcomes", () => {
  it("counts who would be skipped and why before anything is sent, as the confirmation shows it", async () => {
    const t = setup();
    const { as } = await userWithSenders(t);
    const groupId = await group(t, as);
    const cost = async (channel: "sms" | "whatsapp") =>
      (await as.query(api.templates.audienceCost, { groupId, channel, content: "Open late tonight", paginationOpts: { numItems: 100, cursor: null } }))
        .page[0];
    expect(await cost("sms")).toMatchObject({
      recipients: 4,
      skipped: { noAddress: 1, optedOut: 1, whatsappWindowClosed: 0, missingVariable: 0, contentTooLong: 0 },
    });
    expect((await cost("whatsapp")).skipped).toMatchObject({ noAddress: 1, optedOut: 0, whatsappWindowClosed: 5 });
    expect(provider.calls).toHaveLength(0);
  });

  it("lists a recipient skipped for an empty merge field with the reason", async () => {
    const t = setup();
    const { as } = await userWithSenders(t);
    const ann = await as.mutation(api.contacts.create, { name: "Ann Lee", phone: "+14155550111" });
    // Named after the number: no first name to merge.
    const bare = await as.mutation(api.contacts.create, { name: "+1 415 555 0112", phone: "+14155550112" });
    const groupId = await as.mutation(api.groups.create, { name: "Pickups" });
    await as.mutation(api.groups.addMembers, { groupId, contactIds: [ann, bare] });
    const broadcastId = await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "Hi {{firstName}}, your order is ready" });
    await runFor(3000);
    await settle(t);
    const skipped = (await as.query(api.broadcastOutcomes.recipients, { broadcastId, outcome: "skipped", paginationOpts: { numItems: 10, cursor: null } })).page;
    expect(skipped.map((r) => [r.contactId, r.skipReason])).toEqual([[bare, "missingVariable"]]);
    expect(await as.query(api.broadcasts.get, { broadcastId })).toMatchObject({ counts: { skipped: 1 }, skipped: { missingVariable: 1 } });
  });

  it("lists recipients by outcome with reasons, and retries the failed once it has finished", async () => {
    const t = setup();
    const { as } = await userWithSenders(t);
    const groupId = await group(t, as);
    // The first two sends are refused for good (an invalid number), the rest go through.
    provider.answer(["permanent", "permanent"]);
    const sms = (await as.query(api.senders.list, {})).senders.find((s) => s.channel === "sms")!;
    await as.mutation(api.senders.update, { senderId: sms._id, ratePerSecond: 1 });
    const broadcastId = await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "Open late tonight" });
    await expect(as.mutation(api.broadcastOutcomes.retryFailed, { broadcastId })).rejects.toMatchObject(code("INVALID_STATE"));
    // While it goes out (slowly: one a second), each waiting status lists as many recipients as
    // its count says once the rollup has folded the counts in.
    await runFor(1500);
    const waiting = await as.query(api.broadcasts.get, { broadcastId });
    for (const status of ["queued", "scheduled", "sending"] as const) {
      const page = (await as.query(api.broadcastOutcomes.recipients, { broadcastId, outcome: status, paginationOpts: { numItems: 10, cursor: null } })).page;
      expect(page).toHaveLength(waiting.counts[status]);
    }
    expect(waiting.counts.queued + waiting.counts.scheduled + waiting.counts.sending).toBeGreaterThan(0);
    await runFor(6000);
    await settle(t);
    const b = await as.query(api.broadcasts.get, { broadcastId });
    expect(b).toMatchObject({ status: "completed", counts: { failed: 2, delivered: 2, skipped: 2 } });

    const list = async (outcome: "failed" | "skipped" | "delivered") =>
      (await as.query(api.broadcastOutcomes.recipients, { broadcastId, outcome, paginationOpts: { numItems: 10, cursor: null } })).page;
    const failed = await list("failed");
    expect(failed).toHaveLength(2);
    expect(failed[0].reason).toMatch(/not valid|invalid/i);
    expect((await list("skipped")).map((r) => [r.contactName, r.skipReason]).sort()).toEqual([
      ["Cy", "noAddress"],
      ["Di", "optedOut"],
    ]);
    expect(await list("delivered")).toHaveLength(2);

    // Retry: both go out again through the broadcast's lane, and the broadcast completes without failures.
    await as.mutation(api.broadcastOutcomes.retryFailed, { broadcastId });
    expect((await as.query(api.broadcasts.get, { broadcastId })).status).toBe("sending");
    await runFor(3000);
    await settle(t);
    expect(await as.query(api.broadcasts.get, { broadcastId })).toMatchObject({ status: "completed", counts: { failed: 0, delivered: 4 } });
    expect(provider.calls).toHaveLength(6);
    expect(await list("failed")).toEqual([]);
  });

  it("shows nothing of another user's broadcast", async () => {
    const t = setup();
    const { as } = await userWithSenders(t);
    const groupId = await group(t, as);
    const broadcastId = await as.mutation(api.broadcasts.create, { groupId, channel: "sms", content: "Hi" });
    const eve = await userWithSenders(t, "eve@example.com");
    await expect(
      eve.as.query(api.templates.audienceCost, { groupId, channel: "sms", content: "Hi", paginationOpts: { numItems: 5, cursor: null } }),
    ).rejects.toMatchObject(code("NOT_FOUND"));
    await expect(
      eve.as.query(api.broadcastOutcomes.recipients, { broadcastId, outcome: "failed", paginationOpts: { numItems: 5, cursor: null } }),
    ).rejects.toMatchObject(code("NOT_FOUND"));
    await expect(eve.as.mutation(api.broadcastOutcomes.retryFailed, { broadcastId })).rejects.toMatchObject(code("NOT_FOUND"));
  });
});
