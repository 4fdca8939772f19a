import type { Random } from '../../lib/random.js';

/**
 * When a failed webhook delivery is tried again. After its n-th failed attempt a delivery waits a time drawn at random
 * between 0 and the n-th step of the schedule (full jitter: receivers that come back after an outage are not hit by
 * every retry at once); past the schedule's end the last step repeats. It is retried for at least the window after its
 * first attempt: no wait goes past the window's end, and only an attempt that fails at or after that end is the last.
 * With the defaults (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; 24 h) that is about eight to ten attempts over 24 hours.
 */
export interface RetryPolicy {
  /** The longest wait after the 1st, 2nd… failed attempt, in milliseconds. */
  schedule: readonly number[];
  /** How long after its first attempt a delivery is still retried, in milliseconds. */
  windowMs: number;
}

/** The shortest wait between two attempts, whatever the draw. */
export const MIN_RETRY_WAIT_MS = 1000;

/** A number drawn uniformly from [0, 1). */
export function draw(random: Random): number {
  return random.bytes(4).readUInt32BE(0) / 2 ** 32;
}

/**
 * When to try again after the `attempts`-th attempt (counting from 1) failed at `now`, or null when that attempt was
 * the last (the window since `firstAttemptAt` has passed).
 */
export function nextAttemptAt(policy: RetryPolicy, attempts: number, firstAttemptAt: Date, now: Date, uniform: number): Date | null {
  const windowEnd = firstAttemptAt.getTime() + policy.windowMs;
  if (now.getTime() >= windowEnd) return null;
  const step = policy.schedule[Math.min(attempts, policy.schedule.length) - 1] ?? policy.windowMs;
  const wait = Math.max(MIN_RETRY_WAIT_MS, Math.floor(uniform * step));
  return new Date(Math.min(now.getTime() + wait, windowEnd));
}
