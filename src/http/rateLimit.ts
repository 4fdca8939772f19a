import type { Request, RequestHandler } from 'express';
import type { RateLimitHit } from '../identity/rateLimits.js';

export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('rate limited');
    this.name = 'RateLimitedError';
  }
}

export interface RateLimitOptions extends Omit<RateLimitHit, 'key'> {
  /** The client address by default. */
  key?: (req: Request) => string;
}

/** Counts a request (services.rateLimits.count); answers the wait when the limit is passed. */
export type CountRequest = (hit: RateLimitHit) => Promise<{ retryAfterSeconds: number } | null>;

/** A fixed-window limit per client address (or `key`), counted by the domain in the shared database. */
export function rateLimit(count: CountRequest, options: RateLimitOptions): RequestHandler {
  const { key, ...limit } = options;
  return (req, _res, next) => {
    count({ ...limit, key: key ? key(req) : (req.ip ?? 'unknown') }).then((refused) => next(refused ? new RateLimitedError(refused.retryAfterSeconds) : undefined), next);
  };
}
