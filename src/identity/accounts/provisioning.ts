import { DIRECT_SOURCE } from '../../db/models/Membership.js';
import type { DomainContext } from '../context.js';
import { assertAcceptablePassword, assertReplaceableByProvisioning, storePassword } from '../credentials/passwords.js';
import { revokeOneTimeTokens } from '../credentials/oneTimeTokens.js';
import { invalid } from '../errors.js';
import { authorize, userFacts, userScopeFor, type Action, type UserFacts } from '../policy/index.js';
import type { ScimTokenPrincipal } from '../principal.js';
import { recordAudit } from '../audit.js';
import { findUserInScope } from '../scope.js';
import { userAttributesPatchSchema, type UserAttributes, type UserAttributesPatch } from '../userAttributes.js';
import { viewUser, withRow, type UserView } from '../userView.js';
import { parseInput } from '../validation.js';
import { createAccount } from './create.js';
import { roleForProvisioning, roleImmutable } from './provisioningRole.js';
import { applyProfileChange, checkVersion, profileChange } from './records.js';
import { applyStatusEvent } from './status.js';
import { isLocalUser, profileActions, profileScope } from './update.js';

/**
 * Users as a provisioning client (a SCIM token) manages them: always within the token's directory and, for a token
 * limited to one organization, within that organization; every change asks the policy like any other principal's.
 */

export interface ProvisionUserInput {
  attributes: UserAttributes;
  active?: boolean;
  /** Stored only in the local directory, under the password policy; an SSO directory's IdP keeps passwords. */
  password?: string;
  /** The role in the token's organization (tokens limited to one organization only). */
  role?: string;
}

function assertRoleAllowed(principal: ScimTokenPrincipal, role: string | undefined): void {
  if (role !== undefined && !principal.organizationId) {
    throw invalid('provisioning.role_without_organization', 'Only a token limited to one organization gives a role; this token\'s users get roles from role mappings.', 'role');
  }
}

/** POST /Users: createAccount in the token's directory (and organization, with the role asked or the default). */
export async function provisionAccount(ctx: DomainContext, principal: ScimTokenPrincipal, input: ProvisionUserInput): Promise<UserView> {
  assertRoleAllowed(principal, input.role);
  const memberships = principal.organizationId ? [{ organization: principal.organizationId, role: await roleForProvisioning(ctx, principal.organizationId, input.role) }] : [];
  return createAccount(ctx, principal, {
    directory: { id: principal.directoryId, name: principal.directoryName, kind: principal.directoryKind },
    attributes: input.attributes,
    ...(input.active !== undefined ? { active: input.active } : {}),
    memberships,
    ...(input.password !== undefined ? { password: input.password } : {}),
  });
}

export interface ProvisionedUserChange {
  /** The attributes to change (all of them for a replace). */
  attributes: UserAttributesPatch;
  active?: boolean;
  password?: string;
  role?: string;
}

/**
 * Changes a user for a provisioning client in one transaction, each part asked of the policy on the user as it
 * stands: attributes (and, for a local user, its userName or emails: a change of credentials), then `active` (false
 * deactivates and ends sessions; true restores the previous status, without email), then the password (local
 * directory only; never one a user who has signed in chose).
 */
export async function changeProvisionedAccount(ctx: DomainContext, principal: ScimTokenPrincipal, id: string, change: ProvisionedUserChange, options: { expectedVersion?: number } = {}): Promise<UserView> {
  assertRoleAllowed(principal, change.role);
  const attrs = parseInput(userAttributesPatchSchema, change.attributes, 'user.invalid');
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, id, profileScope(principal), { forUpdate: true });
    checkVersion(user, options.expectedVersion);
    let facts: UserFacts | undefined;
    const allow = async (action: Action) => authorize(ctx, principal, action, { type: 'user', user: (facts ??= await userFacts(ctx, user)) });
    const local = await isLocalUser(ctx, user);
    const profile = await profileChange(ctx, t, user, attrs);
    for (const action of await profileActions(ctx, user, profile)) await allow(action);
    if (change.role !== undefined && principal.organizationId) {
      const direct = await ctx.db.models.Membership.findOne({ where: { userId: id, organizationId: principal.organizationId, sourceKey: DIRECT_SOURCE }, transaction: t });
      if (direct?.role !== change.role) throw roleImmutable(direct?.role ?? null, change.role);
    }
    const activeChanges = change.active !== undefined && change.active !== (user.status !== 'INACTIVE');
    if (activeChanges) await allow(change.active ? 'user.reactivate' : 'user.deactivate');
    const settingPassword = change.password !== undefined && local;
    if (settingPassword) await allow('user.set_password');

    const profiled = await applyProfileChange(ctx, t, principal.actor, user, attrs, profile);
    // What follows changes the user's row only: the view is the one above with the row as it is then.
    const view = () => withRow(user, profiled);
    if (activeChanges) await applyStatusEvent(ctx, t, principal.actor, user, change.active ? 'reactivate' : 'deactivate', {}, { view });
    if (settingPassword) {
      await assertReplaceableByProvisioning(ctx, t, user);
      await assertAcceptablePassword(ctx, user, change.password!);
      await storePassword(ctx, t, user.id, change.password!, 'provisioning');
      await recordAudit(ctx, t, principal.actor, { action: 'user.password_set', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId });
      if (user.status === 'PROVISIONED') {
        await applyStatusEvent(ctx, t, principal.actor, user, 'activate', {}, { view });
        await revokeOneTimeTokens(ctx, t, user.id, 'activation');
      }
    }
    return view();
  });
}

/**
 * A read-modify-write of one user (a SCIM PATCH) as one transaction with the user's row locked: `apply` gets the
 * current view and answers the change (or nothing to change). Concurrent patches of one user queue instead of
 * overwriting each other; with `expectedVersion` (If-Match) a stale version is refused.
 */
export async function patchProvisionedAccount(
  ctx: DomainContext,
  principal: ScimTokenPrincipal,
  id: string,
  apply: (current: UserView) => Promise<ProvisionedUserChange | undefined>,
  options: { expectedVersion?: number } = {},
): Promise<UserView> {
  return ctx.db.tx(async () => {
    const user = await findUserInScope(ctx, id, userScopeFor(principal, 'user.update'), { forUpdate: true });
    checkVersion(user, options.expectedVersion);
    const current = await viewUser(ctx, user);
    const change = await apply(current);
    return change ? changeProvisionedAccount(ctx, principal, id, change, { expectedVersion: current.version }) : current;
  });
}
