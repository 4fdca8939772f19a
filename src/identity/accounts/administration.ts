import { z } from 'zod';
import type { DomainContext } from '../context.js';
import type { Principal } from '../principal.js';
import type { UserView } from '../userView.js';
import { parseInput } from '../validation.js';
import { resendActivation } from './activation.js';
import { createAccount } from './create.js';
import { resetMfa, sendPasswordReset } from './credentials.js';
import { deactivateAccount, lockAccount, reactivateAccount, unlockAccount } from './status.js';
import { targetUser } from './target.js';
import { ACCOUNT_FORM_FIELDS, isLocalUser } from './update.js';
import { invalid } from '../errors.js';
import { hasConfirmedTotp } from '../credentials/totp.js';
import { listOrganizations } from '../organizations.js';
import { isAllowed, rightsOf, userFacts, type Action } from '../policy/index.js';
import { transition, type StatusEvent } from '../statusMachine.js';

/**
 * What the administration (console and admin API alike) does to accounts beyond the generic commands: its create
 * form, and the actions of a user's page. The policy decides each, as for any other principal.
 */

export const newAccountSchema = z.object({
  ...ACCOUNT_FORM_FIELDS,
  preferredLanguage: z.enum(['en', 'es']).optional(),
  memberships: z.array(z.object({ organization: z.string().min(1, 'is required'), role: z.string().min(1, 'is required') })).min(1, 'give at least one organization with a role'),
});
export type NewAccountInput = z.input<typeof newAccountSchema>;

/**
 * The administration's create form: a local user (first and last name, email, phone, job title, SDK access and at
 * least one organization with a role are all required), emailed the activation link.
 */
export async function createAccountFromForm(ctx: DomainContext, principal: Principal, input: NewAccountInput): Promise<UserView> {
  const data = parseInput(newAccountSchema, input, 'user.invalid');
  return createAccount(ctx, principal, {
    directory: 'local',
    attributes: {
      userName: data.email,
      name: { givenName: data.givenName, familyName: data.familyName },
      displayName: `${data.givenName} ${data.familyName}`,
      emails: [{ value: data.email, type: 'work', primary: true }],
      phoneNumbers: [{ value: data.phone, type: 'work', primary: true }],
      title: data.title,
      sdkAccess: data.sdkAccess,
      ...(data.preferredLanguage ? { preferredLanguage: data.preferredLanguage } : {}),
    },
    memberships: data.memberships,
  });
}

export type AccountAction = 'lock' | 'unlock' | 'send_password_reset' | 'resend_activation' | 'reset_mfa' | 'deactivate' | 'reactivate';

/** One of the actions of the user page. Unlock may send a password reset at once (as one source product does). */
export async function runAccountAction(ctx: DomainContext, principal: Principal, userId: string, action: AccountAction, options: { sendPasswordReset?: boolean } = {}): Promise<UserView> {
  return ctx.db.tx(async () => {
    const user = await targetUser(ctx, principal, 'user.read', userId);
    const local = await isLocalUser(ctx, user);
    if (!local && ['send_password_reset', 'resend_activation', 'reset_mfa'].includes(action)) {
      throw invalid('user.managed_by_idp', 'This user signs in through the identity provider of its directory: passwords, activation and MFA are managed there.');
    }
    switch (action) {
      case 'lock':
        return lockAccount(ctx, principal, user.id);
      case 'unlock': {
        const view = await unlockAccount(ctx, principal, user.id);
        return options.sendPasswordReset && local ? sendPasswordReset(ctx, principal, user.id) : view;
      }
      case 'send_password_reset':
        return sendPasswordReset(ctx, principal, user.id);
      case 'resend_activation':
        return resendActivation(ctx, principal, user.id);
      case 'reset_mfa':
        return resetMfa(ctx, principal, user.id);
      case 'deactivate':
        return deactivateAccount(ctx, principal, user.id, { notify: true });
      case 'reactivate':
        return reactivateAccount(ctx, principal, user.id);
    }
  });
}

/** An organization where the principal may give roles, with the roles it may give there (its own and below). */
export interface GrantableOrganization {
  slug: string;
  name: string;
  kind: 'utility' | 'customer';
  roles: Array<{ key: string; label: string }>;
}

export async function grantableOrganizations(ctx: DomainContext, principal: Principal): Promise<GrantableOrganization[]> {
  const organizations = await listOrganizations(ctx, principal);
  const rights = await rightsOf(ctx, principal);
  return organizations.map((o) => {
    const own = rights === 'all' ? 0 : rights.get(o.id)?.rank;
    const roles = own === undefined ? [] : ctx.catalog.roles(o.kind).filter((r) => r.rank >= own);
    return { slug: o.slug, name: o.name, kind: o.kind, roles: roles.map((r) => ({ key: r.key, label: r.label })) };
  });
}

/** What a user's page may offer the principal: the actions the status, the directory and the policy all allow. */
export interface AccountPermissions {
  actions: AccountAction[];
  mayEdit: boolean;
  mayDelete: boolean;
  mayChangeMemberships: boolean;
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

export async function accountPermissions(ctx: DomainContext, principal: Principal, userId: string): Promise<AccountPermissions> {
  const user = await targetUser(ctx, principal, 'user.read', userId);
  const local = await isLocalUser(ctx, user);
  const mfaEnrolled = local && (await hasConfirmedTotp(ctx, user.id));
  const target = { type: 'user' as const, user: await userFacts(ctx, user) };
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
  return {
    actions,
    mayEdit: await isAllowed(ctx, principal, 'user.update', target),
    mayDelete: await isAllowed(ctx, principal, 'user.delete', target),
    mayChangeMemberships: await isAllowed(ctx, principal, 'membership.remove', target),
    mfaEnrolled,
  };
}
