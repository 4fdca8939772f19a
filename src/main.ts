import { createServer, type Server } from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/load.js';
import { buildDeps } from './deps.js';
import { useThreadpool } from './identity/credentials/passwordHasher.js';
import { backgroundJobs, startJobs } from './jobs/scheduler.js';

async function main(): Promise<void> {
  let settings;
  try {
    settings = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`idbridge cannot start.\n${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  let deps;
  try {
    deps = buildDeps(settings);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`idbridge cannot start.\n${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const { logger, services } = deps;
  // argon2's share of libuv's thread pool, which only the environment sizes (identity/credentials/hashingThreads.ts).
  const threads = useThreadpool(settings.threadpoolSize);
  logger.info(threads, 'thread pool');
  if (threads.threadpool < threads.recommended) {
    logger.warn(threads, `libuv's thread pool has ${threads.threadpool} threads: argon2 gets ${threads.argon2Slots} for ${threads.cpus} CPUs; start idbridge with UV_THREADPOOL_SIZE=${threads.recommended} (a thread per CPU for argon2, 2 for SQLite and files)`);
  }
  if (deps.secrets.generated) logger.warn('using development secrets generated in the data directory; set SESSION_SECRET and DATA_ENCRYPTION_KEY in production');

  let applied: string[];
  try {
    applied = await deps.migrations.up();
  } catch (error) {
    const database = deps.migrations.describeFailure(error);
    if (!database) throw error;
    process.stderr.write(`idbridge cannot start: ${database}\n`);
    await deps.close().catch(() => undefined);
    process.exit(69);
  }
  logger.info({ database: deps.migrations.description, applied: applied.length }, 'database ready');

  const bootstrap = await services.accounts.bootstrapPlatformAdmin();
  if (bootstrap.created) {
    logger.info({ email: bootstrap.email, expiresAt: bootstrap.expiresAt }, 'created the platform administrator; its one-time setup link is printed on stderr');
    // Printed once, on the start that creates the account: the token is stored only as a hash. To stderr, in words:
    // stdout carries only the JSON log lines (a log shipper parses each one), and a person reads this in a terminal.
    process.stderr.write(
      [
        '',
        '  idbridge created the platform administrator account:',
        `    ${bootstrap.email}`,
        '  Finish setting it up (choose a password) with this one-time link, valid until',
        `  ${bootstrap.expiresAt}. It is shown only now:`,
        `    ${bootstrap.setupLink}`,
        '',
        '',
      ].join('\n'),
    );
  } else if (bootstrap.awaitingSetup.length > 0) {
    logger.warn(
      { administrators: bootstrap.awaitingSetup },
      'platform administrators have not finished setting up; issue a new link with: idbridge admin setup-link --email EMAIL (npx idbridge in a checkout)',
    );
  }

  deps.mail.start();
  deps.webhooks.start();
  const stopJobs = startJobs(backgroundJobs(deps), logger);
  if (!settings.mail.smtpUrl) logger.warn('no SMTP_URL: emails are written to files in the data directory and their links logged');

  const app = createApp(deps);
  const server: Server = await new Promise((resolve) => {
    const listening = createServer(app).listen(settings.server.port, settings.server.host, () => resolve(listening));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.server.port;
  logger.info({ host: settings.server.host, port, publicUrl: settings.server.publicUrl }, 'idbridge listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), settings.server.shutdownGraceMs).unref();
    server.close(async () => {
      await stopJobs();
      await deps.close();
      clearTimeout(force);
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`idbridge failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
