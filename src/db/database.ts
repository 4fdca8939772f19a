import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { Sequelize, Transaction, type Model, type ModelStatic } from 'sequelize';
import type { Logger } from '../lib/logger.js';
import { defineModels, type Models } from './models/index.js';
import { Mutex } from './mutex.js';
import { modelInsert, type ModelInsert } from './modelInsert.js';
import { executeSql, selectRows, type SqlRow } from './rows.js';
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

/** The connections of the database, for the metrics. */
export interface PoolStats {
  /** Connections open (SQLite: its single writer's slot). */
  size: number;
  /** Open and idle. */
  available: number;
  /** Lent to a query or a transaction (SQLite: the write lock is held). */
  using: number;
  /** Queries and transactions waiting for a connection (SQLite: for the write lock). */
  waiting: number;
  /** The most connections the pool opens. */
  max: number;
}

interface SequelizePool {
  size: number;
  available: number;
  using: number;
  waiting: number;
  maxSize: number;
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
  /**
   * Runs `hook` in transaction `t` after the work of its `tx` and just before it commits (in the order registered),
   * for writes that must be the last of a transaction (the events outbox takes its commit-order positions there).
   * Only for transactions `tx` started; a failing hook rolls the transaction back.
   */
  beforeCommit(t: Transaction, hook: () => Promise<void>): void;
  /** A SELECT in plain SQL (`?` placeholders), on the surrounding transaction if any: see selectRows. */
  rows<T = SqlRow>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** A write in plain SQL, on `t` or the surrounding transaction if any: see executeSql. Answers the rows changed. */
  execute(sql: string, params?: readonly unknown[], t?: Transaction): Promise<number>;
  /** Inserts whole rows of a model in plain SQL, on `t` or the surrounding transaction if any (see modelInsert). */
  insert(model: ModelStatic<Model>, records: ReadonlyArray<Record<string, unknown>>, t?: Transaction): Promise<void>;
  /** PostgreSQL: sequelize's connection pool. SQLite: its write lock, where this process's write transactions queue. */
  poolStats(): PoolStats;
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

interface SqliteConnectionManager {
  connections: Record<string, SqliteHandle>;
  getConnection(options?: { uuid?: string }): Promise<SqliteHandle>;
  releaseConnection(connection: SqliteHandle, force?: boolean): void;
  close(): Promise<void>;
}
interface SqliteHandle {
  uuid?: string;
  filename: string;
  close(callback: (error: Error | null) => void): void;
}

/** Transaction connections kept open for the next transaction (transactions are serialised, so a few suffice). */
const IDLE_SQLITE_CONNECTIONS = 2;

/**
 * Sequelize opens a new SQLite connection for every transaction and closes it at the end: each write then pays for
 * opening the file and parsing the schema again (about a millisecond). Finished transactions' connections are kept
 * for the next ones instead; they are configured once (WAL, busy timeout, foreign keys) and closed with the database.
 */
function reuseSqliteConnections(sequelize: Sequelize): void {
  const manager = (sequelize as unknown as { connectionManager: SqliteConnectionManager }).connectionManager;
  const idle: SqliteHandle[] = [];
  const getConnection = manager.getConnection.bind(manager);
  const releaseConnection = manager.releaseConnection.bind(manager);
  const close = manager.close.bind(manager);
  const closeHandle = (handle: SqliteHandle) => new Promise<void>((resolve) => handle.close(() => resolve()));
  manager.getConnection = async (options = {}) => {
    const uuid = options.uuid;
    if (!uuid || uuid === 'default' || manager.connections[uuid]) return getConnection(options);
    const reused = idle.pop();
    if (!reused) return getConnection(options);
    manager.connections[uuid] = reused;
    return reused;
  };
  manager.releaseConnection = (connection, force) => {
    const uuid = connection.uuid;
    if (!uuid || connection.filename === ':memory:') return releaseConnection(connection, force);
    delete manager.connections[uuid];
    if (idle.length < IDLE_SQLITE_CONNECTIONS) idle.push(connection);
    else void closeHandle(connection);
  };
  manager.close = async () => {
    await Promise.all(idle.splice(0).map(closeHandle));
    return close();
  };
}

interface TransactionStatements {
  queryGenerator: {
    startTransactionQuery(t: Transaction): string;
    commitTransactionQuery(t: Transaction): string;
    rollbackTransactionQuery(t: Transaction): string;
  };
  startTransaction(t: Transaction): Promise<unknown>;
  commitTransaction(t: Transaction): Promise<unknown>;
  rollbackTransaction(t: Transaction): Promise<unknown>;
}

/**
 * BEGIN, COMMIT and ROLLBACK run straight on the transaction's connection (the SQL sequelize would send, as prepared
 * statements on SQLite), not through sequelize's query pipeline, which costs more than the statements: about a
 * tenth of a millisecond each. Sequelize keeps everything else about its transactions (connections, state, hooks).
 */
function directTransactionStatements(sequelize: Sequelize, dialect: Dialect): void {
  const qi = sequelize.getQueryInterface() as unknown as TransactionStatements;
  const generator = qi.queryGenerator;
  const run = (t: Transaction, sql: string) => executeSql(sequelize, dialect, t, sql);
  const finished = (t: Transaction, state: 'commit' | 'rollback') => ((t as unknown as { finished: string }).finished = state);
  qi.startTransaction = (t) => run(t, generator.startTransactionQuery(t));
  qi.commitTransaction = async (t) => {
    if ((t as unknown as { parent?: Transaction }).parent) return;
    const committed = run(t, generator.commitTransactionQuery(t));
    finished(t, 'commit');
    await committed;
  };
  qi.rollbackTransaction = async (t) => {
    const rolledBack = run(t, generator.rollbackTransactionQuery(t));
    finished(t, 'rollback');
    await rolledBack;
  };
}

/** Most rows written by one INSERT: SQLite binds at most 32,766 parameters, PostgreSQL 65,535. */
const INSERT_PARAMETERS = 30_000;

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

  if (!isPostgres) reuseSqliteConnections(sequelize);
  directTransactionStatements(sequelize, isPostgres ? 'postgres' : 'sqlite');
  const models = defineModels(sequelize);
  const scope = new AsyncLocalStorage<Transaction>();
  const writeLock = new Mutex();
  const inserts = new WeakMap<ModelStatic<Model>, ModelInsert>();
  const dialect: Dialect = isPostgres ? 'postgres' : 'sqlite';

  /** Hooks to run before each open transaction of `tx` commits (see beforeCommit). */
  const commitHooks = new WeakMap<Transaction, Array<() => Promise<void>>>();
  const begin = <T>(fn: (t: Transaction) => Promise<T>) =>
    sequelize.transaction((t) =>
      scope.run(t, async () => {
        commitHooks.set(t, []);
        const result = await fn(t);
        const hooks = commitHooks.get(t) ?? [];
        // A hook may register another (an event emitted by a hook): run until none is left.
        for (let i = 0; i < hooks.length; i++) await (hooks[i] as () => Promise<void>)();
        commitHooks.delete(t);
        return result;
      }),
    );

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
    beforeCommit(t, hook) {
      const hooks = commitHooks.get(t);
      if (!hooks) throw new Error('beforeCommit needs a transaction of db.tx that has not finished its work');
      hooks.push(hook);
    },
    rows: <T>(sql: string, params: readonly unknown[] = []) => selectRows(sequelize, dialect, scope.getStore(), sql, params) as Promise<T[]>,
    // A write outside any transaction waits for SQLite's write lock like a transaction does: run beside another
    // connection's open write transaction it would fail with SQLITE_BUSY (or wait in SQLite's busy handler).
    execute: (sql, params = [], t) => {
      const within = t ?? scope.getStore();
      if (within || dialect !== 'sqlite') return executeSql(sequelize, dialect, within, sql, params);
      return writeLock.run(() => executeSql(sequelize, dialect, undefined, sql, params));
    },
    async insert(model, records, t) {
      let insert = inserts.get(model);
      if (!insert) inserts.set(model, (insert = modelInsert(model)));
      const perStatement = Math.max(1, Math.floor(INSERT_PARAMETERS / insert.width));
      for (let i = 0; i < records.length; i += perStatement) {
        const part = records.slice(i, i + perStatement);
        await executeSql(sequelize, dialect, t ?? scope.getStore(), insert.head + part.map(() => insert.row).join(', '), part.flatMap(insert.values));
      }
    },
    poolStats() {
      if (dialect === 'sqlite') {
        const using = Math.min(1, writeLock.entered);
        return { size: 1, available: 1 - using, using, waiting: writeLock.entered - using, max: 1 };
      }
      const pool = (sequelize as unknown as { connectionManager: { pool?: SequelizePool } }).connectionManager.pool;
      if (!pool) return { size: 0, available: 0, using: 0, waiting: 0, max: options.poolMax ?? 10 };
      return { size: pool.size, available: pool.available, using: pool.using, waiting: pool.waiting, max: pool.maxSize };
    },
    close: () => sequelize.close(),
  };
}

/**
 * What an operator is told when the database cannot be reached or used at start-up (or by a CLI command), instead of
 * "unexpected failure" and a stack: which database, and what to check. Undefined for any other error.
 */
export function describeDatabaseFailure(error: unknown, description: string): string | undefined {
  const name = (error as Error)?.name ?? '';
  const cause = ((error as { original?: Error }).original ?? (error as { parent?: Error }).parent ?? (error as Error))?.message ?? String(error);
  const code = (error as { original?: { code?: string } }).original?.code ?? (error as { parent?: { code?: string } }).parent?.code;
  if (!/^Sequelize(Connection|ConnectionRefused|HostNotFound|HostNotReachable|AccessDenied|InvalidConnection|ConnectionTimedOut)Error$/.test(name) && code !== '3D000' && code !== '28P01' && code !== '28000')
    return undefined;
  const hint =
    code === '3D000' ? 'create it (createdb, or CREATE DATABASE as a superuser) and give the role idbridge connects as its ownership, or fix DATABASE_URL'
    : code === '28P01' || code === '28000' || name === 'SequelizeAccessDeniedError' ? 'check the user and password in DATABASE_URL (or DATABASE_URL_FILE) and pg_hba.conf'
    : name === 'SequelizeHostNotFoundError' ? 'check the host name in DATABASE_URL'
    : 'check that the database server is running and reachable at the host and port of DATABASE_URL';
  return `cannot use the database ${description}: ${cause}; ${hint}`;
}
