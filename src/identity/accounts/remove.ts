import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { invalid } from '../errors.js';
import { emitMembershipChanges } from '../membershipEvents.js';
import { authorize, userFacts, userScopeFor } from '../policy/index.js';
import { findUserInScope } from '../scope.js';
import { isAdmin, type Principal, type ScimTokenPrincipal } from '../principal.js';
import { emitUserEvent } from '../userEvents.js';
import { normalise } from '../validation.js';
import { auditSummary, checkVersion } from './records.js';
import { targetUser, type TargetOptions } from './target.js';

/**
 * Removes the user from the platform for good: every membership, group membership, credential and token goes. An
 * administrator confirms with the user's username; an organization administrator deletes only a user who belongs to
 * no organization but theirs (the policy's rule "whole").
 */
export async function deleteAccount(ctx: DomainContext, principal: Principal, id: string, options: Pick<TargetOptions, 'expectedVersion'> & { confirmation?: string } = {}): Promise<void> {
  await ctx.db.tx(async (t) => {
    const { user, view } = await targetUser(ctx, principal, 'user.delete', id, { forUpdate: true, ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}) });
    if (isAdmin(principal) && normalise((options.confirmation ?? '').trim()) !== user.userNameNormalized) {
      throw invalid('user.delete_unconfirmed', 'To delete this user for good, confirm with the exact username.', 'confirm');
    }
    const last = view();
    const summary = { ...auditSummary(user), memberships: last.memberships.map((m) => ({ organization: m.organization.slug, role: m.role })) };
    // Memberships, group memberships, emails, credentials, sessions and tokens go with it (ON DELETE CASCADE).
    await ctx.db.execute('DELETE FROM users WHERE id = ?', [user.id], t);
    await recordAudit(ctx, t, principal.actor, { action: 'user.deleted', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId, details: { before: summary } });
    // Each membership goes, then the user: as the user was last, concerning the organizations it belonged to.
    emitMembershipChanges(
      ctx,
      t,
      principal.actor,
      last.memberships.map((m) => ({ type: 'membership.removed', userId: user.id, organization: { id: m.organization.id, slug: m.organization.slug }, role: null, previousRole: m.role, source: 'direct' })),
    );
    emitUserEvent(ctx, t, principal.actor, 'user.deleted', last);
  });
}

/**
 * DELETE from a provisioning client: the user is deleted from the platform. A client limited to one organization
 * cannot take away what other organizations share: when the user also belongs elsewhere, only its memberships in the
 * client's organization go (and the user leaves the client's view).
 */
export async function deprovisionAccount(ctx: DomainContext, principal: ScimTokenPrincipal, id: string, options: Pick<TargetOptions, 'expectedVersion'> = {}): Promise<'deleted' | 'removed_from_organization'> {
  const organizationId = principal.organizationId;
  if (!organizationId) {
    await deleteAccount(ctx, principal, id, options);
    return 'deleted';
  }
  return ctx.db.tx(async (t) => {
    const { Membership } = ctx.db.models;
    const user = await findUserInScope(ctx, id, userScopeFor(principal, 'membership.remove'), { forUpdate: true });
    checkVersion(user, options.expectedVersion);
    const facts = await userFacts(ctx, user);
    if (facts.organizations.every((o) => o.id === organizationId)) {
      await deleteAccount(ctx, principal, id, options);
      return 'deleted';
    }
    // Only what the user holds in the token's organization goes: the policy weighs that role alone.
    const held = facts.organizations.find((o) => o.id === organizationId)!;
    await authorize(ctx, principal, 'membership.remove', { type: 'grant', user: facts, grant: { organizationId, rank: held.rank, role: held.role } });
    const removed = await Membership.findAll({ where: { userId: id, organizationId }, transaction: t });
    await Membership.destroy({ where: { userId: id, organizationId }, transaction: t });
    const slug = (await ctx.db.models.Organization.findByPk(organizationId, { attributes: ['slug'], transaction: t }))?.slug ?? '';
    emitMembershipChanges(ctx, t, principal.actor, [{ type: 'membership.removed', userId: id, organization: { id: organizationId, slug }, role: null, previousRole: held.role, source: 'direct' }]);
    await recordAudit(ctx, t, principal.actor, {
      action: 'membership.removed',
      targetType: 'user',
      targetId: id,
      userId: id,
      organizationId,
      details: { before: removed.map((m) => ({ role: m.role, source: m.sourceKey })), reason: 'deprovisioned by a client limited to this organization; the user belongs to other organizations' },
    });
    return 'removed_from_organization';
  });
}
