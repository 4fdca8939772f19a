import path from 'node:path';
import type { Settings } from './config/schema.js';
import { resolveSecrets, type ResolvedSecrets } from './config/secrets.js';
import { openDatabase, type Database } from './db/database.js';
import type { DomainContext } from './identity/context.js';
import { RoleCatalog } from './identity/roleCatalog.js';
import { systemClock, type Clock } from './lib/clock.js';
import { DataCipher } from './lib/crypto.js';
import { createLogger, type Logger } from './lib/logger.js';
import { systemRandom, type Random } from './lib/random.js';

/** Everything the application is made of. The only place that builds concrete things. */
export interface Deps {
  settings: Settings;
  secrets: ResolvedSecrets;
  logger: Logger;
  db: Database;
  ctx: DomainContext;
  close(): Promise<void>;
}

export interface BuildOptions {
  logger?: Logger;
  clock?: Clock;
  random?: Random;
  secrets?: ResolvedSecrets;
}

export function buildDeps(settings: Settings, options: BuildOptions = {}): Deps {
  const logger = options.logger ?? createLogger({ level: settings.log.level });
  const secrets = options.secrets ?? resolveSecrets(settings);
  const db = openDatabase({
    url: settings.database.url,
    sqliteFile: path.resolve(settings.dataDir, settings.database.sqliteFile),
    schema: settings.database.schema,
    poolMax: settings.database.poolMax,
    logger,
    logQueries: settings.database.logQueries,
  });
  const ctx: DomainContext = {
    db,
    clock: options.clock ?? systemClock,
    random: options.random ?? systemRandom,
    catalog: new RoleCatalog(settings.catalog),
    settings,
    cipher: new DataCipher(secrets.dataEncryptionKey),
  };
  return { settings, secrets, logger, db, ctx, close: () => db.close() };
}
