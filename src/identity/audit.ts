import type { Transaction } from 'sequelize';
import type { AuditDetails } from '../db/models/AuditEvent.js';
import type { Actor } from './actor.js';
import type { DomainContext } from './context.js';
import { countAudited } from './metrics.js';

export interface AuditInput {
  action: string;
  targetType?: string;
  targetId?: string;
  userId?: string | null;
  organizationId?: string | null;
  directoryId?: string | null;
  details?: AuditDetails;
}

/**
 * Records one change, in the transaction that makes it (one plain INSERT: every change writes one). What the event
 * says about sign-ins and lockouts is counted for the metrics once the transaction commits.
 */
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
  countAudited(ctx, t, input);
}
