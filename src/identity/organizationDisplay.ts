import type { Transaction } from 'sequelize';
import type { Organization, OrganizationSupport } from '../db/models/Organization.js';
import type { DomainContext } from './context.js';

/**
 * An organization as emails and pages name it to its people: its name and whom to ask for help. The branding issue
 * extends this object (logo, colour, product name), so templates and pages take it whole.
 */
export interface OrganizationDisplay {
  name: string;
  support: OrganizationSupport;
}

export function displayOrganization(org: Pick<Organization, 'name' | 'support'>): OrganizationDisplay {
  return { name: org.name, support: { ...org.support } };
}

/** Whether a contact has anything to show. */
export function hasSupportContact(support: OrganizationSupport | undefined): boolean {
  return !!support && Object.values(support).some((value) => typeof value === 'string' && value !== '');
}

/**
 * The organization a user's emails and pages speak for: the one that first gave the user a role, which is the one
 * that invited them (ties, as when one form gives several, are broken by id so the answer does not change). Null for a
 * user without organizations (a platform administrator).
 */
export async function primaryOrganization(ctx: DomainContext, userId: string, t: Transaction | undefined = ctx.db.current()): Promise<Organization | null> {
  const { Membership, Organization } = ctx.db.models;
  const first = await Membership.findOne({ where: { userId }, attributes: ['organizationId'], order: [['createdAt', 'ASC'], ['organizationId', 'ASC']], transaction: t });
  return first ? Organization.findByPk(first.organizationId, { transaction: t }) : null;
}

/**
 * The organization a hosted page shows to someone who cannot go on (a link that no longer works, a locked account,
 * a failed sign-in), and so whose support contact: the user's, when the flow already names the user (a link sent to
 * them, a sign-in that got past the password); else the organization the page was opened for (`?org=` hint), which
 * says nothing about any account; else none, and the page says to ask the organization's administrator.
 */
export async function organizationForPage(ctx: DomainContext, input: { userId?: string | undefined; organization?: string | undefined }): Promise<OrganizationDisplay | null> {
  if (input.userId) {
    const org = await primaryOrganization(ctx, input.userId);
    if (org) return displayOrganization(org);
  }
  const hint = input.organization?.trim();
  if (hint && /^[a-z0-9-]{1,64}$/.test(hint)) {
    const org = await ctx.db.models.Organization.findOne({ where: { slug: hint }, transaction: ctx.db.current() });
    if (org) return displayOrganization(org);
  }
  return null;
}
