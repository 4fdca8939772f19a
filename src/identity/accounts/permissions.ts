import { Op } from 'sequelize';
import type { DomainContext } from '../context.js';
import { findLocalDirectory } from '../directories.js';
import { factsOf, isAllowed, type Action, type UserFacts } from '../policy/index.js';
import type { Principal } from '../principal.js';
import { transition, type StatusEvent } from '../statusMachine.js';
import type { UserView } from '../userView.js';
import type { AccountAction } from './administration.js';
import { getAccount } from './read.js';

/** What the administration may offer the principal about a user: the actions the status, the directory and the policy all allow. */
export interface AccountPermissions {
  actions: AccountAction[];
  mayEdit: boolean;
  mayDelete: boolean;
  mayChangeMemberships: boolean;
  /** The organizations (slugs) the principal may remove the user from: a role given directly, at most its own there. */
  removableFrom: string[];
  mfaEnrolled: boolean;
}

const ACTION_POLICY: Record<AccountAction, Action> = {
  lock: 'user.lock',
  unlock: 'user.unlock',
  send_password_reset: 'user.send_password_reset',
  resend_activation: 'user.resend_activation',
  reset_mfa: 'user.reset_mfa',
  deactivate: 'user.deactivate',
  reactivate: 'user.reactivate',
};

/** The permissions of one user already read: no query beyond the principal's rights (read once per principal). */
async function permissionsOf(ctx: DomainContext, principal: Principal, user: UserView, facts: UserFacts, local: boolean, mfaEnrolled: boolean): Promise<AccountPermissions> {
  const target = { type: 'user' as const, user: facts };
  const can = (event: StatusEvent) => transition({ status: user.status, resume: [] }, event).ok;
  const offered: Record<AccountAction, boolean> = {
    lock: can('adminLock'),
    unlock: can('adminUnlock'),
    send_password_reset: local && can('adminResetPassword'),
    resend_activation: local && user.status === 'PROVISIONED',
    reset_mfa: mfaEnrolled,
    deactivate: can('deactivate'),
    reactivate: can('reactivate'),
  };
  const actions: AccountAction[] = [];
  for (const action of Object.keys(offered) as AccountAction[]) if (offered[action] && (await isAllowed(ctx, principal, ACTION_POLICY[action], target))) actions.push(action);
  const removableFrom: string[] = [];
  for (const m of user.memberships) {
    const direct = m.sources.find((s) => s.type === 'direct');
    const rank = direct && ctx.catalog.find(m.organization.kind, direct.role)?.rank;
    if (!direct || rank === undefined) continue;
    const grant = { organizationId: m.organization.id, rank, role: direct.role };
    if (await isAllowed(ctx, principal, 'membership.remove', { type: 'grant', user: facts, grant })) removableFrom.push(m.organization.slug);
  }
  return {
    actions,
    mayEdit: await isAllowed(ctx, principal, 'user.update', target),
    mayDelete: await isAllowed(ctx, principal, 'user.delete', target),
    mayChangeMemberships: await isAllowed(ctx, principal, 'membership.remove', target),
    removableFrom,
    mfaEnrolled,
  };
}

/** Of these users, those with a confirmed authenticator (one query). */
async function withConfirmedTotp(ctx: DomainContext, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await ctx.db.models.TotpCredential.findAll({ attributes: ['userId'], where: { userId: [...userIds], confirmedAt: { [Op.ne]: null } }, transaction: ctx.db.current() });
  return new Set(rows.map((row) => row.userId));
}

/**
 * The permissions of each user of a list the principal has read (the console's row actions): two queries for the
 * whole list (the local directory, the authenticators), whatever its length. A user the principal does not see gets
 * none.
 */
export async function listAccountPermissions(ctx: DomainContext, principal: Principal, users: readonly UserView[]): Promise<Map<string, AccountPermissions>> {
  const result = new Map<string, AccountPermissions>();
  if (users.length === 0) return result;
  const localId = (await findLocalDirectory(ctx)).id;
  const enrolled = await withConfirmedTotp(ctx, users.filter((u) => u.directoryId === localId).map((u) => u.id));
  for (const user of users) {
    const facts = factsOf(ctx, user, user.memberships);
    if (!(await isAllowed(ctx, principal, 'user.read', { type: 'user', user: facts }))) continue;
    const local = user.directoryId === localId;
    result.set(user.id, await permissionsOf(ctx, principal, user, facts, local, local && enrolled.has(user.id)));
  }
  return result;
}

/** What a user's page may offer the principal ("not found" for a user out of its sight). */
export async function accountPermissions(ctx: DomainContext, principal: Principal, userId: string): Promise<AccountPermissions> {
  const user = await getAccount(ctx, principal, userId);
  return (await listAccountPermissions(ctx, principal, [user])).get(user.id)!;
}
