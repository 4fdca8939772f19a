import type { OrganizationKind } from '../../db/models/Organization.js';
import type { User } from '../../db/models/User.js';
import type { Actor } from '../actor.js';
import type { DomainContext } from '../context.js';
import { DomainError, forbidden } from '../errors.js';
import type { UserScope } from '../scope.js';
import { canSignIn } from '../statusMachine.js';
import { loadMemberships } from '../userView.js';

/** An organization an administrator manages, with the rank of their own role there. */
export interface ManagedOrganization {
  id: string;
  slug: string;
  name: string;
  kind: OrganizationKind;
  role: string;
  rank: number;
}

/**
 * Who is administering, and over what: a platform administrator over everything; an organization administrator (a
 * role the catalog marks as able to manage users) over the users and memberships of those organizations only.
 */
export interface AdminPrincipal {
  userId: string;
  label: string;
  isPlatformAdmin: boolean;
  /** Empty for a platform administrator, who is not limited to organizations. */
  managed: ManagedOrganization[];
  actor: Actor;
}

/** The administrator a signed-in user or an API token acts as; null when the user may not administer anything. */
export async function loadAdminPrincipal(ctx: DomainContext, userId: string, via: { ip?: string; requestId?: string; token?: string } = {}): Promise<AdminPrincipal | null> {
  const user = await ctx.db.models.User.findByPk(userId);
  if (!user || !canSignIn(user.status)) return null;
  const memberships = (await loadMemberships(ctx, [user.id])).get(user.id) ?? [];
  const managed = memberships
    .filter((m) => m.canManageUsers)
    .map((m) => ({ id: m.organization.id, slug: m.organization.slug, name: m.organization.name, kind: m.organization.kind, role: m.role, rank: ctx.catalog.require(m.organization.kind, m.role).rank }));
  if (!user.isPlatformAdmin && managed.length === 0) return null;
  const label = via.token ? `${user.userName} (API token "${via.token}")` : user.userName;
  return {
    userId: user.id,
    label,
    isPlatformAdmin: user.isPlatformAdmin,
    managed: user.isPlatformAdmin ? [] : managed,
    actor: { type: via.token ? 'api_token' : 'admin', id: user.id, label, ...(via.ip ? { ip: via.ip } : {}), ...(via.requestId ? { requestId: via.requestId } : {}) },
  };
}

/** The users an administrator may see: everything, or the members of the organizations they manage. */
export function adminScope(principal: AdminPrincipal): UserScope {
  return principal.isPlatformAdmin ? {} : { organizationIds: principal.managed.map((o) => o.id) };
}

export function requirePlatformAdmin(principal: AdminPrincipal): void {
  if (!principal.isPlatformAdmin) throw forbidden('admin.platform_only', 'Only a platform administrator can do this.');
}

/** An organization the administrator manages (platform administrators manage all), or "not found". */
export function managedOrganization(principal: AdminPrincipal, organizationId: string): ManagedOrganization | null {
  return principal.managed.find((o) => o.id === organizationId) ?? null;
}

/** Refuses to give a role above the administrator's own in that organization. */
export function assertMayGrant(ctx: DomainContext, principal: AdminPrincipal, organization: { id: string; slug: string; kind: OrganizationKind }, role: string): void {
  const wanted = ctx.catalog.require(organization.kind, role);
  if (principal.isPlatformAdmin) return;
  const own = managedOrganization(principal, organization.id);
  if (!own) throw new DomainError('not_found', 'organization.not_found', 'Organization not found.');
  if (wanted.rank < own.rank) throw forbidden('admin.role_above_own', `You cannot give the role "${wanted.label}" in ${organization.slug}: it is above your own.`);
}

/** Organization administrators cannot act on platform administrators. */
export function assertMayActOn(principal: AdminPrincipal, target: Pick<User, 'id' | 'isPlatformAdmin'>): void {
  if (!principal.isPlatformAdmin && target.isPlatformAdmin) throw forbidden('admin.platform_admin_protected', 'Only a platform administrator can change a platform administrator.');
}
