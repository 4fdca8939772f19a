import type { DomainContext } from '../../src/identity/context.js';
import { findDirectory } from '../../src/identity/directories.js';
import { findOrganization } from '../../src/identity/organizations.js';
import { scimTokenPrincipal, type AdminPrincipal, type ScimTokenPrincipal } from '../../src/identity/principal.js';

/**
 * Principals built for domain tests, as the edges would establish them: an organization administrator holding
 * `role` in each organization given, a SCIM token of a directory (limited to one organization or not).
 */
export async function organizationAdministrator(ctx: DomainContext, roles: Record<string, string>, userId = 'org-admin-under-test'): Promise<AdminPrincipal> {
  const managed = [];
  for (const [slug, role] of Object.entries(roles)) {
    const org = await findOrganization(ctx, slug);
    managed.push({ id: org.id, slug: org.slug, name: org.name, kind: org.kind, role, rank: ctx.catalog.require(org.kind, role).rank });
  }
  return { kind: 'org_admin', userId, label: 'org admin under test', isPlatformAdmin: false, managed, actor: { type: 'admin', id: userId, label: 'org admin under test' } };
}

export async function scimToken(ctx: DomainContext, directory: string, organization?: string): Promise<ScimTokenPrincipal> {
  const dir = await findDirectory(ctx, directory);
  const org = organization ? await findOrganization(ctx, organization) : null;
  return scimTokenPrincipal({ tokenId: `token-of-${dir.name}`, name: `${dir.name} token`, directoryId: dir.id, directoryName: dir.name, directoryKind: dir.kind, organizationId: org?.id ?? null });
}
