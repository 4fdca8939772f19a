import type { User } from '../../db/models/User.js';
import type { DomainContext } from '../context.js';
import type { Principal, ScimTokenPrincipal } from '../principal.js';
import { tokenRights } from '../verifiedScimTokens.js';
import { isPlatformLevel } from '../principal.js';
import { loadMemberships, type MembershipView } from '../userView.js';
import type { Grant, Rights, UserFacts } from './authorize.js';

/** The policy's view of a user whose memberships are already loaded. */
export function factsOf(ctx: DomainContext, user: Pick<User, 'id' | 'directoryId' | 'isPlatformAdmin'>, memberships: readonly MembershipView[]): UserFacts {
  return {
    id: user.id,
    directoryId: user.directoryId,
    isPlatformAdmin: user.isPlatformAdmin,
    organizations: memberships.map((m) => ({ id: m.organization.id, role: m.role, rank: ctx.catalog.require(m.organization.kind, m.role).rank, canManageUsers: m.canManageUsers })),
  };
}

/** The policy's view of a user (one query for its memberships). */
export async function userFacts(ctx: DomainContext, user: Pick<User, 'id' | 'directoryId' | 'isPlatformAdmin'>): Promise<UserFacts> {
  return factsOf(ctx, user, (await loadMemberships(ctx, [user.id])).get(user.id) ?? []);
}

/** A role of an organization as a grant the policy can weigh (the role must exist in the organization's kind). */
export function grantIn(ctx: DomainContext, organization: { id: string; kind: 'utility' | 'customer' }, role: string, field = 'role'): Grant {
  const definition = ctx.catalog.require(organization.kind, role, field);
  return { organizationId: organization.id, rank: definition.rank, role: definition.key };
}

/** Rights read for a principal, kept while it lives (one request): a command often asks about several actions. */
const known = new WeakMap<Principal, Promise<Rights>>();

/** The highest role the principal holds in each organization (see Rights). */
export function rightsOf(ctx: DomainContext, principal: Principal): Promise<Rights> {
  let rights = known.get(principal);
  if (!rights) known.set(principal, (rights = readRights(ctx, principal)));
  return rights;
}

async function readRights(ctx: DomainContext, principal: Principal): Promise<Rights> {
  if (isPlatformLevel(principal)) return 'all';
  if (principal.kind === 'org_admin') return new Map(principal.managed.map((o) => [o.id, { rank: o.rank, role: o.role }]));
  if (principal.kind !== 'scim_token') return new Map<string, { rank: number; role: string }>();
  return tokenRights(ctx, principal.tokenId, () => readTokenRights(ctx, principal));
}

/** What a SCIM token may give: its organization's provisioning limit, or its directory's role mappings. */
async function readTokenRights(ctx: DomainContext, principal: ScimTokenPrincipal): Promise<Rights> {
  const t = ctx.db.current();
  if (principal.organizationId) {
    const org = await ctx.db.models.Organization.findByPk(principal.organizationId, { transaction: t });
    if (!org) return new Map<string, { rank: number; role: string }>();
    const ceiling = org.policy.provisioningMaxRole ?? ctx.catalog.provisioningCeiling(org.kind).key;
    return new Map([[org.id, { rank: ctx.catalog.require(org.kind, ceiling).rank, role: ceiling }]]);
  }
  // A token of an SSO directory holds what its directory's role mappings give (a platform administrator chose them).
  const rows = await ctx.db.rows<{ organizationId: string; kind: 'utility' | 'customer'; role: string }>(
    'SELECT m.organization_id AS "organizationId", o.kind AS kind, m.role AS role FROM role_mappings m JOIN organizations o ON o.id = m.organization_id WHERE m.directory_id = ?',
    [principal.directoryId],
  );
  const rights = new Map<string, { rank: number; role: string }>();
  for (const row of rows) {
    const rank = ctx.catalog.find(row.kind, row.role)?.rank;
    if (rank !== undefined && rank < (rights.get(row.organizationId)?.rank ?? Infinity)) rights.set(row.organizationId, { rank, role: row.role });
  }
  return rights;
}
