import type { OrganizationKind } from '../db/models/Organization.js';
import type { Actor } from './actor.js';
import type { DomainContext } from './context.js';
import { canSignIn } from './statusMachine.js';
import { loadMemberships } from './userView.js';

/**
 * Who is acting. Every domain command and query is given one, and the policy (policy/rules.ts) decides from its kind
 * what it may do to which target. The edges only establish it: a console session or an API token gives an
 * administrator, a bearer token a SCIM token, a hosted page's session the user themself, the CLI the operator.
 */
export type Principal = AdminPrincipal | ScimTokenPrincipal | SelfPrincipal | OperatorPrincipal | SystemPrincipal;
export type PrincipalKind = Principal['kind'];

/** An organization an administrator manages, with the rank of their own role there (0 is the highest role). */
export interface ManagedOrganization {
  id: string;
  slug: string;
  name: string;
  kind: OrganizationKind;
  role: string;
  rank: number;
}

/**
 * A signed-in administrator (or an API token acting as one), or a service token: a platform administrator over
 * everything, or an organization administrator (a role the catalog marks as able to manage users) over the
 * organizations it manages. A service token is no one's account: its `userId` is null, so no rule `own` ever matches
 * it (it has no account, and no personal API tokens, of its own), and like every integration credential it never
 * reaches a platform administrator (policy/authorize.ts).
 */
export interface AdminPrincipal {
  kind: 'platform_admin' | 'org_admin';
  /** The administrator's own account; null for a service token. */
  userId: string | null;
  /** The service token acting, when the principal is one (then `userId` is null). */
  serviceTokenId?: string;
  label: string;
  isPlatformAdmin: boolean;
  /** Empty for a platform administrator, who is not limited to organizations. */
  managed: ManagedOrganization[];
  actor: Actor;
}

/** What a verified SCIM token is: its directory, and one organization when it is limited to one. */
export interface ScimTokenGrant {
  tokenId: string;
  name: string;
  directoryId: string;
  directoryName: string;
  directoryKind: 'local' | 'sso';
  organizationId: string | null;
}

/** A provisioning client (an IdP, an HR tool) calling SCIM with a bearer token. */
export interface ScimTokenPrincipal extends ScimTokenGrant {
  kind: 'scim_token';
  actor: Actor;
}

/** The user themself, signed in on the hosted pages (or holding a one-time link sent to them). */
export interface SelfPrincipal {
  kind: 'self';
  userId: string;
  actor: Actor;
}

/** The operator at the command line: platform-level, recorded as such in the audit trail. */
export interface OperatorPrincipal {
  kind: 'operator';
  actor: Actor;
}

/** idbridge itself: the first start, scheduled jobs, SAML just-in-time creation, sign-in bookkeeping. */
export interface SystemPrincipal {
  kind: 'system';
  actor: Actor;
}

export interface RequestOrigin {
  ip?: string;
  requestId?: string;
}

const origin = (via: RequestOrigin) => ({ ...(via.ip ? { ip: via.ip } : {}), ...(via.requestId ? { requestId: via.requestId } : {}) });

export function operatorPrincipal(osUser: string): OperatorPrincipal {
  return { kind: 'operator', actor: { type: 'operator', label: `cli (${osUser})` } };
}

export function systemPrincipal(label = 'idbridge', via: RequestOrigin = {}): SystemPrincipal {
  return { kind: 'system', actor: { type: 'system', label, ...origin(via) } };
}

/** The user of a session or a one-time link; `label` (the userName) is filled in by the domain where it knows it. */
export function selfPrincipal(userId: string, via: RequestOrigin = {}, label = userId): SelfPrincipal {
  return { kind: 'self', userId, actor: { type: 'user', id: userId, label, ...origin(via) } };
}

/** The audit actor of the user themself, named by their userName once the domain has read it. */
export function selfActor(principal: SelfPrincipal, user: { userName: string }): Actor {
  return { ...principal.actor, label: user.userName };
}

export function scimTokenPrincipal(grant: ScimTokenGrant, via: RequestOrigin = {}): ScimTokenPrincipal {
  return { kind: 'scim_token', ...grant, actor: { type: 'scim_token', id: grant.tokenId, label: `scim token "${grant.name}"`, ...origin(via) } };
}

/** Whether the principal acts at platform level: no scope limits it. */
export function isPlatformLevel(principal: Principal): boolean {
  return principal.kind === 'platform_admin' || principal.kind === 'operator' || principal.kind === 'system';
}

export function isAdmin(principal: Principal): principal is AdminPrincipal {
  return principal.kind === 'platform_admin' || principal.kind === 'org_admin';
}

/** Whether the principal is a service token (an administrator that is no one's account). */
export function isServiceToken(principal: Principal): principal is AdminPrincipal & { serviceTokenId: string } {
  return isAdmin(principal) && principal.serviceTokenId !== undefined;
}

/** The account that is the principal's own (what a rule `own` compares), or null when it has none. */
export function ownAccountOf(principal: Principal): string | null {
  return principal.kind === 'self' || isAdmin(principal) ? principal.userId : null;
}

/** What a verified service token is: platform level, or one organization's administrator with its highest managing role. */
export interface ServiceTokenGrant {
  tokenId: string;
  name: string;
  /** Null: platform level. */
  organization: ManagedOrganization | null;
}

export function serviceTokenPrincipal(grant: ServiceTokenGrant, via: RequestOrigin = {}): AdminPrincipal {
  const label = `service token "${grant.name}"`;
  return {
    kind: grant.organization ? 'org_admin' : 'platform_admin',
    userId: null,
    serviceTokenId: grant.tokenId,
    label,
    isPlatformAdmin: grant.organization === null,
    managed: grant.organization ? [grant.organization] : [],
    actor: { type: 'service_token', id: grant.tokenId, label, ...origin(via) },
  };
}

/**
 * The administrator a signed-in user or an API token acts as; null when the user may not administer anything (no
 * longer able to sign in, or holding no role that manages users).
 */
export async function loadAdminPrincipal(ctx: DomainContext, userId: string, via: RequestOrigin & { token?: string } = {}): Promise<AdminPrincipal | null> {
  const user = await ctx.db.models.User.findByPk(userId, { transaction: ctx.db.current() });
  if (!user || !canSignIn(user.status)) return null;
  const memberships = (await loadMemberships(ctx, [user.id])).get(user.id) ?? [];
  const managed = memberships
    .filter((m) => m.canManageUsers)
    .map((m) => ({ id: m.organization.id, slug: m.organization.slug, name: m.organization.name, kind: m.organization.kind, role: m.role, rank: ctx.catalog.require(m.organization.kind, m.role).rank }));
  if (!user.isPlatformAdmin && managed.length === 0) return null;
  const label = via.token ? `${user.userName} (API token "${via.token}")` : user.userName;
  return {
    kind: user.isPlatformAdmin ? 'platform_admin' : 'org_admin',
    userId: user.id,
    label,
    isPlatformAdmin: user.isPlatformAdmin,
    managed: user.isPlatformAdmin ? [] : managed,
    actor: { type: via.token ? 'api_token' : 'admin', id: user.id, label, ...origin(via) },
  };
}
