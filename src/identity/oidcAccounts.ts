import { Op, type Transaction } from 'sequelize';
import type { DomainContext } from './context.js';
import { findLocalDirectory } from './directories.js';
import { loadMemberships } from './userView.js';
import { queueLogoutNotices, type LogoutReason } from './oidcLogout/notices.js';
import { portalSessionsIn, type PayloadRow } from './oidcLogout/portalSessions.js';

/** The custom claim (and scope) listing a user's organizations and effective role in each. */
export const ORGANIZATIONS_CLAIM = 'organizations';

export interface OrganizationClaim {
  id: string;
  slug: string;
  name: string;
  kind: string;
  role: string;
}

/**
 * The claims a portal receives about a user, or null when the user may not obtain tokens (anything but ACTIVE:
 * inactive, locked, not activated, mid-recovery). oidc-provider then refuses codes and refreshes for them.
 */
export async function accountClaims(ctx: DomainContext, userId: string): Promise<Record<string, unknown> | null> {
  const user = await ctx.db.models.User.findByPk(userId);
  if (!user || user.status !== 'ACTIVE') return null;
  const memberships = (await loadMemberships(ctx, [user.id])).get(user.id) ?? [];
  const local = await findLocalDirectory(ctx);
  const name = user.displayName ?? ([user.givenName, user.familyName].filter(Boolean).join(' ') || user.userName);
  const organizations: OrganizationClaim[] = memberships.map((m) => ({ id: m.organization.id, slug: m.organization.slug, name: m.organization.name, kind: m.organization.kind, role: m.role }));
  return {
    sub: user.id,
    name,
    given_name: user.givenName ?? undefined,
    family_name: user.familyName ?? undefined,
    preferred_username: user.userName,
    email: user.email ?? undefined,
    // A local user proved the address by activating from it; an SSO directory's addresses come from the IdP.
    email_verified: user.email ? true : undefined,
    locale: user.preferredLanguage ?? user.locale ?? undefined,
    updated_at: Math.floor(user.updatedAt.getTime() / 1000),
    [ORGANIZATIONS_CLAIM]: organizations,
    idbridge_directory: user.directoryId === local.id ? 'local' : 'sso',
  };
}

/** Whether a user may use a client: clients limited to organizations admit only their members. */
export async function mayUseClient(ctx: DomainContext, userId: string, organizationIds: readonly string[]): Promise<boolean> {
  if (organizationIds.length === 0) return true;
  return (await ctx.db.models.Membership.count({ where: { userId, organizationId: { [Op.in]: [...organizationIds] } } })) > 0;
}

/**
 * Ends everything OpenID Connect holds for a user: sessions, grants, codes, access and refresh tokens; and tells the
 * portals it held them in (those that registered a back-channel logout URI), from the same transaction. One statement
 * when the user held nothing (the deactivation waves of provisioning): the DELETE answers what it deleted.
 */
export async function revokeOidcForUser(ctx: DomainContext, t: Transaction | undefined, userId: string, reason: LogoutReason = 'sessions_ended'): Promise<number> {
  const deleted = await ctx.db.rows<PayloadRow>('DELETE FROM oidc_payloads WHERE account_id = ? RETURNING model, payload', [userId]);
  if (deleted.length > 0) await queueLogoutNotices(ctx, t, userId, portalSessionsIn(deleted), reason);
  return deleted.length;
}
