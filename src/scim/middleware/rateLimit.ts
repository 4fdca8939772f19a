import type { RequestHandler } from 'express';
import type { Clock } from '../../lib/clock.js';
import { sendScimError } from './sendError.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per SCIM token: `burst` requests at once, refilled at `perSecond`. Over the limit the request answers
 * 429 with an integer Retry-After in seconds (Okta honours it; an HTTP date it ignores). Kept in this instance's
 * memory: N instances behind a load balancer allow up to N times the rate.
 */
export function rateLimitScim(options: { perSecond: number; burst: number; clock: Clock }): RequestHandler {
  const buckets = new Map<string, Bucket>();
  let lastSweep = options.clock.now().getTime();
  const fullAfterMs = (options.burst / options.perSecond) * 1000;
  return (req, res, next) => {
    const key = req.scimPrincipal?.tokenId;
    if (!key) return next();
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
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / options.perSecond));
      sendScimError(res, 429, undefined, `Too many requests for this token: at most ${options.perSecond} per second (bursts of ${options.burst}). Retry after ${retryAfter} s.`, { 'Retry-After': String(retryAfter) });
      return;
    }
    bucket.tokens -= 1;
    next();
  };
}
