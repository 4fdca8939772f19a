import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { findOrganization } from '../organizations.js';

/**
 * The role a provisioning client limited to one organization gives a user it creates there when it names none: the
 * catalog's default, capped at the organization's limit (its `provisioningMaxRole`, else the highest role that
 * cannot manage users). A role it names is weighed by the policy against that same limit.
 */
export async function roleForProvisioning(ctx: DomainContext, organizationId: string, requested?: string): Promise<string> {
  if (requested !== undefined) return requested;
  const org = await findOrganization(ctx, organizationId);
  const ceiling = org.policy.provisioningMaxRole ?? ctx.catalog.provisioningCeiling(org.kind).key;
  const fallback = ctx.catalog.defaultRole(org.kind).key;
  return ctx.catalog.isAtMost(org.kind, fallback, ceiling) ? fallback : ceiling;
}

/** The role is chosen once, at creation; later requests may repeat it but not change it. */
export function roleImmutable(current: string | null, requested: string): DomainError {
  return new DomainError('invalid', 'provisioning.role_immutable', `The role is given when the user is created${current ? ` (it is "${current}")` : ''} and cannot be changed to "${requested}" by provisioning; an administrator changes roles in idbridge.`, { field: 'role' });
}
