import { randomBytes } from 'node:crypto';
import { Sequelize } from 'sequelize';
import type { Settings } from '../../src/config/schema.js';
import { migrateUp } from '../../src/db/migrator.js';
import { buildDeps, type Deps } from '../../src/deps.js';
import type { OperatorPrincipal } from '../../src/identity/principal.js';
import { ManualClock } from '../../src/lib/clock.js';
import { parseEncryptionKey } from '../../src/lib/crypto.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { POSTGRES_URL, testDatabase, testSettings, TEST_ENCRYPTION_KEY, TEST_SESSION_SECRET } from './settings.js';

export interface TestDeps extends Deps {
  clock: ManualClock;
  /** The environment a CLI or a child process needs to reach the same database. */
  env: NodeJS.ProcessEnv;
}

/** Environment variables that point at a fresh, empty database of the kind under test. */
export function freshDatabaseEnv(): NodeJS.ProcessEnv {
  if (testDatabase === 'postgres') {
    const schema = `t_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(5).toString('hex')}`;
    return { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema };
  }
  return {};
}

async function dropSchema(schema: string): Promise<void> {
  const admin = new Sequelize(POSTGRES_URL, { logging: false });
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await admin.close();
  }
}

/**
 * A migrated database (a temporary SQLite file, or a PostgreSQL schema of its own) with a manual clock.
 * Call `close()` in afterAll: it drops the PostgreSQL schema.
 */
export async function openTestDeps(options: { overrides?: Record<string, unknown>; migrate?: boolean; clock?: ManualClock; logger?: Logger } = {}): Promise<TestDeps> {
  const env = freshDatabaseEnv();
  const settings: Settings = testSettings(options.overrides ?? {}, env);
  const clock = options.clock ?? new ManualClock();
  const deps = buildDeps(settings, {
    clock,
    logger: options.logger ?? createLogger({ level: 'silent' }),
    secrets: { sessionSecret: TEST_SESSION_SECRET, dataEncryptionKey: parseEncryptionKey(TEST_ENCRYPTION_KEY), generated: false },
  });
  if (options.migrate !== false) await migrateUp(deps.db);
  const close = async () => {
    await deps.close();
    if (settings.database.schema) await dropSchema(settings.database.schema);
  };
  return {
    ...deps,
    clock,
    env: { NODE_ENV: 'test', DATA_DIR: settings.dataDir, SESSION_SECRET: TEST_SESSION_SECRET, DATA_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, ...env },
    close,
  };
}

/** The principal tests act as where they set the scene: the operator, at platform level, named "test" in the audit trail. */
export const testOperator: OperatorPrincipal = { kind: 'operator', actor: { type: 'operator', label: 'test' } };
