import { Op } from 'sequelize';
import type { ScimToken } from '../db/models/ScimToken.js';
import { readDate } from '../db/rows.js';
import { sha256Hex } from '../lib/crypto.js';
import { randomToken } from '../lib/random.js';
import { DAY, MINUTE } from '../lib/clock.js';
import { recordAudit } from './audit.js';
import type { DomainContext } from './context.js';
import { authorize } from './policy/index.js';
import type { Principal, ScimTokenGrant } from './principal.js';
import { findDirectory } from './directories.js';
import { invalid, notFound } from './errors.js';
import { findOrganization } from './organizations.js';
import { forgetVerifiedScimTokens, rememberedToken, rememberToken, type VerifiedToken } from './verifiedScimTokens.js';

export const SCIM_TOKEN_PREFIX = 'idbscim_';

export interface ScimTokenView {
  id: string;
  name: string;
  directory: { id: string; name: string };
  organization: { id: string; slug: string } | null;
  hint: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  state: 'active' | 'expired' | 'revoked';
}


export interface CreateScimTokenInput {
  directory: string;
  organization?: string;
  name?: string;
  /** 0 or absent with a 0 default: the token does not expire. */
  expiresInDays?: number;
}

async function present(ctx: DomainContext, token: ScimToken): Promise<ScimTokenView> {
  const t = ctx.db.current();
  const directory = await ctx.db.models.Directory.findByPk(token.directoryId, { transaction: t });
  const org = token.organizationId ? await ctx.db.models.Organization.findByPk(token.organizationId, { transaction: t }) : null;
  const now = ctx.clock.now().getTime();
  return {
    id: token.id,
    name: token.name,
    directory: { id: token.directoryId, name: directory?.name ?? '' },
    organization: org ? { id: org.id, slug: org.slug } : null,
    hint: `…${token.tokenHint}`,
    createdBy: token.createdBy,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
    state: token.revokedAt ? 'revoked' : token.expiresAt && token.expiresAt.getTime() <= now ? 'expired' : 'active',
  };
}

/** Creates a bearer token for a directory's SCIM endpoint. The token is in the result only; the database keeps its hash. */
export async function createScimToken(ctx: DomainContext, principal: Principal, input: CreateScimTokenInput): Promise<ScimTokenView & { token: string }> {
  await authorize(ctx, principal, 'scim_token.manage', { type: 'platform' });
  const days = input.expiresInDays ?? ctx.settings.scim.tokenDefaultExpiresInDays;
  if (!Number.isInteger(days) || days < 0 || days > 3650) throw invalid('scim_token.invalid', 'expiresInDays must be a whole number of days from 0 (no expiry) to 3650.', 'expiresInDays');
  const name = (input.name ?? '').trim() || `token ${ctx.clock.now().toISOString().slice(0, 10)}`;
  if (name.length > 100) throw invalid('scim_token.invalid', 'The name must be 100 characters or fewer.', 'name');
  return ctx.db.tx(async (t) => {
    const directory = await findDirectory(ctx, input.directory);
    const org = input.organization ? await findOrganization(ctx, input.organization) : null;
    if (org && directory.kind !== 'local') {
      throw invalid('scim_token.org_limit_local_only', 'Only tokens of the local directory can be limited to one organization; an SSO directory token sees its whole directory.', 'organization');
    }
    // The local directory holds every organization's non-SSO users: a token of all of it would be a credential
    // across tenants living in a third-party tool. Each local token is limited to one organization.
    if (!org && directory.kind === 'local') {
      throw invalid('scim_token.organization_required', 'A token of the local directory must be limited to one organization (give --org, or the organization): the local directory holds the users of every organization.', 'organization');
    }
    const token = `${SCIM_TOKEN_PREFIX}${randomToken(ctx.random, 32)}`;
    const now = ctx.clock.now();
    const row = await ctx.db.models.ScimToken.create(
      {
        id: ctx.random.uuid(),
        directoryId: directory.id,
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
    const view = await present(ctx, row);
    await recordAudit(ctx, t, principal.actor, { action: 'scim_token.created', targetType: 'scim_token', targetId: row.id, directoryId: directory.id, organizationId: org?.id ?? null, details: { name, expiresAt: view.expiresAt } });
    return { ...view, token };
  });
}

export async function listScimTokens(ctx: DomainContext, principal: Principal, filter: { directory?: string } = {}): Promise<ScimTokenView[]> {
  await authorize(ctx, principal, 'scim_token.read', { type: 'platform' });
  const where = filter.directory ? { directoryId: (await findDirectory(ctx, filter.directory)).id } : {};
  const rows = await ctx.db.models.ScimToken.findAll({ where, order: [['createdAt', 'DESC'], ['id', 'ASC']] });
  return Promise.all(rows.map((row) => present(ctx, row)));
}

export async function revokeScimToken(ctx: DomainContext, principal: Principal, id: string): Promise<ScimTokenView> {
  await authorize(ctx, principal, 'scim_token.manage', { type: 'platform' });
  return ctx.db.tx(async (t) => {
    const row = await ctx.db.models.ScimToken.findByPk(id, { transaction: t });
    if (!row) throw notFound('scim_token');
    if (!row.revokedAt) {
      row.revokedAt = ctx.clock.now();
      await row.save({ transaction: t });
      forgetVerifiedScimTokens(ctx, t);
      await recordAudit(ctx, t, principal.actor, { action: 'scim_token.revoked', targetType: 'scim_token', targetId: row.id, directoryId: row.directoryId, organizationId: row.organizationId, details: { name: row.name } });
    }
    return present(ctx, row);
  });
}

/** How often the last-used time is written: every request would turn each read into a write. */
const LAST_USED_RESOLUTION_MS = MINUTE;
async function recordUse(ctx: DomainContext, verified: { grant: ScimTokenGrant; lastUsedAt: Date | null }, now: Date): Promise<void> {
  if (verified.lastUsedAt && now.getTime() - verified.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
  verified.lastUsedAt = now;
  await ctx.db.models.ScimToken.update(
    { lastUsedAt: now },
    { where: { id: verified.grant.tokenId, [Op.or]: [{ lastUsedAt: null }, { lastUsedAt: { [Op.lte]: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }] } },
  );
}

/** What a presented bearer token is, or null when it is unknown, revoked or expired. Records its use. */
export async function authenticateScimToken(ctx: DomainContext, presented: string): Promise<ScimTokenGrant | null> {
  if (!presented.startsWith(SCIM_TOKEN_PREFIX) || presented.length > 200) return null;
  const hash = sha256Hex(presented);
  const now = ctx.clock.now();
  const known = rememberedToken(ctx, hash, now);
  if (known) {
    await recordUse(ctx, known, now);
    return known.grant;
  }
  // One plain query (see selectRows): the token and its directory's kind.
  const [found] = await ctx.db.rows<{ id: string; name: string; directoryId: string; directoryName: string; organizationId: string | null; kind: 'local' | 'sso'; revokedAt: unknown; expiresAt: unknown; lastUsedAt: unknown }>(
    `SELECT t.id AS id, t.name AS name, t.directory_id AS "directoryId", d.name AS "directoryName", t.organization_id AS "organizationId", d.kind AS kind,
            t.revoked_at AS "revokedAt", t.expires_at AS "expiresAt", t.last_used_at AS "lastUsedAt"
       FROM scim_tokens t JOIN directories d ON d.id = t.directory_id WHERE t.token_hash = ?`,
    [hash],
  );
  const row = found && { ...found, revokedAt: readDate(found.revokedAt), expiresAt: readDate(found.expiresAt), lastUsedAt: readDate(found.lastUsedAt) };
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now.getTime())) return null;
  const grant: ScimTokenGrant = { tokenId: row.id, name: row.name, directoryId: row.directoryId, directoryName: row.directoryName, directoryKind: row.kind, organizationId: row.organizationId };
  const entry: VerifiedToken = { grant, expiresAt: row.expiresAt, lastUsedAt: row.lastUsedAt, until: now.getTime() + ctx.settings.scim.tokenCacheSeconds * 1000 };
  rememberToken(ctx, hash, entry);
  await recordUse(ctx, entry, now);
  return grant;
}
