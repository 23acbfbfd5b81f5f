/**
 * A broadcast pump's pace: a token bucket kept on the clock of the provider calls themselves.
 *
 * The bucket's level is measured at the moment a batch is handed to the provider (not when it
 * was claimed), so a claim that returns late never lets two batches land closer together than
 * the sender's rate allows, and the time a claim took is not lost to the pace either. It holds
 * at most `burst` sends: a pump that was late catches up by that much, no more.
 */
export type Bucket = { level: number; at: number };

/** How many sends a bucket holds: `catchUpMs` worth at the rate, and at least one. */
export function bucketCapacity(ratePerSecond: number, catchUpMs: number): number {
  return Math.max(1, (ratePerSecond * catchUpMs) / 1000);
}

/** The bucket's level at `now`: refilled at the rate since it was last measured, capped. */
export function levelAt(bucket: Bucket, now: number, ratePerSecond: number, capacity: number): number {
  return Math.min(capacity, bucket.level + (ratePerSecond * Math.max(0, now - bucket.at)) / 1000);
}

/** When the bucket will hold one whole send again. */
export function nextSendAt(bucket: Bucket, ratePerSecond: number): number {
  return bucket.at + Math.ceil((Math.max(0, 1 - bucket.level) * 1000) / ratePerSecond);
}
