import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { QueryTypes } from 'sequelize';
import type { Database } from '../db/database.js';
import type { Clock } from '../lib/clock.js';

export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('rate limited');
    this.name = 'RateLimitedError';
  }
}

export interface RateLimitOptions {
  /** Names the limit, so that two limits on one address count apart. */
  name: string;
  limit: number;
  windowMs: number;
  /** The client address by default. */
  key?: (req: Request) => string;
}

/**
 * A fixed-window counter per client address, kept in the database so that every instance behind a load balancer
 * counts the same requests (one small transaction per request). The bucket is a hash: no address is stored. Account lockout,
 * which protects each account, is counted apart (sign_in_failures).
 */
export function rateLimit(db: Database, clock: Clock, options: RateLimitOptions): RequestHandler {
  const upsert =
    'INSERT INTO rate_limit_windows (bucket, window_start, hits, expires_at) VALUES (:bucket, :start, 1, :expires) ' +
    'ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1';
  const read = 'SELECT hits FROM rate_limit_windows WHERE bucket = :bucket AND window_start = :start';
  return (req, _res, next) => {
    const now = clock.now().getTime();
    const start = now - (now % options.windowMs);
    const key = options.key ? options.key(req) : (req.ip ?? 'unknown');
    const replacements = { bucket: createHash('sha256').update(`${options.name}\0${key}`).digest('hex'), start, expires: start + options.windowMs };
    // One transaction: the upsert holds the row until the count is read (SQLite's driver cannot RETURNING an insert).
    db.tx(async (transaction) => {
      await db.sequelize.query(upsert, { replacements, transaction });
      const [row] = await db.sequelize.query<{ hits: number | string }>(read, { type: QueryTypes.SELECT, replacements, transaction });
      return Number(row?.hits ?? 0);
    }).then((hits) => {
      if (hits > options.limit) return next(new RateLimitedError(Math.max(1, Math.ceil((start + options.windowMs - now) / 1000))));
      next();
    }, next);
  };
}

/** Deletes the windows that are over (a scheduled job). */
export async function sweepRateLimits(db: Database, clock: Clock): Promise<number> {
  const deleted = await db.sequelize.query('DELETE FROM rate_limit_windows WHERE expires_at <= :now', { type: QueryTypes.BULKDELETE, replacements: { now: clock.now().getTime() } });
  return Number(deleted ?? 0);
}
