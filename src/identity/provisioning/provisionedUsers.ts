import { Op } from 'sequelize';
import { createAccount } from '../accounts/onboarding.js';
import { setUserPassword } from '../credentials/passwords.js';
import { DIRECT_SOURCE } from '../../db/models/Membership.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { findDirectory, readDirectory, type DirectoryRecord } from '../directories.js';
import { invalid } from '../errors.js';
import { findUserInScope, type UserScope } from '../scope.js';
import type { UserAttributes, UserAttributesPatch } from '../userAttributes.js';
import { setUserActive } from '../userLifecycle.js';
import { checkVersion, deleteUser, getUser, updateUser } from '../users.js';
import { viewUser, type UserView } from '../userView.js';
import { roleForProvisioning, roleImmutable } from './provisioningRole.js';

/**
 * Users as a provisioning client (a SCIM token) manages them: always within the client's directory, and, for a local
 * token limited to one organization, within that organization.
 */
export interface ProvisioningClient {
  directoryId: string;
  /** Set for a local-directory client limited to one organization. */
  organizationId: string | null;
  /** The directory itself, when the caller has it already (a directory is never renamed): spares reading it. */
  directory?: DirectoryRecord;
}

export function provisioningScope(client: ProvisioningClient): UserScope {
  return { directoryId: client.directoryId, ...(client.organizationId ? { organizationIds: [client.organizationId] } : {}) };
}

export interface ProvisionUserInput {
  attributes: UserAttributes;
  active?: boolean;
  /** Stored only in the local directory, under the password policy; an SSO directory's IdP keeps passwords. */
  password?: string;
  /** The role in the client's organization (clients limited to one organization only). */
  role?: string;
}

function assertRoleAllowed(client: ProvisioningClient, role: string | undefined): void {
  if (role !== undefined && !client.organizationId) {
    throw invalid('provisioning.role_without_organization', 'Only a token limited to one organization gives a role; this token\'s users get roles from role mappings.', 'role');
  }
}

/**
 * Creates a user for a provisioning client. In an SSO directory a `password` (Okta sends a placeholder) is ignored
 * and never stored. In the local directory the user is PROVISIONED and gets the activation email, or, with a password
 * that passes the policy, is ACTIVE at once; a client limited to one organization adds the user to it.
 */
export async function provisionUser(ctx: DomainContext, actor: Actor, client: ProvisioningClient, input: ProvisionUserInput): Promise<UserView> {
  assertRoleAllowed(client, input.role);
  const directory = client.directory ?? (await readDirectory(ctx, client.directoryId));
  const memberships = client.organizationId ? [{ organization: client.organizationId, role: await roleForProvisioning(ctx, client.organizationId, input.role) }] : [];
  const password = directory.kind === 'local' ? input.password : undefined;
  return createAccount(ctx, actor, {
    directory,
    attributes: input.attributes,
    ...(input.active !== undefined ? { active: input.active } : {}),
    memberships,
    ...(password !== undefined ? { password } : {}),
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
 * Changes a user for a provisioning client in one transaction: attributes, then `active` (false deactivates and ends
 * sessions; true restores the previous status, without email), then the password (local directory only).
 */
export async function changeProvisionedUser(
  ctx: DomainContext,
  actor: Actor,
  client: ProvisioningClient,
  id: string,
  change: ProvisionedUserChange,
  options: { expectedVersion?: number } = {},
): Promise<UserView> {
  assertRoleAllowed(client, change.role);
  const scope = provisioningScope(client);
  return ctx.db.tx(async () => {
    let view = await updateUser(ctx, actor, id, change.attributes, { scope, ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}) });
    if (change.role !== undefined && client.organizationId) {
      const direct = await ctx.db.models.Membership.findOne({ where: { userId: id, organizationId: client.organizationId, sourceKey: DIRECT_SOURCE }, transaction: ctx.db.current() });
      if (direct?.role !== change.role) throw roleImmutable(direct?.role ?? null, change.role);
    }
    if (change.active !== undefined && change.active !== view.active) view = await setUserActive(ctx, actor, id, change.active, { scope });
    if (change.password !== undefined && (await findDirectory(ctx, client.directoryId)).kind === 'local') {
      await setUserPassword(ctx, actor, id, change.password, { scope });
      view = await getUser(ctx, id, scope);
    }
    return view;
  });
}

/**
 * A read-modify-write of one user (a SCIM PATCH) as one transaction with the user's row locked: `apply` gets the
 * current view and answers the change (or nothing to change). Concurrent patches of one user queue instead of
 * overwriting each other; with `expectedVersion` (If-Match) a stale version is refused.
 */
export async function patchProvisionedUser(
  ctx: DomainContext,
  actor: Actor,
  client: ProvisioningClient,
  id: string,
  apply: (current: UserView) => Promise<ProvisionedUserChange | undefined>,
  options: { expectedVersion?: number } = {},
): Promise<UserView> {
  return ctx.db.tx(async () => {
    const user = await findUserInScope(ctx, id, provisioningScope(client), { forUpdate: true });
    checkVersion(user, options.expectedVersion);
    const current = await viewUser(ctx, user);
    const change = await apply(current);
    return change ? changeProvisionedUser(ctx, actor, client, id, change, { expectedVersion: current.version }) : current;
  });
}

/**
 * DELETE from a provisioning client: the user is deleted from the platform. A client limited to one organization
 * cannot take away what other organizations share: when the user also belongs elsewhere, only its memberships in the
 * client's organization go (and the user leaves the client's view).
 */
export async function deprovisionUser(ctx: DomainContext, actor: Actor, client: ProvisioningClient, id: string, options: { expectedVersion?: number } = {}): Promise<'deleted' | 'removed_from_organization'> {
  const scope = provisioningScope(client);
  const versionCheck = options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {};
  if (!client.organizationId) {
    await deleteUser(ctx, actor, id, { scope, ...versionCheck });
    return 'deleted';
  }
  const organizationId = client.organizationId;
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, id, scope);
    checkVersion(user, options.expectedVersion);
    const { Membership } = ctx.db.models;
    const elsewhere = await Membership.count({ where: { userId: id, organizationId: { [Op.ne]: organizationId } }, transaction: t });
    if (elsewhere === 0) {
      await deleteUser(ctx, actor, id, { scope, ...versionCheck });
      return 'deleted';
    }
    const removed = await Membership.findAll({ where: { userId: id, organizationId }, transaction: t });
    await Membership.destroy({ where: { userId: id, organizationId }, transaction: t });
    await recordAudit(ctx, t, actor, {
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
