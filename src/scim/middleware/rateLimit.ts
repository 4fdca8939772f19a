import type { Clock } from '../../lib/clock.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  clock: Clock;
}

/** Takes one request from a token's bucket: undefined when allowed, else the whole seconds to wait. */
export interface TokenBuckets {
  options: RateLimitOptions;
  take(key: string): number | undefined;
}

/**
 * A token bucket per SCIM token: `burst` requests at once, refilled at `perSecond`. Kept in this instance's memory:
 * N instances behind a load balancer allow up to N times the rate.
 */
export function tokenBuckets(options: RateLimitOptions): TokenBuckets {
  const buckets = new Map<string, Bucket>();
  let lastSweep = options.clock.now().getTime();
  const fullAfterMs = (options.burst / options.perSecond) * 1000;
  return {
    options,
    take(key) {
      const now = options.clock.now().getTime();
      if (now - lastSweep > Math.max(60_000, fullAfterMs)) {
        // Buckets that have refilled completely are the same as absent ones.
        for (const [k, b] of buckets) if (now - b.updatedAt >= fullAfterMs) buckets.delete(k);
        lastSweep = now;
      }
      const bucket = buckets.get(key) ?? { tokens: options.burst, updatedAt: now };
      bucket.tokens = Math.min(options.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * options.perSecond);
      bucket.updatedAt = now;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return Math.max(1, Math.ceil((1 - bucket.tokens) / options.perSecond));
      bucket.tokens -= 1;
      return undefined;
    },
  };
}

/** The 429 of a token over its rate, with an integer Retry-After in seconds (Okta honours it; an HTTP date it ignores). */
export function tooManyRequests(buckets: TokenBuckets, retryAfter: number): { detail: string; headers: Record<string, string> } {
  const { perSecond, burst } = buckets.options;
  return { detail: `Too many requests for this token: at most ${perSecond} per second (bursts of ${burst}). Retry after ${retryAfter} s.`, headers: { 'Retry-After': String(retryAfter) } };
}
