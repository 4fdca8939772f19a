import sqlite3 from 'sqlite3';

const BUSY_TIMEOUT_MS = 10_000;

type OpenCallback = (error: Error | null) => void;

/**
 * sqlite3 as sequelize should load it: every connection it opens (sequelize opens one per transaction) gets WAL
 * journaling, a busy timeout and foreign keys, because SQLite keeps these settings per connection.
 */
class ConfiguredDatabase extends sqlite3.Database {
  constructor(filename: string, mode: number, callback: OpenCallback) {
    super(filename, mode, (error: Error | null) => {
      if (error) return callback(error);
      this.configure('busyTimeout', BUSY_TIMEOUT_MS);
      this.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;', callback);
    });
  }
}

export const sqliteDriver = { ...sqlite3, Database: ConfiguredDatabase };
