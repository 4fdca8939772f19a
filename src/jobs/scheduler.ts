import type { Settings } from '../config/schema.js';
import type { Services } from '../identity/services.js';
import { MINUTE } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

export interface Job {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/** The periodic work of an instance. Each job is safe to run on several instances at once. */
export function backgroundJobs(input: { services: Services; settings: Settings; sweepOidc: () => Promise<number>; backchannelLogout: { runOnce(): Promise<number> } }): Job[] {
  const { maintenance } = input.services;
  return [
    { name: 'password-expiry-reminders', everyMs: input.settings.jobs.expiryReminderIntervalMinutes * MINUTE, run: () => maintenance.sendExpiryReminders() },
    { name: 'session-sweep', everyMs: 15 * MINUTE, run: () => maintenance.sweepSessions() },
    { name: 'oidc-sweep', everyMs: 15 * MINUTE, run: input.sweepOidc },
    { name: 'saml-cache-sweep', everyMs: 15 * MINUTE, run: () => maintenance.sweepSamlCaches() },
    { name: 'rate-limit-sweep', everyMs: 15 * MINUTE, run: () => maintenance.sweepRateLimits() },
    { name: 'event-retention-sweep', everyMs: 60 * MINUTE, run: () => input.services.events.sweep() },
    { name: 'oidc-backchannel-logout', everyMs: input.settings.oidc.backchannelLogoutPollMs, run: () => input.backchannelLogout.runOnce() },
    { name: 'scim-health-flush', everyMs: input.settings.scim.healthFlushSeconds * 1000, run: () => input.services.provisioningHealth.flush() },
    { name: 'webhook-log-sweep', everyMs: 60 * MINUTE, run: () => maintenance.sweepWebhookDeliveries() },
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
