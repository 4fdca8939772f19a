import type { Transaction } from 'sequelize';
import { DIRECT_SOURCE } from '../../db/models/Membership.js';
import type { Organization } from '../../db/models/Organization.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { invalid, notFound } from '../errors.js';
import { effectiveRole, emitMembershipChanges, membershipChange } from '../membershipEvents.js';
import { mailUser } from '../notify.js';
import { findOrganization } from '../organizations.js';
import { authorize, grantIn, userFacts, userScopeFor } from '../policy/index.js';
import type { Principal } from '../principal.js';
import { findUserInScope } from '../scope.js';
import { viewUser, type UserView } from '../userView.js';

export interface DirectMembershipInput {
  userId: string;
  /** Organization id or slug. */
  organization: string;
  role: string;
}

/**
 * Gives (or changes) the role given directly (not by a group) in an organization the caller has checked; memberships
 * that groups give are untouched. When the user's effective role there changes, that is a membership event (unless
 * `emit` is false: the caller tells it).
 */
export async function writeDirectMembership(ctx: DomainContext, t: Transaction, actor: Actor, input: { userId: string; organization: Organization; role: string }, options: { audit?: boolean; emit?: boolean } = {}): Promise<void> {
  const { organization: org } = input;
  const role = ctx.catalog.require(org.kind, input.role);
  const { Membership } = ctx.db.models;
  const now = ctx.clock.now();
  // Every source in the organization, in the one query that finds the direct one: the effective role before and after.
  const held = await Membership.findAll({ where: { userId: input.userId, organizationId: org.id }, transaction: t });
  const existing = held.find((m) => m.sourceKey === DIRECT_SOURCE);
  const others = held.filter((m) => m !== existing).map((m) => m.role);
  const previousRole = effectiveRole(ctx, org.kind, held.map((m) => m.role));
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
  if (options.emit !== false) {
    const change = membershipChange({
      userId: input.userId,
      organization: { id: org.id, slug: org.slug },
      previousRole,
      role: effectiveRole(ctx, org.kind, [...others, role.key]),
      source: 'direct',
    });
    if (change) emitMembershipChanges(ctx, t, actor, [change]);
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

/** Gives (or changes) a user's role in an organization: never a role above the principal's own there. */
export async function grantMembership(ctx: DomainContext, principal: Principal, userId: string, input: { organization: string; role: string }): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, userId, userScopeFor(principal, 'membership.grant'));
    const org = await findOrganization(ctx, input.organization);
    await authorize(ctx, principal, 'membership.grant', { type: 'grant', user: await userFacts(ctx, user), grant: grantIn(ctx, org, input.role) });
    await writeDirectMembership(ctx, t, principal.actor, { userId: user.id, organization: org, role: input.role });
    return viewUser(ctx, user);
  });
}

/**
 * Removes the role given directly in one organization (optionally telling the user); the user and its other
 * memberships stay. Roles that groups give stay too: they follow the IdP's group membership.
 */
export async function removeMembership(ctx: DomainContext, principal: Principal, userId: string, input: { organization: string; notify?: boolean }): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, userId, userScopeFor(principal, 'membership.remove'));
    const org = await findOrganization(ctx, input.organization);
    const { Membership } = ctx.db.models;
    const held = await Membership.findAll({ where: { userId: user.id, organizationId: org.id }, transaction: t });
    const direct = held.find((m) => m.sourceKey === DIRECT_SOURCE);
    if (!direct) {
      if (held.length > 0) throw invalid('membership.from_group', `The user's role in "${org.slug}" comes from an IdP group; remove the user from that group in the IdP.`, 'organization');
      throw notFound('membership');
    }
    await authorize(ctx, principal, 'membership.remove', { type: 'grant', user: await userFacts(ctx, user), grant: grantIn(ctx, org, direct.role) });
    await direct.destroy({ transaction: t });
    // A role a group gives there stays: the user keeps that one (a change of role), else leaves the organization.
    const change = membershipChange({
      userId: user.id,
      organization: { id: org.id, slug: org.slug },
      previousRole: effectiveRole(ctx, org.kind, held.map((m) => m.role)),
      role: effectiveRole(ctx, org.kind, held.filter((m) => m !== direct).map((m) => m.role)),
      source: 'direct',
    });
    if (change) emitMembershipChanges(ctx, t, principal.actor, [change]);
    await recordAudit(ctx, t, principal.actor, {
      action: 'membership.removed',
      targetType: 'user',
      targetId: user.id,
      userId: user.id,
      organizationId: org.id,
      details: { organization: org.slug, before: { role: direct.role }, notified: input.notify === true },
    });
    if (input.notify) await mailUser(ctx, t, user, 'removed_from_organization', { organization: org.name }, { organization: org });
    return viewUser(ctx, user);
  });
}
