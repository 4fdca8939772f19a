import { Op } from 'sequelize';
import type { WebhookDelivery, WebhookDeliveryStatus } from '../../db/models/WebhookDelivery.js';
import { DAY } from '../../lib/clock.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { Principal } from '../principal.js';
import { findWebhook } from './subscriptions.js';

/** One line of a subscription's delivery log: how it went, never more of the receiver's answer than an excerpt. */
export interface WebhookDeliveryView {
  id: string;
  event: { id: string; type: string; position: number };
  status: WebhookDeliveryStatus;
  attempts: number;
  /** When a pending delivery is tried next. */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  /** The HTTP status the receiver answered last; null when no answer came (see lastError). */
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  /** At most 200 characters of the receiver's last answer. */
  responseExcerpt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

const STATUSES: readonly WebhookDeliveryStatus[] = ['pending', 'sending', 'delivered', 'failed'];
const iso = (date: Date | null) => date?.toISOString() ?? null;

export function presentDelivery(delivery: WebhookDelivery): WebhookDeliveryView {
  return {
    id: delivery.id,
    event: { id: delivery.eventId, type: delivery.eventType, position: delivery.eventPosition },
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.status === 'pending' ? iso(delivery.nextAttemptAt) : null,
    lastAttemptAt: iso(delivery.lastAttemptAt),
    lastStatusCode: delivery.lastStatusCode,
    lastDurationMs: delivery.lastDurationMs,
    lastError: delivery.lastError,
    responseExcerpt: delivery.lastResponseExcerpt,
    deliveredAt: iso(delivery.deliveredAt),
    createdAt: delivery.createdAt.toISOString(),
  };
}

export interface DeliveryLogQuery {
  status?: string;
  /** Only deliveries of events before this position (the next page: the last position of the previous one). */
  before?: number;
  /** At most 500; default 50. */
  limit?: number;
}

/** A subscription's delivery log, the latest events first. */
export async function listWebhookDeliveries(ctx: DomainContext, principal: Principal, subscriptionId: string, query: DeliveryLogQuery = {}): Promise<{ deliveries: WebhookDeliveryView[]; next: number | null }> {
  const subscription = await findWebhook(ctx, principal, subscriptionId);
  const limit = query.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw invalid('request.invalid', 'limit must be a whole number from 1 to 500.', 'limit');
  if (query.status !== undefined && !(STATUSES as readonly string[]).includes(query.status)) throw invalid('request.invalid', `status must be one of ${STATUSES.join(', ')}.`, 'status');
  const where: Record<string, unknown> = { subscriptionId: subscription.id };
  if (query.status) where.status = query.status;
  if (query.before !== undefined) where.eventPosition = { [Op.lt]: query.before };
  const rows = await ctx.db.models.WebhookDelivery.findAll({ where, order: [['eventPosition', 'DESC']], limit, transaction: ctx.db.current() });
  return { deliveries: rows.map(presentDelivery), next: rows.length === limit ? rows[rows.length - 1]!.eventPosition : null };
}

/**
 * Sends a delivery again ("send again"): a delivered or failed one is queued anew with a fresh schedule of retries; a
 * pending one is tried at once. Not while it is being sent. Its later deliveries about the same user wait for it again.
 */
export async function resendWebhookDelivery(ctx: DomainContext, principal: Principal, subscriptionId: string, deliveryId: string): Promise<WebhookDeliveryView> {
  return ctx.db.tx(async (t) => {
    const subscription = await findWebhook(ctx, principal, subscriptionId);
    const delivery = await ctx.db.models.WebhookDelivery.findOne({ where: { id: deliveryId, subscriptionId: subscription.id }, transaction: t });
    if (!delivery) throw notFound('webhook_delivery');
    if (delivery.status === 'sending') throw conflict('webhook.delivery_in_flight', 'This delivery is being sent now; wait for its outcome.');
    const event = await ctx.db.models.EventRecord.findByPk(delivery.eventPosition, { transaction: t });
    if (!event) throw conflict('webhook.event_gone', 'The event of this delivery is no longer kept (its retention has passed); it cannot be sent again.');
    const before = delivery.status;
    const now = ctx.clock.now();
    delivery.set({ status: 'pending', attempts: 0, firstAttemptAt: null, nextAttemptAt: now, claimId: null, claimedUntil: null, updatedAt: now });
    await delivery.save({ transaction: t });
    await recordAudit(ctx, t, principal.actor, { action: 'webhook.delivery_resent', targetType: 'webhook', targetId: subscription.id, organizationId: subscription.organizationId, details: { deliveryId, eventId: delivery.eventId, before } });
    return presentDelivery(delivery);
  });
}

/** Deletes finished deliveries (delivered or failed) older than webhooks.logRetentionDays: a scheduled job. */
export async function sweepWebhookDeliveries(ctx: DomainContext): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - ctx.settings.webhooks.logRetentionDays * DAY);
  return ctx.db.models.WebhookDelivery.destroy({ where: { status: ['delivered', 'failed'], updatedAt: { [Op.lt]: cutoff } } });
}
