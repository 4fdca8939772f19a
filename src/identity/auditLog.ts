import { Op, type WhereOptions } from 'sequelize';
import type { AuditDetails, AuditEvent } from '../db/models/AuditEvent.js';
import type { DomainContext } from './context.js';
import { notFound } from './errors.js';
import { findOrganization } from './organizations.js';
import { authorize, organizationScopeFor, principalUserScope, userFacts } from './policy/index.js';
import type { Principal } from './principal.js';
import { scopeSql } from './scope.js';

/** The audit trail as it is read: one rule of who reads what, for the console and the API alike. */

export interface AuditQuery {
  actorId?: string;
  userId?: string;
  /** An organization's id or slug. */
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

/**
 * The audit events the principal may read that match the query, newest first: the one rule of who reads what of the
 * trail, for the console and the API alike. A platform-level principal reads every event; an organization
 * administrator those of the organizations it manages, and those about the users it sees that concern no
 * organization. A filter by another organization, or by a user it does not see, is "not found".
 */
export async function listAuditEvents(ctx: DomainContext, principal: Principal, query: AuditQuery = {}): Promise<{ total: number; events: AuditEventView[] }> {
  const conditions: WhereOptions[] = [];
  const visible = organizationScopeFor(principal, 'audit.read');
  if (query.userId) {
    const user = await ctx.db.models.User.findByPk(query.userId, { transaction: ctx.db.current() });
    if (user) await authorize(ctx, principal, 'audit.read', { type: 'audit', user: await userFacts(ctx, user) });
    else if (visible !== 'all') throw notFound('user');
  }
  // An organization by id or slug (an unknown one is "not found", like one out of sight).
  const organizationId = query.organizationId ? (await findOrganization(ctx, query.organizationId)).id : undefined;
  if (organizationId) await authorize(ctx, principal, 'audit.read', { type: 'audit', organizationId });
  if (visible !== 'all') {
    // The events of the organizations it manages, and the events of no organization (a sign-in, a password change)
    // about users it sees; an event about another organization stays that organization's.
    const params: unknown[] = [];
    const users = scopeSql(principalUserScope(principal), params);
    const seen = ctx.db.sequelize.literal(`(SELECT users.id FROM users WHERE ${users.map((part) => part.replace(/\?/g, () => ctx.db.sequelize.escape(params.shift() as string))).join(' AND ')})`);
    conditions.push({ [Op.or]: [{ organizationId: visible }, { organizationId: null, userId: { [Op.in]: seen } }] });
  }
  if (query.actorId) conditions.push({ actorId: query.actorId });
  if (query.userId) conditions.push({ userId: query.userId });
  if (organizationId) conditions.push({ organizationId });
  if (query.action) conditions.push({ action: query.action.endsWith('.') ? { [Op.startsWith]: query.action } : query.action });
  if (query.from || query.to) {
    conditions.push({ occurredAt: { ...(query.from ? { [Op.gte]: query.from } : {}), ...(query.to ? { [Op.lt]: query.to } : {}) } });
  }
  const { rows, count } = await ctx.db.models.AuditEvent.findAndCountAll({
    where: { [Op.and]: conditions },
    order: [['id', 'DESC']],
    limit: Math.min(query.limit ?? 100, 1000),
    offset: query.offset ?? 0,
  });
  return { total: count, events: rows.map(presentAuditEvent) };
}
