import type { DomainContext } from '../context.js';
import { DomainError, invalid } from '../errors.js';
import { findOrganization } from '../organizations.js';

/**
 * The role a provisioning client limited to one organization gives a user it creates there: the catalog's default,
 * or the one it names, never above the organization's limit (its `provisioningMaxRole`, else the highest role that
 * cannot manage users).
 */
export async function roleForProvisioning(ctx: DomainContext, organizationId: string, requested?: string): Promise<string> {
  const org = await findOrganization(ctx, organizationId);
  const ceiling = org.policy.provisioningMaxRole ?? ctx.catalog.provisioningCeiling(org.kind).key;
  const fallback = ctx.catalog.defaultRole(org.kind).key;
  if (requested === undefined) return ctx.catalog.isAtMost(org.kind, fallback, ceiling) ? fallback : ceiling;
  const role = ctx.catalog.require(org.kind, requested, 'role');
  if (!ctx.catalog.isAtMost(org.kind, role.key, ceiling)) {
    throw invalid('provisioning.role_above_limit', `"${role.key}" is above the highest role provisioning may give in "${org.slug}" ("${ceiling}"); ask an idbridge operator to raise the organization's provisioning limit.`, 'role');
  }
  return role.key;
}

/** The role is chosen once, at creation; later requests may repeat it but not change it. */
export function roleImmutable(current: string | null, requested: string): DomainError {
  return new DomainError('invalid', 'provisioning.role_immutable', `The role is given when the user is created${current ? ` (it is "${current}")` : ''} and cannot be changed to "${requested}" by provisioning; an administrator changes roles in idbridge.`, { field: 'role' });
}
