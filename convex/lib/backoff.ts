/** Retry policy for transient send errors: exponential backoff with jitter, bounded. */
export const RETRY_POLICY = {
  /** Total tries, the first included. */
  maxAttempts: 5,
  baseMs: 2_000,
  capMs: 5 * 60_000,
} as const;

/**
 * Delay before the next try after `attempt` tries failed: half the exponential step
 * plus a random half ("equal jitter"), never below a provider's Retry-After.
 */
export function backoffMs(attempt: number, retryAfterMs = 0, random: () => number = Math.random): number {
  const step = Math.min(RETRY_POLICY.capMs, RETRY_POLICY.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(step / 2 + random() * (step / 2));
  return Math.max(jittered, Math.min(retryAfterMs, RETRY_POLICY.capMs));
}
