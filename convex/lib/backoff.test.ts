import { describe, expect, it } from "vitest";
import { backoffMs, RETRY_POLICY } from "./backoff";

describe("backoff", () => {
  it("doubles per attempt, with jitter within [step/2, step]", () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const step = Math.min(RETRY_POLICY.capMs, RETRY_POLICY.baseMs * 2 ** (attempt - 1));
      expect(backoffMs(attempt, 0, () => 0)).toBe(step / 2);
      expect(backoffMs(attempt, 0, () => 1)).toBe(step);
      const random = backoffMs(attempt, 0);
      expect(random).toBeGreaterThanOrEqual(step / 2);
      expect(random).toBeLessThanOrEqual(step);
    }
  });

  it("is capped, and honours Retry-After up to the cap", () => {
    expect(backoffMs(30, 0, () => 1)).toBe(RETRY_POLICY.capMs);
    expect(backoffMs(1, 60_000, () => 0)).toBe(60_000);
    expect(backoffMs(1, 24 * 3600_000, () => 0)).toBe(RETRY_POLICY.capMs);
  });
});
