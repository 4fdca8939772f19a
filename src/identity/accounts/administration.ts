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
import { findOrganization, listOrganizations } from '../organizations.js';
import { rightsOf } from '../policy/index.js';

/**
 * What the administration (console and admin API alike) does to accounts beyond the generic commands: its create
 * form, and the actions of a user's page. The policy decides each, as for any other principal.
 */

export const newAccountSchema = z.object({
  ...ACCOUNT_FORM_FIELDS,
  preferredLanguage: z.enum(['en', 'es']).optional(),
  // A role left out is the catalog's default for the organization's kind (never its highest).
  memberships: z.array(z.object({ organization: z.string().min(1, 'is required'), role: z.string().min(1, 'is required').optional() })).min(1, 'give at least one organization with a role'),
});
export type NewAccountInput = z.input<typeof newAccountSchema>;

/**
 * The administration's create form: a local user (first and last name, email, phone, job title, SDK access and at
 * least one organization are all required; a role not named is the catalog's default), emailed the activation link.
 */
export async function createAccountFromForm(ctx: DomainContext, principal: Principal, input: NewAccountInput): Promise<UserView> {
  const data = parseInput(newAccountSchema, input, 'user.invalid');
  const memberships: Array<{ organization: string; role: string }> = [];
  for (const m of data.memberships) memberships.push({ organization: m.organization, role: m.role ?? ctx.catalog.defaultRole((await findOrganization(ctx, m.organization)).kind).key });
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
    memberships,
  });
}

export type AccountAction = 'lock' | 'unlock' | 'send_password_reset' | 'resend_activation' | 'reset_mfa' | 'deactivate' | 'reactivate';

/** One of the actions of the user page. Unlock may send a password reset at once (as one source product does). */
export async function runAccountAction(ctx: DomainContext, principal: Principal, userId: string, action: AccountAction, options: { sendPasswordReset?: boolean } = {}): Promise<UserView> {
  return ctx.db.tx(async () => {
    const { user } = await targetUser(ctx, principal, 'user.read', userId);
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
