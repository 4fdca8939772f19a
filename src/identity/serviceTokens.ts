import { Op } from 'sequelize';
import type { Organization } from '../db/models/Organization.js';
import type { ServiceToken } from '../db/models/ServiceToken.js';
import { DAY, MINUTE } from '../lib/clock.js';
import { sha256Hex } from '../lib/crypto.js';
import { randomToken } from '../lib/random.js';
import { recordAudit } from './audit.js';
import type { DomainContext } from './context.js';
import { invalid, notFound } from './errors.js';
import { findOrganization } from './organizations.js';
import { authorize } from './policy/index.js';
import { serviceTokenPrincipal, type AdminPrincipal, type ManagedOrganization, type Principal, type RequestOrigin } from './principal.js';

/**
 * Service tokens: bearer tokens of the admin API for automation (Terraform, CI jobs) that belong to no user. Without an
 * organization one acts as a platform administrator; with one, as an administrator of that organization holding the
 * highest role of its catalog that manages users. Either way it is an administrator to the policy, with no account
 * of its own, and it is audited as itself. Only the platform creates and revokes them.
 *
 * Their own prefix (an administrator's API token is `idbadm_`): the admin API takes both as a Bearer token, and the
 * prefix tells a reader, a log search or a secret scanner which kind leaked without a database at hand.
 */
export const SERVICE_TOKEN_PREFIX = 'idbsvc_';

/** Like an administrator's API token: 90 days unless told otherwise, 0 for no expiry, at most two years. */
const DEFAULT_EXPIRES_IN_DAYS = 90;
const MAX_EXPIRES_IN_DAYS = 730;

export interface ServiceTokenView {
  id: string;
  name: string;
  /** Null: platform level. */
  organization: { id: string; slug: string; name: string } | null;
  /** The role it holds in its organization (null at platform level). */
  role: string | null;
  hint: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  state: 'active' | 'expired' | 'revoked';
}

export interface CreateServiceTokenInput {
  name: string;
  /** An organization's slug or id: the token administers that organization only. Absent: platform level. */
  organization?: string;
  /** 0: no expiry. */
  expiresInDays?: number;
}

/** The role a token of this organization holds: the highest of its kind's catalog that manages users, if any. */
function managingRole(ctx: DomainContext, org: Organization): ManagedOrganization | null {
  const role = ctx.catalog.roles(org.kind).find((r) => r.canManageUsers);
  return role ? { id: org.id, slug: org.slug, name: org.name, kind: org.kind, role: role.key, rank: role.rank } : null;
}

function present(ctx: DomainContext, row: ServiceToken, org: Organization | null): ServiceTokenView {
  const now = ctx.clock.now().getTime();
  return {
    id: row.id,
    name: row.name,
    organization: org ? { id: org.id, slug: org.slug, name: org.name } : null,
    role: org ? (managingRole(ctx, org)?.role ?? null) : null,
    hint: `…${row.tokenHint}`,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    state: row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt.getTime() <= now ? 'expired' : 'active',
  };
}

async function organizationOf(ctx: DomainContext, row: ServiceToken): Promise<Organization | null> {
  return row.organizationId ? ctx.db.models.Organization.findByPk(row.organizationId, { transaction: ctx.db.current() }) : null;
}

/** Creates a service token. The token is in the result only; the database keeps its hash. */
export async function createServiceToken(ctx: DomainContext, principal: Principal, input: CreateServiceTokenInput): Promise<ServiceTokenView & { token: string }> {
  await authorize(ctx, principal, 'service_token.manage', { type: 'platform' });
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name || name.length > 100) throw invalid('service_token.invalid', 'Give the token a name of 1 to 100 characters (what will use it).', 'name');
  const days = input.expiresInDays ?? DEFAULT_EXPIRES_IN_DAYS;
  if (!Number.isInteger(days) || days < 0 || days > MAX_EXPIRES_IN_DAYS) {
    throw invalid('service_token.invalid', `expiresInDays must be a whole number from 0 (no expiry) to ${MAX_EXPIRES_IN_DAYS}.`, 'expiresInDays');
  }
  return ctx.db.tx(async (t) => {
    const org = input.organization ? await findOrganization(ctx, input.organization) : null;
    if (org && !managingRole(ctx, org)) {
      throw invalid('service_token.no_managing_role', `No role of ${org.kind} organizations manages users, so a token of "${org.slug}" could do nothing.`, 'organization');
    }
    const token = `${SERVICE_TOKEN_PREFIX}${randomToken(ctx.random, 32)}`;
    const now = ctx.clock.now();
    const row = await ctx.db.models.ServiceToken.create(
      {
        id: ctx.random.uuid(),
        organizationId: org?.id ?? null,
        name,
        tokenHash: sha256Hex(token),
        tokenHint: token.slice(-4),
        createdBy: principal.actor.label,
        createdAt: now,
        expiresAt: days > 0 ? new Date(now.getTime() + days * DAY) : null,
        lastUsedAt: null,
        revokedAt: null,
      },
      { transaction: t },
    );
    const view = present(ctx, row, org);
    await recordAudit(ctx, t, principal.actor, {
      action: 'service_token.created',
      targetType: 'service_token',
      targetId: row.id,
      organizationId: org?.id ?? null,
      details: { name, organization: org?.slug ?? null, role: view.role, expiresAt: view.expiresAt },
    });
    return { ...view, token };
  });
}

/** Every service token (never the tokens themselves), newest first. */
export async function listServiceTokens(ctx: DomainContext, principal: Principal): Promise<ServiceTokenView[]> {
  await authorize(ctx, principal, 'service_token.manage', { type: 'platform' });
  const rows = await ctx.db.models.ServiceToken.findAll({ order: [['createdAt', 'DESC'], ['id', 'ASC']] });
  const ids = [...new Set(rows.map((r) => r.organizationId).filter((id): id is string => id !== null))];
  const orgs = new Map((ids.length ? await ctx.db.models.Organization.findAll({ where: { id: ids }, transaction: ctx.db.current() }) : []).map((o) => [o.id, o]));
  return rows.map((row) => present(ctx, row, row.organizationId ? (orgs.get(row.organizationId) ?? null) : null));
}

/** Revokes a service token at once (the next request with it is a 401). */
export async function revokeServiceToken(ctx: DomainContext, principal: Principal, id: string): Promise<ServiceTokenView> {
  await authorize(ctx, principal, 'service_token.manage', { type: 'platform' });
  return ctx.db.tx(async (t) => {
    const row = await ctx.db.models.ServiceToken.findByPk(id, { transaction: t });
    if (!row) throw notFound('service token', 'service_token.not_found');
    if (!row.revokedAt) {
      row.revokedAt = ctx.clock.now();
      await row.save({ transaction: t });
      await recordAudit(ctx, t, principal.actor, { action: 'service_token.revoked', targetType: 'service_token', targetId: row.id, organizationId: row.organizationId, details: { name: row.name } });
    }
    return present(ctx, row, await organizationOf(ctx, row));
  });
}

/**
 * The administrator a service token acts as, or null: unknown, revoked, expired, its organization deleted (the row
 * goes with it; checked here as well), or no role of that organization's kind manages users any more. Records its
 * use at most once a minute.
 */
export async function authenticateServiceToken(ctx: DomainContext, presented: string, via: RequestOrigin = {}): Promise<AdminPrincipal | null> {
  if (!presented.startsWith(SERVICE_TOKEN_PREFIX) || presented.length > 200) return null;
  const row = await ctx.db.models.ServiceToken.findOne({ where: { tokenHash: sha256Hex(presented) } });
  const now = ctx.clock.now();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now.getTime())) return null;
  let organization: ManagedOrganization | null = null;
  if (row.organizationId) {
    const org = await organizationOf(ctx, row);
    organization = org && managingRole(ctx, org);
    if (!organization) return null;
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= MINUTE) {
    await ctx.db.models.ServiceToken.update({ lastUsedAt: now }, { where: { id: row.id, [Op.or]: [{ lastUsedAt: null }, { lastUsedAt: { [Op.lte]: new Date(now.getTime() - MINUTE) } }] } });
  }
  return serviceTokenPrincipal({ tokenId: row.id, name: row.name, organization }, via);
}
