import { pendingMigrations } from '../db/migrator.js';
import type { DomainContext } from './context.js';

export type Readiness =
  | { ready: true; dialect: string }
  | { ready: false; database: 'unreachable' }
  | { ready: false; database: 'ok'; migrations: 'pending'; pending: string[] }
  | { ready: false; database: 'ok'; migrations: 'unknown' };

/** Whether this instance can serve: the database answers and its schema is current. */
export async function readiness(ctx: DomainContext): Promise<Readiness> {
  try {
    await ctx.db.sequelize.query('SELECT 1');
  } catch {
    return { ready: false, database: 'unreachable' };
  }
  try {
    const pending = await pendingMigrations(ctx.db);
    if (pending.length > 0) return { ready: false, database: 'ok', migrations: 'pending', pending };
  } catch {
    return { ready: false, database: 'ok', migrations: 'unknown' };
  }
  return { ready: true, dialect: ctx.db.dialect };
}
