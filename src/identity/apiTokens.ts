import { Op } from 'sequelize';
import type { AdminApiToken } from '../db/models/AdminApiToken.js';
import { DAY, MINUTE } from '../lib/clock.js';
import { sha256Hex } from '../lib/crypto.js';
import { randomToken } from '../lib/random.js';
import { recordAudit } from './audit.js';
import type { DomainContext } from './context.js';
import { invalid, notFound } from './errors.js';
import { authorize } from './policy/index.js';
import { loadAdminPrincipal, ownAccountOf, type AdminPrincipal, type Principal } from './principal.js';
import { authenticateServiceToken, SERVICE_TOKEN_PREFIX } from './serviceTokens.js';

export const ADMIN_TOKEN_PREFIX = 'idbadm_';

export interface AdminApiTokenView {
  id: string;
  name: string;
  hint: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  state: 'active' | 'expired' | 'revoked';
}

function present(ctx: DomainContext, row: AdminApiToken): AdminApiTokenView {
  const now = ctx.clock.now().getTime();
  return {
    id: row.id,
    name: row.name,
    hint: `…${row.tokenHint}`,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    state: row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt.getTime() <= now ? 'expired' : 'active',
  };
}

/** A token for automation that acts with the creating administrator's own rights; shown once, stored as a hash. */
/**
 * The administrator whose own tokens these are: the policy lets an administrator manage only its own (a service
 * token has no account, so it owns none and manages none).
 */
async function owner(ctx: DomainContext, principal: Principal): Promise<string> {
  const ownerId = ownAccountOf(principal) ?? '';
  await authorize(ctx, principal, 'api_token.manage', { type: 'api_token', ownerId });
  return ownerId;
}

export async function createAdminApiToken(ctx: DomainContext, principal: Principal, input: { name: string; expiresInDays?: number }): Promise<AdminApiTokenView & { token: string }> {
  const userId = await owner(ctx, principal);
  const name = input.name?.trim() ?? '';
  if (!name || name.length > 100) throw invalid('api_token.invalid', 'Give the token a name of 1 to 100 characters (what will use it).', 'name');
  const days = input.expiresInDays ?? 90;
  if (!Number.isInteger(days) || days < 0 || days > 730) throw invalid('api_token.invalid', 'expiresInDays must be a whole number from 0 (no expiry) to 730.', 'expiresInDays');
  return ctx.db.tx(async (t) => {
    const token = `${ADMIN_TOKEN_PREFIX}${randomToken(ctx.random, 32)}`;
    const now = ctx.clock.now();
    const row = await ctx.db.models.AdminApiToken.create(
      { id: ctx.random.uuid(), userId, name, tokenHash: sha256Hex(token), tokenHint: token.slice(-4), createdAt: now, expiresAt: days > 0 ? new Date(now.getTime() + days * DAY) : null, lastUsedAt: null, revokedAt: null },
      { transaction: t },
    );
    await recordAudit(ctx, t, principal.actor, { action: 'api_token.created', targetType: 'api_token', targetId: row.id, userId, details: { name, expiresAt: row.expiresAt?.toISOString() ?? null } });
    return { ...present(ctx, row), token };
  });
}

export async function listAdminApiTokens(ctx: DomainContext, principal: Principal): Promise<AdminApiTokenView[]> {
  const userId = await owner(ctx, principal);
  const rows = await ctx.db.models.AdminApiToken.findAll({ where: { userId }, order: [['createdAt', 'DESC'], ['id', 'ASC']] });
  return rows.map((row) => present(ctx, row));
}

/** Revokes one of the administrator's own tokens (another's is "not found"). */
export async function revokeAdminApiToken(ctx: DomainContext, principal: Principal, id: string): Promise<AdminApiTokenView> {
  return ctx.db.tx(async (t) => {
    const row = await ctx.db.models.AdminApiToken.findByPk(id, { transaction: t });
    if (!row) throw notFound('api_token');
    await authorize(ctx, principal, 'api_token.manage', { type: 'api_token', ownerId: row.userId });
    const userId = row.userId;
    if (!row.revokedAt) {
      row.revokedAt = ctx.clock.now();
      await row.save({ transaction: t });
      await recordAudit(ctx, t, principal.actor, { action: 'api_token.revoked', targetType: 'api_token', targetId: row.id, userId, details: { name: row.name } });
    }
    return present(ctx, row);
  });
}

/**
 * The administrator a bearer token of the admin API acts as, or null (unknown, revoked, expired, or the administrator
 * lost the right to administer: the token can never do more than its owner now may). Records its use at most once a
 * minute. A service token (its own prefix) is taken the same way, and acts as itself.
 */
export async function authenticateAdminApiToken(ctx: DomainContext, presented: string, via: { ip?: string; requestId?: string } = {}): Promise<AdminPrincipal | null> {
  if (presented.startsWith(SERVICE_TOKEN_PREFIX)) return authenticateServiceToken(ctx, presented, via);
  if (!presented.startsWith(ADMIN_TOKEN_PREFIX) || presented.length > 200) return null;
  const row = await ctx.db.models.AdminApiToken.findOne({ where: { tokenHash: sha256Hex(presented) } });
  const now = ctx.clock.now();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now.getTime())) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= MINUTE) {
    await ctx.db.models.AdminApiToken.update({ lastUsedAt: now }, { where: { id: row.id, [Op.or]: [{ lastUsedAt: null }, { lastUsedAt: { [Op.lte]: new Date(now.getTime() - MINUTE) } }] } });
  }
  return loadAdminPrincipal(ctx, row.userId, { ...via, token: row.name });
}
