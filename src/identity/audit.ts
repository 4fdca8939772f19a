import { Op, type Transaction, type WhereOptions } from 'sequelize';
import type { AuditDetails, AuditEvent } from '../db/models/AuditEvent.js';
import type { Actor } from './actor.js';
import type { DomainContext } from './context.js';

export interface AuditInput {
  action: string;
  targetType?: string;
  targetId?: string;
  userId?: string | null;
  organizationId?: string | null;
  directoryId?: string | null;
  details?: AuditDetails;
}

/** Records one change, in the transaction that makes it (one plain INSERT: every change writes one). */
export async function recordAudit(ctx: DomainContext, t: Transaction, actor: Actor, input: AuditInput): Promise<void> {
  await ctx.db.insert(
    ctx.db.models.AuditEvent,
    [{
      occurredAt: ctx.clock.now(),
      actorType: actor.type,
      actorId: actor.id ?? null,
      actorLabel: actor.label,
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      userId: input.userId ?? null,
      organizationId: input.organizationId ?? null,
      directoryId: input.directoryId ?? null,
      ip: actor.ip ?? null,
      requestId: actor.requestId ?? null,
      details: input.details ?? null,
    }],
    t,
  );
}

export interface AuditQuery {
  actorId?: string;
  userId?: string;
  organizationId?: string;
  /** An exact action, or a prefix ending in "." (e.g. "user."). */
  action?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  offset?: number;
}

export interface AuditEventView {
  id: string;
  occurredAt: string;
  actor: { type: string; id: string | null; label: string };
  action: string;
  target: { type: string | null; id: string | null };
  userId: string | null;
  organizationId: string | null;
  directoryId: string | null;
  ip: string | null;
  requestId: string | null;
  details: AuditDetails | null;
}

export function presentAuditEvent(event: AuditEvent): AuditEventView {
  return {
    id: String(event.id),
    occurredAt: event.occurredAt.toISOString(),
    actor: { type: event.actorType, id: event.actorId, label: event.actorLabel },
    action: event.action,
    target: { type: event.targetType, id: event.targetId },
    userId: event.userId,
    organizationId: event.organizationId,
    directoryId: event.directoryId,
    ip: event.ip,
    requestId: event.requestId,
    details: event.details,
  };
}

export async function listAuditEvents(ctx: DomainContext, query: AuditQuery = {}): Promise<{ total: number; events: AuditEventView[] }> {
  const where: WhereOptions = {};
  if (query.actorId) Object.assign(where, { actorId: query.actorId });
  if (query.userId) Object.assign(where, { userId: query.userId });
  if (query.organizationId) Object.assign(where, { organizationId: query.organizationId });
  if (query.action) Object.assign(where, { action: query.action.endsWith('.') ? { [Op.startsWith]: query.action } : query.action });
  if (query.from || query.to) {
    Object.assign(where, { occurredAt: { ...(query.from ? { [Op.gte]: query.from } : {}), ...(query.to ? { [Op.lt]: query.to } : {}) } });
  }
  const { rows, count } = await ctx.db.models.AuditEvent.findAndCountAll({
    where,
    order: [['id', 'DESC']],
    limit: Math.min(query.limit ?? 100, 1000),
    offset: query.offset ?? 0,
  });
  return { total: count, events: rows.map(presentAuditEvent) };
}
