import type { Umzug } from 'umzug';
import { migrations } from '../../migrations/index.js';
import type { MigrationContext } from '../../migrations/_helpers.js';
import type { Logger } from '../lib/logger.js';
import type { Database } from './database.js';

/** Any fixed number: instances that start together take turns to migrate a PostgreSQL database. */
const MIGRATION_LOCK_KEY = 72_105_100;

/** umzug is loaded only when a migration is to run: a start or a CLI command on a current database never needs it. */
async function createUmzug(db: Database, logger?: Logger): Promise<Umzug<MigrationContext>> {
  const { SequelizeStorage, Umzug } = await import('umzug');
  return new Umzug<MigrationContext>({
    migrations,
    context: {
      queryInterface: db.sequelize.getQueryInterface(),
      report: (message, details) => (logger ? logger.warn(details, message) : process.emitWarning(`${message}: ${JSON.stringify(details)}`)),
    },
    // The schema named explicitly: sequelize looks for an unqualified table in public, and would take another
    // installation's schema_migrations there for ours (then fail to read it through the search path).
    storage: new SequelizeStorage({ sequelize: db.sequelize, tableName: 'schema_migrations', ...(db.schema ? { schema: db.schema } : {}) }),
    logger: logger
      ? { info: (m) => logger.debug(m, 'migration'), warn: (m) => logger.warn(m, 'migration'), error: (m) => logger.error(m, 'migration'), debug: (m) => logger.debug(m, 'migration') }
      : undefined,
  });
}

async function withMigrationLock<T>(db: Database, fn: () => Promise<T>): Promise<T> {
  if (db.dialect !== 'postgres') return fn();
  // A session-level advisory lock needs one connection for lock and unlock: hold it in a transaction.
  return db.sequelize.transaction(async (t) => {
    await db.sequelize.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`, { transaction: t });
    return fn();
  });
}

/**
 * Whether every migration is recorded as applied: one query, the usual answer of every start and CLI command after
 * the first. Any doubt (no table yet, a database that cannot be read) answers false, and umzug then decides.
 */
async function isCurrent(db: Database): Promise<boolean> {
  try {
    const applied = new Set((await db.rows<{ name: string }>('SELECT name FROM schema_migrations')).map((row) => row.name));
    return migrations.every((m) => applied.has(m.name));
  } catch {
    return false;
  }
}

/** Applies every pending migration; returns the names applied. */
export async function migrateUp(db: Database, logger?: Logger): Promise<string[]> {
  if (await isCurrent(db)) return [];
  if (db.schema) await db.sequelize.query(`CREATE SCHEMA IF NOT EXISTS "${db.schema}"`);
  return withMigrationLock(db, async () => (await (await createUmzug(db, logger)).up()).map((m) => m.name));
}

/** Reverts migrations: all of them by default, or down to (not including) `to`. */
export async function migrateDown(db: Database, options: { to?: string | 0 } = { to: 0 }, logger?: Logger): Promise<string[]> {
  return withMigrationLock(db, async () => (await (await createUmzug(db, logger)).down({ to: options.to ?? 0 })).map((m) => m.name));
}

export async function pendingMigrations(db: Database): Promise<string[]> {
  return (await (await createUmzug(db)).pending()).map((m) => m.name);
}
