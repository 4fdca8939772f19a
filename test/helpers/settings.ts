import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { Settings } from '../../src/config/schema.js';

export const TEST_ENCRYPTION_KEY = '6b'.repeat(32);
export const TEST_SESSION_SECRET = 'test-only-session-secret-0123456789abcdef';

/** Which database the integration and HTTP tests run on: SQLite by default, PostgreSQL with IDBRIDGE_TEST_DB=postgres. */
export const testDatabase = process.env.IDBRIDGE_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
export const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export function tempDir(prefix = 'idbridge-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Settings as the test configuration gives them, with a fresh data directory; `overrides` is shaped like default.json. */
export function testSettings(overrides: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}): Settings {
  return loadConfig({
    env: { NODE_ENV: 'test', DATA_DIR: tempDir(), SESSION_SECRET: TEST_SESSION_SECRET, DATA_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, ...env },
    overrides,
  });
}
