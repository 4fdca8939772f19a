import { sendExpiryReminders } from '../identity/credentials/expiryReminders.js';
import { sweepSamlCaches } from '../identity/saml/replayCache.js';
import { sweepOidcPayloads } from '../db/oidcAdapter.js';
import { sweepRateLimits } from '../http/rateLimit.js';
import type { DomainContext } from '../identity/context.js';
import { sweepSessions } from '../identity/sessions.js';
import { MINUTE } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

export interface Job {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/** The periodic work of an instance. Each job is safe to run on several instances at once. */
export function backgroundJobs(ctx: DomainContext): Job[] {
  return [
    { name: 'password-expiry-reminders', everyMs: ctx.settings.jobs.expiryReminderIntervalMinutes * MINUTE, run: () => sendExpiryReminders(ctx) },
    { name: 'session-sweep', everyMs: 15 * MINUTE, run: () => sweepSessions(ctx) },
    { name: 'oidc-sweep', everyMs: 15 * MINUTE, run: () => sweepOidcPayloads(ctx.db, ctx.clock) },
    { name: 'saml-cache-sweep', everyMs: 15 * MINUTE, run: () => sweepSamlCaches(ctx) },
    { name: 'rate-limit-sweep', everyMs: 15 * MINUTE, run: () => sweepRateLimits(ctx.db, ctx.clock) },
  ];
}

/** Runs each job now and then every `everyMs`, never two runs of one job at once; returns a stop function. */
export function startJobs(jobs: Job[], logger: Logger): () => Promise<void> {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  for (const job of jobs) {
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      const run = job
        .run()
        .then((result) => logger.debug({ job: job.name, result }, 'job ran'))
        .catch((error: unknown) => logger.error({ job: job.name, err: error }, 'job failed'))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    };
    timers.push(setTimeout(tick, 5_000).unref(), setInterval(tick, job.everyMs).unref());
  }
  return async () => {
    for (const timer of timers) clearTimeout(timer);
    await Promise.allSettled([...running]);
  };
}
