import { describe, expect, it } from "vitest";
import { bucketCapacity, levelAt, nextSendAt } from "./pacing";

describe("pump pacing", () => {
  it("holds the catch-up window's worth of sends, and at least one", () => {
    expect(bucketCapacity(200, 200)).toBe(40);
    expect(bucketCapacity(1, 200)).toBe(1);
  });

  it("refills at the rate since it was measured, up to its capacity", () => {
    expect(levelAt({ level: 0, at: 1_000 }, 1_050, 200, 40)).toBe(10);
    expect(levelAt({ level: 3, at: 1_000 }, 1_010, 200, 40)).toBe(5);
    expect(levelAt({ level: 0, at: 1_000 }, 60_000, 200, 40)).toBe(40);
    // A clock read before the measurement adds nothing.
    expect(levelAt({ level: 2, at: 1_000 }, 990, 200, 40)).toBe(2);
  });

  it("says when one whole send is back", () => {
    expect(nextSendAt({ level: 0, at: 1_000 }, 1)).toBe(2_000);
    expect(nextSendAt({ level: 0.75, at: 1_000 }, 1)).toBe(1_250);
    expect(nextSendAt({ level: 4, at: 1_000 }, 200)).toBe(1_000);
  });

  it("keeps batches measured at send time within the rate, whatever each claim's delay", () => {
    // Claims that return after random delays: the provider's own bucket (rate 200/s, a quarter
    // second of burst, like the simulator's) never runs dry, and the pace is kept.
    const rate = 200;
    const capacity = bucketCapacity(rate, 200);
    let provider = { level: rate / 4, at: 0 };
    let ours: { level: number; at: number } | null = null;
    let clock = 0;
    let sent = 0;
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    while (clock < 10_000) {
      const claimAt = clock;
      const level: number = ours ? levelAt(ours, claimAt, rate, capacity) : 10;
      const n = Math.floor(level);
      const sentAt = claimAt + Math.floor(random() * 120); // the claim's delay
      ours = { level: levelAt({ level, at: claimAt }, sentAt, rate, capacity) - n, at: sentAt };
      const providerLevel = levelAt(provider, sentAt, rate, rate / 4);
      expect(providerLevel).toBeGreaterThanOrEqual(n);
      provider = { level: providerLevel - n, at: sentAt };
      sent += n;
      clock = Math.max(sentAt, claimAt + 50);
    }
    expect(sent).toBeGreaterThan(rate * 10 * 0.97);
  });
});
