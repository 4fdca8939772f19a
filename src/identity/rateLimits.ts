import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { DomainContext } from './context.js';

export interface RateLimitHit {
  /** Names the limit, so that two limits on one key count apart. */
  name: string;
  /** Who is counted: a client address, an account… Only its hash is stored. */
  key: string;
  limit: number;
  windowMs: number;
}

/**
 * Counts one request in a fixed window, kept in the database so that every instance behind a load balancer counts
 * the same requests (one small transaction). Answers how long to wait when the limit is passed. Account lockout,
 * which protects each account, is counted apart (sign_in_failures).
 */
export async function countRequest(ctx: DomainContext, hit: RateLimitHit): Promise<{ retryAfterSeconds: number } | null> {
  const now = ctx.clock.now().getTime();
  const start = now - (now % hit.windowMs);
  const replacements = { bucket: createHash('sha256').update(`${hit.name}\0${hit.key}`).digest('hex'), start, expires: start + hit.windowMs };
  // One transaction: the upsert holds the row until the count is read (SQLite's driver cannot RETURNING an insert).
  const hits = await ctx.db.tx(async (transaction) => {
    await ctx.db.sequelize.query(
      'INSERT INTO rate_limit_windows (bucket, window_start, hits, expires_at) VALUES (:bucket, :start, 1, :expires) ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1',
      { replacements, transaction },
    );
    const [row] = await ctx.db.sequelize.query<{ hits: number | string }>('SELECT hits FROM rate_limit_windows WHERE bucket = :bucket AND window_start = :start', { type: QueryTypes.SELECT, replacements, transaction });
    return Number(row?.hits ?? 0);
  });
  return hits > hit.limit ? { retryAfterSeconds: Math.max(1, Math.ceil((start + hit.windowMs - now) / 1000)) } : null;
}

/** Deletes the windows that are over (a scheduled job). */
export async function sweepRateLimits(ctx: DomainContext): Promise<number> {
  const deleted = await ctx.db.sequelize.query('DELETE FROM rate_limit_windows WHERE expires_at <= :now', { type: QueryTypes.BULKDELETE, replacements: { now: ctx.clock.now().getTime() } });
  return Number(deleted ?? 0);
}
