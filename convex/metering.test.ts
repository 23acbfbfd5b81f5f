// @vitest-environment node
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import { setMeterSink, type Meter } from "./lib/metering";
import { setup, userWithSenders } from "./test.setup";

afterEach(() => {
  setMeterSink(null);
  vi.unstubAllEnvs();
});

describe("bench-mode metering through the function builders", () => {
  it("counts documents read and written per function, and nothing when off", async () => {
    const t = setup();
    const { as } = await userWithSenders(t);
    for (let i = 0; i < 7; i++) await as.mutation(api.contacts.create, { name: `C${i}`, email: `c${i}@x.com` });
    const seen: Meter[] = [];
    setMeterSink((m) => seen.push({ ...m }));

    await as.query(api.contacts.list, { paginationOpts: { numItems: 5, cursor: null } });
    expect(seen).toEqual([]); // off unless BENCH_METRICS=1

    vi.stubEnv("BENCH_METRICS", "1");
    await as.query(api.contacts.list, { paginationOpts: { numItems: 5, cursor: null } });
    expect(seen.pop()).toEqual({ reads: 5, writes: 0, tables: { contacts: { reads: 5, writes: 0 } } });
    const contactId = await as.mutation(api.contacts.create, { name: "Ann", phone: "+14155550123" });
    // Duplicate checks (phone: no match), the contact count as a delta for the rollup (and a read
    // of the rollup's state to wake it), the insert, the audit entry.
    expect(seen.pop()).toEqual({
      reads: 1,
      writes: 3,
      tables: {
        workers: { reads: 1, writes: 0 },
        aggregateDeltas: { reads: 0, writes: 1 },
        contacts: { reads: 0, writes: 1 },
        auditLog: { reads: 0, writes: 1 },
      },
    });
    await as.query(api.contacts.get, { contactId });
    expect(seen.pop()).toMatchObject({ reads: 1, writes: 0 });
    // Internal functions are metered too: a rejected webhook is a delta, never a shared counter.
    await t.mutation(internal.webhooks.log.reject, { provider: "p", reason: "r" });
    expect(seen.pop()).toEqual({ reads: 1, writes: 1, tables: { workers: { reads: 1, writes: 0 }, aggregateDeltas: { reads: 0, writes: 1 } } });
    // A failed function reports nothing (its writes were rolled back).
    await expect(as.mutation(api.contacts.create, { name: "Dup", phone: "+14155550123" })).rejects.toThrow();
    expect(seen).toEqual([]);
  });
});
