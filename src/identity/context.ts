import type { Settings } from '../config/schema.js';
import type { Database } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import type { DataCipher } from '../lib/crypto.js';
import type { Random } from '../lib/random.js';
import type { DomainMetrics } from './metrics.js';
import type { RoleCatalog } from './roleCatalog.js';

/** What every domain function needs, built once by the composition root (src/deps.ts) and by tests. */
export interface DomainContext {
  db: Database;
  clock: Clock;
  random: Random;
  catalog: RoleCatalog;
  settings: Settings;
  cipher: DataCipher;
  /** Counts sign-in outcomes, lockouts and mail sends for the operators' metrics. */
  metrics: DomainMetrics;
}
