import type { Request, RequestHandler } from 'express';

export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('rate limited');
    this.name = 'RateLimitedError';
  }
}

interface Window {
  startedAt: number;
  count: number;
}

/**
 * A fixed-window counter per key (the client address by default), kept in this instance's memory: with N instances
 * behind a load balancer a client gets up to N times the limit. Account lockout, which is what protects an account,
 * is counted in the database and shared.
 */
export function rateLimit(options: { limit: number; windowMs: number; now?: () => number; key?: (req: Request) => string }): RequestHandler {
  const windows = new Map<string, Window>();
  const now = options.now ?? Date.now;
  let lastSweep = now();
  return (req, _res, next) => {
    const time = now();
    if (time - lastSweep > options.windowMs) {
      for (const [key, window] of windows) if (time - window.startedAt >= options.windowMs) windows.delete(key);
      lastSweep = time;
    }
    const key = options.key ? options.key(req) : (req.ip ?? 'unknown');
    let window = windows.get(key);
    if (!window || time - window.startedAt >= options.windowMs) {
      window = { startedAt: time, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    if (window.count > options.limit) return next(new RateLimitedError(Math.max(1, Math.ceil((window.startedAt + options.windowMs - time) / 1000))));
    next();
  };
}
