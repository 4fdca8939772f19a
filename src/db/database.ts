import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { Sequelize, Transaction } from 'sequelize';
import type { Logger } from '../lib/logger.js';
import { defineModels, type Models } from './models/index.js';
import { Mutex } from './mutex.js';
import { sqliteDriver } from './sqliteDriver.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /** postgres://… for PostgreSQL; empty for SQLite. */
  url: string;
  /** The SQLite file, used when url is empty. */
  sqliteFile: string;
  /** PostgreSQL schema to use instead of public (tests give each worker its own). */
  schema?: string;
  poolMax?: number;
  logger?: Logger;
  logQueries?: boolean;
}

export interface Database {
  readonly sequelize: Sequelize;
  readonly dialect: Dialect;
  readonly models: Models;
  /** A human description that never includes a password. */
  readonly description: string;
  /** The PostgreSQL schema in use, when not the default. */
  readonly schema: string | undefined;
  /**
   * Runs `fn` in a transaction. Called inside another `tx`, it joins that transaction, so domain functions compose.
   * On SQLite write transactions are IMMEDIATE and serialised in this process.
   */
  tx<T>(fn: (t: Transaction) => Promise<T>): Promise<T>;
  /** The transaction of the surrounding `tx`, if any. */
  current(): Transaction | undefined;
  close(): Promise<void>;
}

export function describeDatabaseUrl(url: string, sqliteFile: string): string {
  if (!url) return `sqlite:${path.resolve(sqliteFile)}`;
  try {
    const parsed = new URL(url);
    parsed.password = parsed.password ? '***' : '';
    return parsed.toString();
  } catch {
    return 'postgres (unparsable URL)';
  }
}

export function openDatabase(options: DatabaseOptions): Database {
  const logging = options.logQueries && options.logger ? (sql: string) => options.logger?.debug({ sql }, 'sql') : false;
  const common = { logging, define: { underscored: true, timestamps: false } } as const;
  const isPostgres = options.url.startsWith('postgres://') || options.url.startsWith('postgresql://');
  if (options.url && !isPostgres) throw new Error('DATABASE_URL must start with postgres:// or postgresql:// (leave it empty for SQLite)');

  const sequelize = isPostgres
    ? new Sequelize(options.url, {
        ...common,
        dialect: 'postgres',
        pool: { max: options.poolMax ?? 10, min: 0, idle: 10_000, acquire: 30_000 },
        dialectOptions: options.schema ? { options: `-c search_path=${options.schema}` } : {},
      })
    : new Sequelize({
        ...common,
        dialect: 'sqlite',
        storage: options.sqliteFile,
        dialectModule: sqliteDriver,
        transactionType: Transaction.TYPES.IMMEDIATE,
      });

  const models = defineModels(sequelize);
  const scope = new AsyncLocalStorage<Transaction>();
  const writeLock = new Mutex();
  const dialect: Dialect = isPostgres ? 'postgres' : 'sqlite';

  const begin = <T>(fn: (t: Transaction) => Promise<T>) => sequelize.transaction((t) => scope.run(t, () => fn(t)));

  return {
    sequelize,
    dialect,
    models,
    description: describeDatabaseUrl(options.url, options.sqliteFile) + (options.schema ? ` (schema ${options.schema})` : ''),
    schema: isPostgres && options.schema ? options.schema : undefined,
    tx(fn) {
      const existing = scope.getStore();
      if (existing) return fn(existing);
      return dialect === 'sqlite' ? writeLock.run(() => begin(fn)) : begin(fn);
    },
    current: () => scope.getStore(),
    close: () => sequelize.close(),
  };
}
