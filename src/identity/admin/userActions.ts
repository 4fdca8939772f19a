import { z } from 'zod';
import { createAccount, resendActivation } from '../accounts/onboarding.js';
import { adminResetPassword } from '../selfService/passwordReset.js';
import { adminResetMfa } from '../selfService/enrolment.js';
import type { Organization } from '../../db/models/Organization.js';
import type { DomainContext } from '../context.js';
import { findLocalDirectory } from '../directories.js';
import { conflict, DomainError, invalid } from '../errors.js';
import { addDirectMembership, removeDirectMembership } from '../memberships.js';
import { findOrganization } from '../organizations.js';
import { findUserInScope } from '../scope.js';
import { deactivateUser, lockUser, reactivateUser, unlockUser } from '../userLifecycle.js';
import { deleteUser, getUser, updateUser } from '../users.js';
import type { UserView } from '../userView.js';
import { emailSchema, parseInput } from '../validation.js';
import { adminScope, assertMayActOn, assertMayGrant, managedOrganization, type AdminPrincipal } from './principal.js';

/**
 * What administrators do to users, each checked against who the administrator is: organization administrators see
 * and change only the users of their organizations (others are "not found"), cannot touch platform administrators,
 * and cannot give a role above their own. Users of SSO directories keep the attributes their IdP manages.
 */

/** The user, if the administrator may see it; "not found" otherwise. */
async function target(ctx: DomainContext, principal: AdminPrincipal, userId: string) {
  const user = await findUserInScope(ctx, userId, adminScope(principal));
  return user;
}

async function targetToChange(ctx: DomainContext, principal: AdminPrincipal, userId: string) {
  const user = await target(ctx, principal, userId);
  assertMayActOn(principal, user);
  return user;
}

async function isLocal(ctx: DomainContext, directoryId: string): Promise<boolean> {
  return (await findLocalDirectory(ctx)).id === directoryId;
}

export async function adminGetUser(ctx: DomainContext, principal: AdminPrincipal, userId: string): Promise<UserView & { managedBy: 'local' | 'idp' }> {
  const user = await target(ctx, principal, userId);
  return { ...(await getUser(ctx, user.id)), managedBy: (await isLocal(ctx, user.directoryId)) ? 'local' : 'idp' };
}

const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be ${max} characters or fewer`);

export const adminCreateUserSchema = z.object({
  givenName: text(255),
  familyName: text(255),
  email: emailSchema,
  phone: text(64),
  title: text(255),
  sdkAccess: z.boolean({ message: 'must be true or false' }),
  preferredLanguage: z.enum(['en', 'es']).optional(),
  memberships: z.array(z.object({ organization: z.string().min(1, 'is required'), role: z.string().min(1, 'is required') })).min(1, 'give at least one organization with a role'),
});
export type AdminCreateUserInput = z.input<typeof adminCreateUserSchema>;

async function resolveMembershipOrganizations(ctx: DomainContext, principal: AdminPrincipal, memberships: Array<{ organization: string; role: string }>): Promise<Organization[]> {
  const orgs: Organization[] = [];
  for (const membership of memberships) {
    const org = await findOrganization(ctx, membership.organization);
    if (!principal.isPlatformAdmin && !managedOrganization(principal, org.id)) throw new DomainError('not_found', 'organization.not_found', 'Organization not found.');
    assertMayGrant(ctx, principal, org, membership.role);
    orgs.push(org);
  }
  return orgs;
}

/**
 * Creates a local user (first and last name, email, phone, job title, SDK access and at least one organization with a
 * role are all required) and emails the activation link.
 */
export async function adminCreateUser(ctx: DomainContext, principal: AdminPrincipal, input: AdminCreateUserInput): Promise<UserView> {
  const data = parseInput(adminCreateUserSchema, input, 'user.invalid');
  return ctx.db.tx(async () => {
    const orgs = await resolveMembershipOrganizations(ctx, principal, data.memberships);
    return createAccount(ctx, principal.actor, {
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
      memberships: data.memberships.map((m, i) => ({ organization: (orgs[i] as Organization).id, role: m.role })),
    });
  });
}

export const adminEditUserSchema = z
  .object({
    givenName: text(255),
    familyName: text(255),
    email: emailSchema,
    phone: text(64),
    title: text(255),
    sdkAccess: z.boolean({ message: 'must be true or false' }),
    preferredLanguage: z.enum(['en', 'es']).nullable(),
  })
  .partial();
export type AdminEditUserInput = z.input<typeof adminEditUserSchema>;

/** The attributes an SSO user's IdP manages: editing them here would be overwritten at the next sync. */
const IDP_MANAGED = new Set(['givenName', 'familyName', 'email', 'phone', 'title']);

/** Edits a user. For a user of an SSO directory only what idbridge owns (SDK access, language) can change. */
export async function adminEditUser(ctx: DomainContext, principal: AdminPrincipal, userId: string, input: AdminEditUserInput, options: { expectedVersion?: number } = {}): Promise<UserView> {
  const data = parseInput(adminEditUserSchema, input, 'user.invalid');
  return ctx.db.tx(async () => {
    const user = await targetToChange(ctx, principal, userId);
    const local = await isLocal(ctx, user.directoryId);
    const managed = Object.keys(data).filter((k) => IDP_MANAGED.has(k));
    if (!local && managed.length > 0) {
      throw invalid('user.managed_by_idp', `This user's ${managed.join(', ')} come${managed.length === 1 ? 's' : ''} from the identity provider; change ${managed.length === 1 ? 'it' : 'them'} there.`, managed[0]);
    }
    const current = await getUser(ctx, user.id);
    const patch: Parameters<typeof updateUser>[3] = {};
    if (data.givenName !== undefined || data.familyName !== undefined) {
      const givenName = data.givenName ?? current.name.givenName;
      const familyName = data.familyName ?? current.name.familyName;
      patch.name = { ...current.name, givenName, familyName };
      patch.displayName = [givenName, familyName].filter(Boolean).join(' ') || null;
    }
    if (data.email !== undefined) {
      if (data.email.toLowerCase() !== current.email?.toLowerCase()) {
        patch.emails = [{ value: data.email, type: 'work', primary: true }, ...current.emails.filter((e) => !e.primary).map((e) => ({ value: e.value, type: e.type, primary: false, display: e.display }))];
        // The local sign-in name follows the email when it was the email.
        if (current.userName.toLowerCase() === current.email?.toLowerCase()) patch.userName = data.email;
      }
    }
    if (data.phone !== undefined) patch.phoneNumbers = [{ value: data.phone, type: 'work', primary: true }, ...current.phoneNumbers.filter((p) => !p.primary).map((p) => ({ value: p.value, type: p.type, primary: false, display: p.display }))];
    if (data.title !== undefined) patch.title = data.title;
    if (data.sdkAccess !== undefined) patch.sdkAccess = data.sdkAccess;
    if (data.preferredLanguage !== undefined) patch.preferredLanguage = data.preferredLanguage;
    return updateUser(ctx, principal.actor, user.id, patch, options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion });
  });
}

export type AdminUserAction = 'lock' | 'unlock' | 'send_password_reset' | 'resend_activation' | 'reset_mfa' | 'deactivate' | 'reactivate';

/** One of the actions of the user page. Unlock may send a password reset at once (as one source product does). */
export async function adminUserAction(ctx: DomainContext, principal: AdminPrincipal, userId: string, action: AdminUserAction, options: { sendPasswordReset?: boolean } = {}): Promise<UserView> {
  return ctx.db.tx(async () => {
    const user = await targetToChange(ctx, principal, userId);
    const local = await isLocal(ctx, user.directoryId);
    if (!local && ['send_password_reset', 'resend_activation', 'reset_mfa'].includes(action)) {
      throw invalid('user.managed_by_idp', 'This user signs in through the identity provider of its directory: passwords, activation and MFA are managed there.');
    }
    switch (action) {
      case 'lock':
        return lockUser(ctx, principal.actor, user.id);
      case 'unlock': {
        const view = await unlockUser(ctx, principal.actor, user.id);
        return options.sendPasswordReset && local ? adminResetPassword(ctx, principal.actor, user.id) : view;
      }
      case 'send_password_reset':
        return adminResetPassword(ctx, principal.actor, user.id);
      case 'resend_activation':
        return resendActivation(ctx, principal.actor, user.id);
      case 'reset_mfa':
        return adminResetMfa(ctx, principal.actor, user.id);
      case 'deactivate':
        return deactivateUser(ctx, principal.actor, user.id, { notify: true });
      case 'reactivate':
        return reactivateUser(ctx, principal.actor, user.id);
    }
  });
}

/** Gives (or changes) a user's role in an organization the administrator manages, never above their own. */
export async function adminSetMembership(ctx: DomainContext, principal: AdminPrincipal, userId: string, input: { organization: string; role: string }): Promise<UserView> {
  return ctx.db.tx(async () => {
    const user = await targetToChange(ctx, principal, userId);
    const [org] = await resolveMembershipOrganizations(ctx, principal, [input]);
    return addDirectMembership(ctx, principal.actor, { userId: user.id, organization: (org as Organization).id, role: input.role });
  });
}

/** Removes a user from one organization (optionally telling them); the user and its other memberships stay. */
export async function adminRemoveMembership(ctx: DomainContext, principal: AdminPrincipal, userId: string, input: { organization: string; notify?: boolean }): Promise<UserView> {
  return ctx.db.tx(async () => {
    const user = await targetToChange(ctx, principal, userId);
    const org = await findOrganization(ctx, input.organization);
    if (!principal.isPlatformAdmin && !managedOrganization(principal, org.id)) throw new DomainError('not_found', 'organization.not_found', 'Organization not found.');
    return removeDirectMembership(ctx, principal.actor, { userId: user.id, organization: org.id, notify: input.notify === true });
  });
}

/**
 * Deletes a user from the platform, for good. The request must repeat the user's userName as confirmation. An
 * organization administrator may only delete users who belong to no organization outside theirs.
 */
export async function adminDeleteUser(ctx: DomainContext, principal: AdminPrincipal, userId: string, confirmation: string): Promise<void> {
  await ctx.db.tx(async () => {
    const user = await targetToChange(ctx, principal, userId);
    if (confirmation.trim().toLowerCase() !== user.userName.toLowerCase()) {
      throw invalid('user.delete_unconfirmed', 'To delete this user for good, confirm with the exact username.', 'confirm');
    }
    if (!principal.isPlatformAdmin) {
      const view = await getUser(ctx, user.id);
      const elsewhere = view.memberships.filter((m) => !managedOrganization(principal, m.organization.id));
      if (elsewhere.length > 0) throw conflict('user.in_other_organizations', 'This user also belongs to organizations you do not manage: remove the user from yours instead of deleting it.');
    }
    await deleteUser(ctx, principal.actor, user.id);
  });
}
