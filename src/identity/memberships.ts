import type { Transaction } from 'sequelize';
import { DIRECT_SOURCE } from '../db/models/Membership.js';
import type { Actor } from './actor.js';
import { recordAudit } from './audit.js';
import type { DomainContext } from './context.js';
import { invalid, notFound } from './errors.js';
import { mailUser } from './notify.js';
import { findOrganization } from './organizations.js';
import { findUserInScope, type UserScope } from './scope.js';
import { viewUser, type UserView } from './userView.js';

export interface DirectMembershipInput {
  userId: string;
  /** Organization id or slug. */
  organization: string;
  role: string;
}

/** Gives (or changes) the role an administrator assigns directly; memberships that groups give are untouched. */
export async function addDirectMembershipInTx(
  ctx: DomainContext,
  t: Transaction,
  actor: Actor,
  input: DirectMembershipInput,
  options: { audit?: boolean } = {},
): Promise<void> {
  const org = await findOrganization(ctx, input.organization);
  const role = ctx.catalog.require(org.kind, input.role);
  const { Membership } = ctx.db.models;
  const now = ctx.clock.now();
  const existing = await Membership.findOne({ where: { userId: input.userId, organizationId: org.id, sourceKey: DIRECT_SOURCE }, transaction: t });
  const before = existing?.role ?? null;
  if (existing) {
    if (existing.role === role.key) return;
    existing.role = role.key;
    existing.updatedAt = now;
    await existing.save({ transaction: t });
  } else {
    await Membership.create(
      { id: ctx.random.uuid(), userId: input.userId, organizationId: org.id, role: role.key, sourceKey: DIRECT_SOURCE, roleMappingId: null, groupId: null, createdAt: now, updatedAt: now },
      { transaction: t },
    );
  }
  if (options.audit !== false) {
    await recordAudit(ctx, t, actor, {
      action: existing ? 'membership.role_changed' : 'membership.added',
      targetType: 'user',
      targetId: input.userId,
      userId: input.userId,
      organizationId: org.id,
      details: { organization: org.slug, before: before === null ? null : { role: before }, after: { role: role.key } },
    });
  }
}

export async function addDirectMembership(ctx: DomainContext, actor: Actor, input: DirectMembershipInput, scope?: UserScope): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, input.userId, scope);
    await addDirectMembershipInTx(ctx, t, actor, input);
    return viewUser(ctx, user);
  });
}

/**
 * Removes the role an administrator gave in one organization; the user and its other memberships stay. Roles that
 * groups give stay too: they follow the IdP's group membership.
 */
export async function removeDirectMembership(ctx: DomainContext, actor: Actor, input: { userId: string; organization: string; notify?: boolean }, scope?: UserScope): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, input.userId, scope);
    const org = await findOrganization(ctx, input.organization);
    const { Membership } = ctx.db.models;
    const direct = await Membership.findOne({ where: { userId: user.id, organizationId: org.id, sourceKey: DIRECT_SOURCE }, transaction: t });
    if (!direct) {
      const derived = await Membership.count({ where: { userId: user.id, organizationId: org.id }, transaction: t });
      if (derived > 0) throw invalid('membership.from_group', `The user's role in "${org.slug}" comes from an IdP group; remove the user from that group in the IdP.`, 'organization');
      throw notFound('membership');
    }
    await direct.destroy({ transaction: t });
    await recordAudit(ctx, t, actor, {
      action: 'membership.removed',
      targetType: 'user',
      targetId: user.id,
      userId: user.id,
      organizationId: org.id,
      details: { organization: org.slug, before: { role: direct.role }, notified: input.notify === true },
    });
    if (input.notify) await mailUser(ctx, t, user, 'removed_from_organization', { organization: org.name });
    return viewUser(ctx, user);
  });
}
