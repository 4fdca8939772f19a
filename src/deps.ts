import path from 'node:path';
import type { Settings } from './config/schema.js';
import { resolveSecrets, type ResolvedSecrets } from './config/secrets.js';
import { describeDatabaseFailure, openDatabase, type Database } from './db/database.js';
import { migrateDown, migrateUp, pendingMigrations } from './db/migrator.js';
import { oidcAdapterFor, sweepOidcPayloads, type OidcAdapter } from './db/oidcAdapter.js';
import type { DomainContext } from './identity/context.js';
import { createServices, type Services } from './identity/services.js';
import { RoleCatalog } from './identity/roleCatalog.js';
import { systemClock, type Clock } from './lib/clock.js';
import { DataCipher } from './lib/crypto.js';
import { bufferedStdout, createLogger, type Logger } from './lib/logger.js';
import { systemRandom, type Random } from './lib/random.js';
import { SessionCookies } from './auth/session.js';
import { loadSpCredentials, type SpCredentials } from './auth/saml/spCredentials.js';
import { resolveSigningKeys, type PrivateJwk } from './oidc/keys.js';
import { BackchannelLogoutSender } from './oidc/backchannelLogout.js';
import { MailDispatcher } from './mail/dispatcher.js';
import { fileTransport, smtpTransport, type MailTransport } from './mail/transport.js';
import { outboxBacklog } from './mail/outbox.js';
import { createMetrics, type AppMetrics } from './http/metrics.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';
import { webhookAddressRule } from './identity/webhooks/urls.js';
import { httpTransport, type WebhookTransport } from './webhooks/transport.js';

/** Everything the application is made of. The only place that builds concrete things. */
export interface Deps {
  settings: Settings;
  secrets: ResolvedSecrets;
  logger: Logger;
  db: Database;
  /** The domain's context: for the domain itself, the composition root and tests; edges get `services`. */
  ctx: DomainContext;
  /** The domain's commands and queries, which every edge calls. */
  services: Services;
  /** oidc-provider's storage, on idbridge's database. */
  oidcAdapter: new (model: string) => OidcAdapter;
  /** The schema's migrations, for the start and the CLI. */
  migrations: Migrations;
  /** Deletes expired OpenID Connect artefacts (a scheduled job). */
  sweepOidc(): Promise<number>;
  /** Sends the mail outbox; main starts its polling, tests drain it. */
  mail: MailDispatcher;
  /** Delivers webhooks from the events outbox; main starts its polling, tests call runOnce(). */
  webhooks: WebhookDispatcher;
  /** Sends the back-channel logouts of the portals (a job polls it; tests drain it). */
  backchannelLogout: BackchannelLogoutSender;
  sessions: SessionCookies;
  /** idbridge's SAML signing key and certificate, when configured. */
  samlSp: SpCredentials | null;
  /** The private keys that sign ID tokens, the first one active. */
  oidcKeys: PrivateJwk[];
  /** This instance's metrics (its own registry), exposed at GET /metrics. */
  metrics: AppMetrics;
  close(): Promise<void>;
}

export interface Migrations {
  /** The database, described without its password. */
  description: string;
  up(): Promise<string[]>;
  down(options: { to: string | 0 }): Promise<string[]>;
  pending(): Promise<string[]>;
  /** What to tell the operator when the database cannot be reached or used (undefined for any other error). */
  describeFailure(error: unknown): string | undefined;
}

export interface BuildOptions {
  logger?: Logger;
  clock?: Clock;
  random?: Random;
  secrets?: ResolvedSecrets;
  mailTransport?: MailTransport;
  webhookTransport?: WebhookTransport;
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
  const metrics = createMetrics({ outboxBacklog: () => outboxBacklog(ctx), pool: () => db.poolStats() });
  const ctx: DomainContext = {
    db,
    clock: options.clock ?? systemClock,
    random: options.random ?? systemRandom,
    catalog: new RoleCatalog(settings.catalog),
    settings,
    cipher: new DataCipher(secrets.dataEncryptionKey),
    metrics,
  };
  const transport = options.mailTransport ?? (settings.mail.smtpUrl ? smtpTransport(settings.mail.smtpUrl, settings.mail.sendTimeoutSeconds * 1000) : fileTransport(path.resolve(settings.dataDir, 'mail'), logger));
  const mail = new MailDispatcher(ctx, transport, logger, {
    from: settings.mail.from,
    pollMs: settings.jobs.mailPollMs,
    maxAttempts: settings.jobs.mailMaxAttempts,
    backoffMs: settings.jobs.mailBackoffSeconds * 1000,
    sendTimeoutMs: settings.mail.sendTimeoutSeconds * 1000,
  });
  const webhooks = new WebhookDispatcher(ctx, options.webhookTransport ?? httpTransport(webhookAddressRule(settings)), logger, {
    pollMs: settings.webhooks.pollMs,
    concurrency: settings.webhooks.concurrency,
    batchSize: settings.webhooks.batchSize,
    timeoutMs: settings.webhooks.timeoutSeconds * 1000,
  });
  const samlSp = loadSpCredentials(settings);
  const oidcKeys = resolveSigningKeys(settings);
  const services = createServices(ctx);
  const backchannelLogout = new BackchannelLogoutSender(services, ctx.clock, logger, {
    issuer: settings.server.publicUrl,
    keys: oidcKeys,
    timeoutMs: settings.oidc.backchannelLogoutTimeoutSeconds * 1000,
  });
  const sessions = new SessionCookies(services.sessions, { secure: settings.server.publicUrl.startsWith('https://') });
  return {
    settings,
    secrets,
    logger,
    db,
    ctx,
    services,
    oidcAdapter: oidcAdapterFor(db, ctx.clock, (id) => services.oidcClients.metadata(id)),
    migrations: { description: db.description, up: () => migrateUp(db, logger), down: (options) => migrateDown(db, options, logger), pending: () => pendingMigrations(db), describeFailure: (error) => describeDatabaseFailure(error, db.description) },
    sweepOidc: () => sweepOidcPayloads(db, ctx.clock),
    mail,
    backchannelLogout,
    webhooks,
    sessions,
    samlSp,
    oidcKeys,
    metrics,
    close: async () => {
      // What this instance counted of SCIM requests since the last flush (provisioning health).
      await services.provisioningHealth.flush().catch((error: unknown) => logger.warn({ err: error }, 'could not write the last SCIM request counts'));
      await webhooks.stop();
      await mail.stop();
      await db.close();
    },
  };
}
