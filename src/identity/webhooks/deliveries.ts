import { readDate } from '../../db/rows.js';
import type { DomainContext } from '../context.js';
import { presentEvent } from '../events.js';
import { signatureHeader } from './signing.js';
import { signingSecrets } from './subscriptionView.js';

/**
 * Webhook delivery, as the dispatcher (src/webhooks/dispatcher.ts) drives it: new events are fanned out into
 * deliveries for the subscriptions they match (by position, from each subscription's cursor, so that the write path of
 * a change pays nothing); due deliveries are claimed one by one in the database just before they are sent (a
 * conditional UPDATE: several instances never send one delivery at the same time) and their outcome recorded
 * (outcomes.ts). A claim lasts the request timeout plus webhooks.claimMarginSeconds: the claim of an instance that died lapses
 * then, and the delivery is tried again.
 */

/** The longest a claim lasts: the time one attempt may take, plus the margin. */
export function claimDurationMs(ctx: Pick<DomainContext, 'settings'>): number {
  return (ctx.settings.webhooks.timeoutSeconds + ctx.settings.webhooks.claimMarginSeconds) * 1000;
}

interface SubscriptionRow {
  id: string;
  cursor: number | string;
  organizationId: string | null;
  organizationFilter: string | null;
  eventTypes: string | null;
}

interface EventRow {
  position: number | string;
  id: string;
  type: string;
  organizationIds: string;
  userId: string | null;
  groupId: string | null;
}

/** Whether a subscription wants an event: its type, and its organization (or a client's organization filter). */
export function isWanted(subscription: { organizationId: string | null; organizationFilter: readonly string[] | null; eventTypes: readonly string[] | null }, event: { type: string; organizationIds: readonly string[] }): boolean {
  if (subscription.eventTypes && !subscription.eventTypes.includes(event.type)) return false;
  if (subscription.organizationId) return event.organizationIds.includes(subscription.organizationId);
  if (subscription.organizationFilter) return event.organizationIds.some((id) => subscription.organizationFilter!.includes(id));
  return true;
}

/** The key that orders a subscription's deliveries: the user the event is about, else its group, else none. */
export function orderKeyOf(event: { userId: string | null; groupId: string | null }): string | null {
  return event.userId ?? (event.groupId ? `group:${event.groupId}` : null);
}

/**
 * Turns the events committed after each enabled subscription's cursor (at most `batchSize` per subscription) into its
 * deliveries, and moves the cursor, in one transaction per subscription. The cursor moves only from the value read
 * (a conditional UPDATE, taken first): when another instance fanned out the same events meanwhile, this one writes
 * nothing. Answers how many deliveries were created.
 */
export async function fanOutEvents(ctx: DomainContext, batchSize = ctx.settings.webhooks.batchSize): Promise<number> {
  const subscriptions = await ctx.db.rows<SubscriptionRow>(
    'SELECT id, event_cursor AS cursor, organization_id AS "organizationId", organization_filter AS "organizationFilter", event_types AS "eventTypes" FROM webhook_subscriptions WHERE enabled = ?',
    [true],
  );
  let created = 0;
  for (const row of subscriptions) {
    const cursor = Number(row.cursor);
    const events = await ctx.db.rows<EventRow>(
      `SELECT position, id, type, organization_ids AS "organizationIds", user_id AS "userId", group_id AS "groupId" FROM events WHERE position > ? ORDER BY position LIMIT ${Math.max(1, Math.floor(batchSize))}`,
      [cursor],
    );
    if (events.length === 0) continue;
    const subscription = {
      organizationId: row.organizationId,
      organizationFilter: row.organizationFilter ? (JSON.parse(row.organizationFilter) as string[]) : null,
      eventTypes: row.eventTypes ? (JSON.parse(row.eventTypes) as string[]) : null,
    };
    const now = ctx.clock.now();
    const deliveries = events
      .filter((event) => isWanted(subscription, { type: event.type, organizationIds: JSON.parse(event.organizationIds) as string[] }))
      .map((event) => ({
        id: ctx.random.uuid(),
        subscriptionId: row.id,
        eventPosition: Number(event.position),
        eventId: event.id,
        eventType: event.type,
        orderKey: orderKeyOf(event),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      }));
    const last = Number(events[events.length - 1]!.position);
    await ctx.db.tx(async (t) => {
      const moved = await ctx.db.execute('UPDATE webhook_subscriptions SET event_cursor = ? WHERE id = ? AND event_cursor = ?', [last, row.id, cursor], t);
      if (moved !== 1) return;
      if (deliveries.length > 0) await ctx.db.insert(ctx.db.models.WebhookDelivery, deliveries, t);
      created += deliveries.length;
    });
  }
  return created;
}

/** A delivery that may be claimed now. */
export interface DueDelivery {
  id: string;
  subscriptionId: string;
  /** The subscription's circuit opened (it failed `circuitFailures` times in a row): only one trial at a time. */
  onTrial: boolean;
}

/**
 * The SQL condition of a delivery (`row`: its table's name or alias) that may be sent now: pending and its time has
 * come, or claimed by an instance whose claim lapsed (it died); and no earlier delivery of its subscription about the
 * same user (or group) is still pending or being sent: in order per user.
 */
function dueCondition(row: string): string {
  return `((${row}.status = 'pending' AND ${row}.next_attempt_at <= ?) OR (${row}.status = 'sending' AND ${row}.claimed_until <= ?))
   AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.subscription_id = ${row}.subscription_id AND e.order_key = ${row}.order_key AND e.event_position < ${row}.event_position AND e.status IN ('pending', 'sending'))`;
}

/** The deliveries due now (see dueCondition) of enabled subscriptions that are not paused, earliest first. */
export async function dueDeliveries(ctx: DomainContext, limit: number): Promise<DueDelivery[]> {
  const now = ctx.clock.now();
  const rows = await ctx.db.rows<{ id: string; subscriptionId: string; failures: number | string }>(
    `SELECT d.id AS id, d.subscription_id AS "subscriptionId", s.consecutive_failures AS failures
       FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
      WHERE s.enabled = ? AND (s.paused_until IS NULL OR s.paused_until <= ?) AND ${dueCondition('d')}
      ORDER BY d.next_attempt_at, d.event_position
      LIMIT ${Math.max(1, Math.floor(limit))}`,
    [true, now, now, now],
  );
  const threshold = ctx.settings.webhooks.circuitFailures;
  const trials = new Set<string>();
  const due: DueDelivery[] = [];
  for (const row of rows) {
    const onTrial = Number(row.failures) >= threshold;
    // One trial per paused subscription and round; the others wait for its outcome.
    if (onTrial && trials.has(row.subscriptionId)) continue;
    if (onTrial) trials.add(row.subscriptionId);
    due.push({ id: row.id, subscriptionId: row.subscriptionId, onTrial });
  }
  return due;
}

/** A claimed delivery, with the request to send. */
export interface ClaimedDelivery {
  id: string;
  claimId: string;
  subscriptionId: string;
  /** When this attempt began (the claim). */
  claimedAt: Date;
  attempts: number;
  firstAttemptAt: Date | null;
  eventId: string;
  eventType: string;
  /** The signed request; null when the event no longer exists (its retention passed): the attempt then fails. */
  request: { url: string; headers: Record<string, string>; body: string } | null;
}

/**
 * Claims one due delivery for this instance and prepares its signed request, or answers null when it is no longer
 * due (another instance claimed it, or an earlier delivery about the same user came back). A delivery of a paused
 * subscription's trial also takes the trial (moving the pause to the claim's end), so that one instance tries it.
 */
export async function claimDelivery(ctx: DomainContext, due: DueDelivery): Promise<ClaimedDelivery | null> {
  const now = ctx.clock.now();
  const until = new Date(now.getTime() + claimDurationMs(ctx));
  if (due.onTrial) {
    const taken = await ctx.db.execute(
      'UPDATE webhook_subscriptions SET paused_until = ? WHERE id = ? AND consecutive_failures >= ? AND (paused_until IS NULL OR paused_until <= ?)',
      [until, due.subscriptionId, ctx.settings.webhooks.circuitFailures, now],
    );
    if (taken !== 1) return null;
  }
  const claimId = ctx.random.uuid();
  const claimed = await ctx.db.execute(
    // The conditions on the row itself (not in a subquery), so that PostgreSQL checks them again on the row as the
    // concurrent claim that it waited for left it.
    // Its subscription must still be enabled and, unless this is its trial, not paused (a failure recorded meanwhile
    // may have opened its circuit).
    `UPDATE webhook_deliveries SET status = 'sending', claim_id = ?, claimed_until = ?, updated_at = ? WHERE id = ? AND ${dueCondition('webhook_deliveries')}
        AND EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.id = webhook_deliveries.subscription_id AND s.enabled = ?${due.onTrial ? '' : ' AND (s.paused_until IS NULL OR s.paused_until <= ?)'})`,
    [claimId, until, now, due.id, now, now, true, ...(due.onTrial ? [] : [now])],
  );
  if (claimed !== 1) {
    if (due.onTrial) await ctx.db.execute('UPDATE webhook_subscriptions SET paused_until = ? WHERE id = ? AND paused_until = ?', [now, due.subscriptionId, until]);
    return null;
  }
  const { WebhookDelivery, WebhookSubscription, EventRecord } = ctx.db.models;
  const delivery = await WebhookDelivery.findByPk(due.id);
  const subscription = await WebhookSubscription.findByPk(due.subscriptionId);
  if (!delivery || !subscription) return null;
  const event = await EventRecord.findByPk(delivery.eventPosition);
  const base = {
    id: delivery.id,
    claimId,
    subscriptionId: subscription.id,
    claimedAt: now,
    attempts: delivery.attempts,
    firstAttemptAt: readDate(delivery.firstAttemptAt),
    eventId: delivery.eventId,
    eventType: delivery.eventType,
  };
  if (!event) return { ...base, request: null };
  const view = presentEvent(event);
  const body = JSON.stringify({ id: view.id, type: view.type, timestamp: view.occurredAt, data: view });
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    ...base,
    request: {
      url: subscription.url,
      body,
      headers: {
        'content-type': 'application/json',
        'webhook-id': view.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(signingSecrets(ctx, subscription, now), view.id, timestamp, body),
      },
    },
  };
}

/** Claims every delivery due now (at most `limit`): what the dispatcher does just before sending each. */
export async function claimDueDeliveries(ctx: DomainContext, limit = ctx.settings.webhooks.batchSize): Promise<ClaimedDelivery[]> {
  const claimed: ClaimedDelivery[] = [];
  for (const due of await dueDeliveries(ctx, limit)) {
    const delivery = await claimDelivery(ctx, due);
    if (delivery) claimed.push(delivery);
  }
  return claimed;
}
