import sqlite3 from 'sqlite3';

const BUSY_TIMEOUT_MS = 10_000;

type OpenCallback = (error: Error | null) => void;
type RowsCallback = (this: unknown, error: Error | null, rows: unknown[]) => void;

/**
 * Column types per database file and table. Sequelize asks SQLite for them (PRAGMA table_info) before every SELECT
 * it runs, to parse the values; they change only when the schema does, so they are kept here and forgotten on any
 * CREATE, ALTER or DROP sent through this driver (migrations).
 */
const tableInfo = new Map<string, unknown[]>();
const TABLE_INFO = /^PRAGMA table_info\(`([^`]+)`\)$/;
const DDL = /^\s*(CREATE|ALTER|DROP)\s/i;

function forgetOnDdl(sql: unknown): void {
  if (typeof sql === 'string' && DDL.test(sql)) tableInfo.clear();
}

/**
 * sqlite3 as sequelize should load it: every connection it opens (sequelize opens one per transaction) gets WAL
 * journaling, a busy timeout and foreign keys, because SQLite keeps these settings per connection.
 */
class ConfiguredDatabase extends sqlite3.Database {
  readonly #file: string;

  constructor(filename: string, mode: number, callback: OpenCallback) {
    super(filename, mode, (error: Error | null) => {
      if (error) return callback(error);
      this.configure('busyTimeout', BUSY_TIMEOUT_MS);
      this.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;', callback);
    });
    this.#file = filename;
  }

  override all(sql: string, ...rest: unknown[]): this {
    const table = TABLE_INFO.exec(sql)?.[1];
    const callback = rest[0];
    if (table === undefined || rest.length !== 1 || typeof callback !== 'function' || this.#file === ':memory:') {
      forgetOnDdl(sql);
      return (super.all as (...args: unknown[]) => this)(sql, ...rest);
    }
    const key = `${this.#file}\u0000${table}`;
    const cached = tableInfo.get(key);
    if (cached) {
      process.nextTick(() => (callback as RowsCallback).call(this, null, cached));
      return this;
    }
    return super.all(sql, (error: Error | null, rows: unknown[]) => {
      if (!error) tableInfo.set(key, rows);
      (callback as RowsCallback).call(this, error, rows);
    });
  }

  override run(sql: string, ...rest: unknown[]): this {
    forgetOnDdl(sql);
    return (super.run as (...args: unknown[]) => this)(sql, ...rest);
  }

  override exec(sql: string, callback?: (error: Error | null) => void): this {
    forgetOnDdl(sql);
    return super.exec(sql, callback);
  }
}

export const sqliteDriver = { ...sqlite3, Database: ConfiguredDatabase };
