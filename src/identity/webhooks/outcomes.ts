import type { DomainContext } from '../context.js';
import type { ClaimedDelivery } from './deliveries.js';
import { emailWebhookFailure } from './failureNotice.js';
import { draw, nextAttemptAt, type RetryPolicy } from './schedule.js';

/** What one attempt got: a response (its status, an excerpt of its body), or an error (no response, a timeout). */
export interface AttemptResult {
  statusCode: number | null;
  durationMs: number;
  /** At most the first 200 characters of the response's body, as text. */
  excerpt: string | null;
  /** Why no response came (refused connection, timeout…). */
  error: string | null;
}

/** What became of a delivery after an attempt; 'lost' when its claim had lapsed and another instance took it. */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'lost';

export const EXCERPT_LENGTH = 200;

export function retryPolicy(ctx: Pick<DomainContext, 'settings'>): RetryPolicy {
  return { schedule: ctx.settings.webhooks.retrySchedule, windowMs: ctx.settings.webhooks.retryWindowHours * 3_600_000 };
}

/** Whether an attempt succeeded: a 2xx answer (a redirect is not followed, and is no success). */
export function isSuccess(result: AttemptResult): boolean {
  return result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
}

function describe(result: AttemptResult): string | null {
  if (isSuccess(result)) return null;
  const text = result.error ?? `the receiver answered ${result.statusCode}`;
  return text.slice(0, 300);
}

/**
 * Records an attempt of a claimed delivery, only while the claim is still this instance's. Success: the delivery is
 * delivered, and its subscription's circuit closes (and its failure flag clears). Failure: the subscription's
 * consecutive failures grow (at `circuitFailures` it is paused for `circuitPauseSeconds`: its deliveries wait), and the
 * delivery is retried on the schedule (schedule.ts), or, when this was the last attempt, it is 'failed', the
 * subscription flagged and its administrators emailed (once, until a delivery succeeds again).
 */
export async function recordDeliveryOutcome(ctx: DomainContext, claimed: ClaimedDelivery, result: AttemptResult): Promise<DeliveryOutcome> {
  const now = ctx.clock.now();
  const attempts = claimed.attempts + 1;
  const firstAttemptAt = claimed.firstAttemptAt ?? claimed.claimedAt;
  const last = { last_attempt_at: claimed.claimedAt, last_status_code: result.statusCode, last_duration_ms: Math.round(result.durationMs), last_error: describe(result), last_response_excerpt: result.excerpt?.slice(0, EXCERPT_LENGTH) ?? null };
  const settings = ctx.settings.webhooks;
  return ctx.db.tx(async (t) => {
    const update = async (fields: Record<string, unknown>) => {
      const entries = Object.entries({ ...last, ...fields, attempts, first_attempt_at: firstAttemptAt, claim_id: null, claimed_until: null, updated_at: now });
      const sql = `UPDATE webhook_deliveries SET ${entries.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ? AND claim_id = ?`;
      return ctx.db.execute(sql, [...entries.map(([, value]) => value), claimed.id, claimed.claimId], t);
    };
    if (isSuccess(result)) {
      if ((await update({ status: 'delivered', delivered_at: now })) !== 1) return 'lost';
      await ctx.db.execute(
        'UPDATE webhook_subscriptions SET consecutive_failures = 0, paused_until = NULL, failed_at = NULL, last_attempt_at = ?, last_attempt_status_code = ?, last_attempt_error = NULL WHERE id = ?',
        [claimed.claimedAt, result.statusCode, claimed.subscriptionId],
        t,
      );
      return 'delivered';
    }
    // An event no longer kept (its retention passed while the delivery waited) will not come back: no retry.
    const next = claimed.request === null ? null : nextAttemptAt(retryPolicy(ctx), attempts, firstAttemptAt, now, draw(ctx.random));
    if ((await update(next ? { status: 'pending', next_attempt_at: next } : { status: 'failed' })) !== 1) return 'lost';
    const pausedUntil = new Date(now.getTime() + settings.circuitPauseSeconds * 1000);
    await ctx.db.execute(
      'UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1, paused_until = CASE WHEN consecutive_failures + 1 >= ? THEN ? ELSE paused_until END, last_attempt_at = ?, last_attempt_status_code = ?, last_attempt_error = ? WHERE id = ?',
      [settings.circuitFailures, pausedUntil, claimed.claimedAt, result.statusCode, last.last_error, claimed.subscriptionId],
      t,
    );
    if (next) return 'retrying';
    const flagged = await ctx.db.execute('UPDATE webhook_subscriptions SET failed_at = ? WHERE id = ? AND failed_at IS NULL', [now, claimed.subscriptionId], t);
    if (flagged === 1) {
      const subscription = await ctx.db.models.WebhookSubscription.findByPk(claimed.subscriptionId, { transaction: t });
      if (subscription) await emailWebhookFailure(ctx, t, subscription, { eventType: claimed.eventType, attempts });
    }
    return 'failed';
  });
}
