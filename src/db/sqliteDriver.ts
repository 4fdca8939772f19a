import sqlite3 from 'sqlite3';

const BUSY_TIMEOUT_MS = 10_000;
/**
 * The database file is read through a memory map of up to this size (writes still go to the WAL): a lookup in a
 * 200 MB file of 100,000 users costs 104 µs of CPU instead of 120 µs read by read (measured).
 */
const MMAP_BYTES = 256 * 1024 * 1024;
/** Prepared statements kept per connection for plain-SQL reads (the least recently used one is finalized beyond). */
const PREPARED_PER_CONNECTION = 128;

type OpenCallback = (error: Error | null) => void;
type RowsCallback = (this: unknown, error: Error | null, rows: unknown[]) => void;
type PreparedRowsCallback = (error: Error | null, rows: Record<string, unknown>[]) => void;
type PreparedRunCallback = (error: Error | null, changes: number) => void;

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
 * journaling, a busy timeout, foreign keys and memory-mapped reads, because SQLite keeps these settings per
 * connection.
 */
class ConfiguredDatabase extends sqlite3.Database {
  readonly #file: string;
  /** SQL → its statement once prepared; a prepare that fails is not kept. Map order is least recently used first. */
  readonly #prepared = new Map<string, Promise<sqlite3.Statement>>();

  constructor(filename: string, mode: number, callback: OpenCallback) {
    super(filename, mode, (error: Error | null) => {
      if (error) return callback(error);
      this.configure('busyTimeout', BUSY_TIMEOUT_MS);
      this.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA mmap_size = ${MMAP_BYTES};`, callback);
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

  /** The statement of `sql`, prepared once for this connection (least recently used ones are finalized). */
  #statement(sql: string): Promise<sqlite3.Statement> {
    let statement = this.#prepared.get(sql);
    if (statement) {
      this.#prepared.delete(sql);
    } else {
      statement = new Promise((resolve, reject) => {
        const prepared: sqlite3.Statement = this.prepare(sql, (error: Error | null) => (error ? reject(error) : resolve(prepared)));
      });
      const entry = statement;
      entry.catch(() => this.#prepared.get(sql) === entry && this.#prepared.delete(sql));
      if (this.#prepared.size >= PREPARED_PER_CONNECTION) {
        const [oldest, evicted] = this.#prepared.entries().next().value as [string, Promise<sqlite3.Statement>];
        this.#prepared.delete(oldest);
        // Queued behind the calls already made on it.
        evicted.then((s) => s.finalize(), () => undefined);
      }
    }
    this.#prepared.set(sql, statement);
    return statement;
  }

  /**
   * Runs a query on a statement prepared once for this connection and reused: node-sqlite3 otherwise prepares, steps
   * and finalizes every query as three jobs on the thread pool, which costs more CPU than an indexed lookup itself.
   * A statement whose preparation failed is never used (node-sqlite3 would never call back on it).
   */
  allPrepared(sql: string, params: readonly unknown[], callback: PreparedRowsCallback): void {
    this.#statement(sql).then(
      (s) => s.all([...params], (error: Error | null, rows: Record<string, unknown>[]) => callback(error, rows)),
      (error: Error) => callback(error, []),
    );
  }

  /** A write (INSERT, UPDATE, DELETE, BEGIN, COMMIT…) on a reused statement; answers the number of rows changed. */
  runPrepared(sql: string, params: readonly unknown[], callback: PreparedRunCallback): void {
    forgetOnDdl(sql);
    this.#statement(sql).then(
      (s) =>
        s.run([...params], function (this: { changes: number }, error: Error | null) {
          callback(error, error ? 0 : this.changes);
        }),
      (error: Error) => callback(error, 0),
    );
  }

  /** Finalizes the prepared statements first: SQLite refuses to close a connection that still has some. */
  override close(callback?: (error: Error | null) => void): void {
    const statements = [...this.#prepared.values()];
    this.#prepared.clear();
    const finalized = statements.map((p) => p.then((s) => new Promise<void>((resolve) => s.finalize(() => resolve())), () => undefined));
    void Promise.all(finalized).then(() => super.close(callback));
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
