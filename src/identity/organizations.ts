import { z } from 'zod';
import { UniqueConstraintError } from 'sequelize';
import type { Organization, OrganizationKind, OrganizationPolicy, OrganizationSupport } from '../db/models/Organization.js';
import { recordAudit } from './audit.js';
import type { DomainContext } from './context.js';
import { authorize, organizationScopeFor } from './policy/index.js';
import type { Principal } from './principal.js';
import { conflict, notFound } from './errors.js';
import { nameSchema, parseInput, slugSchema } from './validation.js';
import { forgetScimTokenRights, forgetVerifiedScimTokens } from './verifiedScimTokens.js';
import { emitMembershipChanges, membershipChanges, readMembershipRows } from './membershipEvents.js';

export interface OrganizationView {
  id: string;
  kind: OrganizationKind;
  name: string;
  slug: string;
  policy: OrganizationPolicy;
  /** Whom its people ask when they cannot sign in (shown on the hosted pages and in emails); {} when unset. */
  support: OrganizationSupport;
  createdAt: string;
  updatedAt: string;
}

export const policySchema = z
  .object({
    mfaRequired: z.boolean().optional(),
    passwordMaxAgeDays: z.number().int().min(0).max(3650).optional(),
    passwordResetTtlHours: z.number().int().min(1).max(24 * 30).optional(),
    activationTtlHours: z.number().int().min(1).max(24 * 180).optional(),
    provisioningMaxRole: z.string().min(1).optional(),
  })
  .strict();

function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && !url.username && !url.password;
  } catch {
    return false;
  }
}

const EMAIL = /^[^\s@<>()[\],;:"]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const PHONE = /^\+?[0-9 ().-]+(?: ?(?:x|ext\.?) ?[0-9]{1,6})?$/i;
const PHONE_MESSAGE = 'must be a phone number such as +1 555 010 0199 (digits, spaces, ( ) . - and an optional leading +)';

/** One part of the contact: trimmed, bounded, checked when not empty (an empty value leaves the part unset). */
const contactPart = (max: number, check?: { test: (value: string) => boolean; message: string }) =>
  z
    .string()
    .trim()
    .max(max, `must be ${max} characters or fewer`)
    .refine((value) => value === '' || !check || check.test(value), check?.message ?? 'is not valid')
    .optional();

/** An organization's support contact: every part optional, each checked and bounded. */
export const supportSchema = z
  .object({
    text: contactPart(300),
    email: contactPart(254, { test: (value) => EMAIL.test(value), message: 'must be an email address such as help@example.com' }),
    phone: contactPart(40, { test: (value) => PHONE.test(value) && (value.match(/[0-9]/g) ?? []).length >= 3, message: PHONE_MESSAGE }),
    url: contactPart(500, { test: isWebAddress, message: 'must be an https:// or http:// address such as https://help.example.com' }),
  })
  .strict();

/** The support contact as sent: null clears it. */
const supportInput = supportSchema.nullable().transform((value): OrganizationSupport => Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined && v !== '')));

const createSchema = z.object({
  kind: z.enum(['utility', 'customer'], { message: 'must be "utility" or "customer"' }),
  name: nameSchema,
  slug: slugSchema,
  policy: policySchema.default({}),
  support: supportInput.default({}),
});

const updateSchema = z.object({ name: nameSchema.optional(), policy: policySchema.optional(), support: supportInput.optional() });

export type CreateOrganizationInput = z.input<typeof createSchema>;
export type UpdateOrganizationInput = z.input<typeof updateSchema>;

export function presentOrganization(org: Organization): OrganizationView {
  return {
    id: org.id,
    kind: org.kind,
    name: org.name,
    slug: org.slug,
    policy: org.policy,
    support: org.support,
    createdAt: org.createdAt.toISOString(),
    updatedAt: org.updatedAt.toISOString(),
  };
}

export async function createOrganization(ctx: DomainContext, principal: Principal, input: CreateOrganizationInput): Promise<OrganizationView> {
  await authorize(ctx, principal, 'organization.manage', { type: 'platform' });
  const data = parseInput(createSchema, input, 'organization.invalid');
  if (data.policy.provisioningMaxRole) ctx.catalog.require(data.kind, data.policy.provisioningMaxRole, 'policy.provisioningMaxRole');
  const now = ctx.clock.now();
  return ctx.db.tx(async (t) => {
    try {
      const org = await ctx.db.models.Organization.create(
        { id: ctx.random.uuid(), kind: data.kind, name: data.name, slug: data.slug, policy: data.policy, support: data.support, createdAt: now, updatedAt: now },
        { transaction: t },
      );
      const view = presentOrganization(org);
      await recordAudit(ctx, t, principal.actor, { action: 'organization.created', targetType: 'organization', targetId: org.id, organizationId: org.id, details: { after: view } });
      return view;
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw conflict('organization.slug_taken', `An organization with the slug "${data.slug}" already exists.`, 'slug');
      throw error;
    }
  });
}

/** The organizations the principal sees (an organization administrator: the ones it manages), by name. */
export async function listOrganizations(ctx: DomainContext, principal: Principal, filter: { kind?: OrganizationKind } = {}): Promise<OrganizationView[]> {
  const visible = organizationScopeFor(principal, 'organization.read');
  const where: Record<string, unknown> = {};
  if (filter.kind) where.kind = filter.kind;
  if (visible !== 'all') where.id = visible;
  const rows = await ctx.db.models.Organization.findAll({ where, order: [['name', 'ASC'], ['id', 'ASC']] });
  return rows.map(presentOrganization);
}

/** The organization model, found by id or slug. */
export async function findOrganization(ctx: DomainContext, idOrSlug: string): Promise<Organization> {
  const { Organization } = ctx.db.models;
  const t = ctx.db.current();
  const org = (await Organization.findOne({ where: { slug: idOrSlug }, transaction: t })) ?? (await Organization.findByPk(idOrSlug, { transaction: t }));
  if (!org) throw notFound('organization');
  return org;
}

/** An organization the principal sees, or "not found". */
export async function getOrganization(ctx: DomainContext, principal: Principal, idOrSlug: string): Promise<OrganizationView> {
  const org = await findOrganization(ctx, idOrSlug);
  await authorize(ctx, principal, 'organization.read', { type: 'organization', organizationId: org.id });
  return presentOrganization(org);
}

export async function updateOrganization(ctx: DomainContext, principal: Principal, idOrSlug: string, input: UpdateOrganizationInput): Promise<OrganizationView> {
  await authorize(ctx, principal, 'organization.manage', { type: 'platform' });
  const data = parseInput(updateSchema, input, 'organization.invalid');
  return ctx.db.tx(async (t) => {
    const org = await findOrganization(ctx, idOrSlug);
    const before = presentOrganization(org);
    if (data.name !== undefined) org.name = data.name;
    if (data.policy?.provisioningMaxRole) ctx.catalog.require(org.kind, data.policy.provisioningMaxRole, 'policy.provisioningMaxRole');
    if (data.policy !== undefined) org.policy = data.policy;
    if (data.support !== undefined) org.support = data.support;
    org.updatedAt = ctx.clock.now();
    await org.save({ transaction: t });
    const after = presentOrganization(org);
    if (data.policy !== undefined) forgetScimTokenRights(ctx, t);
    await recordAudit(ctx, t, principal.actor, { action: 'organization.updated', targetType: 'organization', targetId: org.id, organizationId: org.id, details: { before, after } });
    return after;
  });
}

/** Deletes an organization and every membership in it; the users themselves stay. */
export async function deleteOrganization(ctx: DomainContext, principal: Principal, idOrSlug: string): Promise<void> {
  await authorize(ctx, principal, 'organization.manage', { type: 'platform' });
  await ctx.db.tx(async (t) => {
    const org = await findOrganization(ctx, idOrSlug);
    const before = presentOrganization(org);
    const { Membership, RoleMapping, DirectoryOrganization, ScimToken, OrganizationLogo } = ctx.db.models;
    // Every member leaves it: one membership event each, as the portals of the organization last knew them.
    const held = await readMembershipRows(ctx, { organizationIds: [org.id] });
    emitMembershipChanges(ctx, t, principal.actor, membershipChanges(ctx, held, []), { reason: 'organization_deleted' });
    const memberships = await Membership.destroy({ where: { organizationId: org.id }, transaction: t });
    await RoleMapping.destroy({ where: { organizationId: org.id }, transaction: t });
    await DirectoryOrganization.destroy({ where: { organizationId: org.id }, transaction: t });
    await ScimToken.destroy({ where: { organizationId: org.id }, transaction: t });
    await OrganizationLogo.destroy({ where: { organizationId: org.id }, transaction: t });
    forgetVerifiedScimTokens(ctx, t);
    await org.destroy({ transaction: t });
    await recordAudit(ctx, t, principal.actor, { action: 'organization.deleted', targetType: 'organization', targetId: org.id, organizationId: org.id, details: { before, membershipsRemoved: memberships } });
  });
}
