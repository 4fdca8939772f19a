import path from 'node:path';
import type { Settings } from './config/schema.js';
import { resolveSecrets, type ResolvedSecrets } from './config/secrets.js';
import { openDatabase, type Database } from './db/database.js';
import type { DomainContext } from './identity/context.js';
import { RoleCatalog } from './identity/roleCatalog.js';
import { systemClock, type Clock } from './lib/clock.js';
import { DataCipher } from './lib/crypto.js';
import { bufferedStdout, createLogger, type Logger } from './lib/logger.js';
import { systemRandom, type Random } from './lib/random.js';
import { SessionCookies } from './auth/session.js';
import { loadSpCredentials, type SpCredentials } from './auth/saml/spCredentials.js';
import { resolveSigningKeys, type PrivateJwk } from './oidc/keys.js';
import { MailDispatcher } from './mail/dispatcher.js';
import { fileTransport, smtpTransport, type MailTransport } from './mail/transport.js';

/** Everything the application is made of. The only place that builds concrete things. */
export interface Deps {
  settings: Settings;
  secrets: ResolvedSecrets;
  logger: Logger;
  db: Database;
  ctx: DomainContext;
  /** Sends the mail outbox; main starts its polling, tests drain it. */
  mail: MailDispatcher;
  sessions: SessionCookies;
  /** idbridge's SAML signing key and certificate, when configured. */
  samlSp: SpCredentials | null;
  /** The private keys that sign ID tokens, the first one active. */
  oidcKeys: PrivateJwk[];
  close(): Promise<void>;
}

export interface BuildOptions {
  logger?: Logger;
  clock?: Clock;
  random?: Random;
  secrets?: ResolvedSecrets;
  mailTransport?: MailTransport;
}

export function buildDeps(settings: Settings, options: BuildOptions = {}): Deps {
  const logger = options.logger ?? createLogger({ level: settings.log.level, destination: bufferedStdout() });
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
  const transport = options.mailTransport ?? (settings.mail.smtpUrl ? smtpTransport(settings.mail.smtpUrl) : fileTransport(path.resolve(settings.dataDir, 'mail'), logger));
  const mail = new MailDispatcher(ctx, transport, logger, {
    from: settings.mail.from,
    pollMs: settings.jobs.mailPollMs,
    maxAttempts: settings.jobs.mailMaxAttempts,
    backoffMs: settings.jobs.mailBackoffSeconds * 1000,
  });
  const samlSp = loadSpCredentials(settings);
  const oidcKeys = resolveSigningKeys(settings);
  const sessions = new SessionCookies(ctx, { secure: settings.server.publicUrl.startsWith('https://') });
  return {
    settings,
    secrets,
    logger,
    db,
    ctx,
    mail,
    sessions,
    samlSp,
    oidcKeys,
    close: async () => {
      await mail.stop();
      await db.close();
    },
  };
}
