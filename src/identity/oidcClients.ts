import { z } from 'zod';
import type { OidcClient } from '../db/models/OidcClient.js';
import { randomToken } from '../lib/random.js';
import { recordAudit } from './audit.js';
import type { DomainContext } from './context.js';
import { authorize } from './policy/index.js';
import type { Principal } from './principal.js';
import { invalid, notFound } from './errors.js';
import { findOrganization } from './organizations.js';
import { parseInput } from './validation.js';

export interface OidcClientView {
  clientId: string;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  firstParty: boolean;
  /** Only these organizations' users may sign in to the client; empty: every user. */
  organizations: Array<{ id: string; slug: string }>;
  /** Where a logout token is POSTed when a user's session ends (OpenID Connect Back-Channel Logout 1.0); null: none. */
  backchannelLogoutUri: string | null;
  /** The logout token (and the ID tokens) name the session: `sid`. */
  backchannelLogoutSessionRequired: boolean;
  createdAt: string;
  updatedAt: string;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/** A redirect URI: https, or http only on loopback (development); no fragment. */
const redirectUri = z
  .url({ message: 'must be an absolute URL' })
  .refine((value) => {
    const url = new URL(value);
    return !url.hash && (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.includes(url.hostname)));
  }, 'must be https (http only for localhost), without a #fragment');

const inputSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  redirectUris: z.array(redirectUri).min(1, 'give at least one redirect URI'),
  postLogoutRedirectUris: z.array(redirectUri).default([]),
  firstParty: z.boolean().default(false),
  organizations: z.array(z.string()).default([]),
  backchannelLogoutUri: z.string().max(2000, 'must be 2000 characters or fewer').nullable().optional(),
  backchannelLogoutSessionRequired: z.boolean().default(false),
});

/**
 * A back-channel logout URI: an absolute https URL without a fragment; http only on loopback outside production (a
 * developer's portal, the tests). Empty means none.
 */
function backchannelLogoutUri(ctx: DomainContext, value: string | null | undefined): string | null {
  const text = (value ?? '').trim();
  if (!text) return null;
  const refuse = (why: string) => invalid('oidc_client.invalid', `backchannelLogoutUri: ${why}`, 'backchannelLogoutUri');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse('must be an absolute URL such as https://portal.example.com/backchannel-logout.');
  }
  if (url.hash) throw refuse('must not have a #fragment.');
  if (url.username || url.password) throw refuse('must not carry a user name or password.');
  if (url.protocol === 'https:') return url.toString();
  if (url.protocol === 'http:' && ctx.settings.env !== 'production' && LOOPBACK.includes(url.hostname)) return url.toString();
  throw refuse(ctx.settings.env === 'production' ? 'must be https.' : 'must be https (http only for localhost outside production).');
}

export type OidcClientInput = z.input<typeof inputSchema>;

async function present(ctx: DomainContext, client: OidcClient): Promise<OidcClientView> {
  const orgs = client.organizationIds.length ? await ctx.db.models.Organization.findAll({ where: { id: client.organizationIds }, transaction: ctx.db.current() }) : [];
  return {
    clientId: client.id,
    name: client.name,
    redirectUris: client.redirectUris,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    firstParty: client.firstParty,
    organizations: orgs.map((o) => ({ id: o.id, slug: o.slug })),
    backchannelLogoutUri: client.backchannelLogoutUri ?? null,
    backchannelLogoutSessionRequired: client.backchannelLogoutSessionRequired === true,
    createdAt: client.createdAt.toISOString(),
    updatedAt: client.updatedAt.toISOString(),
  };
}

async function organizationIds(ctx: DomainContext, references: readonly string[]): Promise<string[]> {
  return Promise.all(references.map(async (ref) => (await findOrganization(ctx, ref)).id));
}

/** Registers a portal application. The secret is in the result only (and kept encrypted for the token endpoint). */
export async function createOidcClient(ctx: DomainContext, principal: Principal, input: OidcClientInput): Promise<OidcClientView & { clientSecret: string }> {
  await authorize(ctx, principal, 'oidc_client.manage', { type: 'platform' });
  const data = parseInput(inputSchema, input, 'oidc_client.invalid');
  return ctx.db.tx(async (t) => {
    const id = `idb-${randomToken(ctx.random, 12)}`;
    const secret = randomToken(ctx.random, 32);
    const now = ctx.clock.now();
    const client = await ctx.db.models.OidcClient.create(
      {
        id,
        name: data.name,
        secret: ctx.cipher.encrypt(secret, `oidc-client:${id}`),
        redirectUris: data.redirectUris,
        postLogoutRedirectUris: data.postLogoutRedirectUris,
        firstParty: data.firstParty,
        organizationIds: await organizationIds(ctx, data.organizations),
        backchannelLogoutUri: backchannelLogoutUri(ctx, data.backchannelLogoutUri),
        backchannelLogoutSessionRequired: data.backchannelLogoutSessionRequired,
        createdAt: now,
        updatedAt: now,
      },
      { transaction: t },
    );
    const view = await present(ctx, client);
    await recordAudit(ctx, t, principal.actor, { action: 'oidc_client.created', targetType: 'oidc_client', targetId: id, details: { after: view } });
    return { ...view, clientSecret: secret };
  });
}

export async function listOidcClients(ctx: DomainContext, principal: Principal): Promise<OidcClientView[]> {
  await authorize(ctx, principal, 'oidc_client.read', { type: 'platform' });
  const rows = await ctx.db.models.OidcClient.findAll({ order: [['name', 'ASC'], ['id', 'ASC']] });
  return Promise.all(rows.map((row) => present(ctx, row)));
}

async function find(ctx: DomainContext, clientId: string): Promise<OidcClient> {
  const client = await ctx.db.models.OidcClient.findByPk(clientId, { transaction: ctx.db.current() });
  if (!client) throw notFound('oidc_client');
  return client;
}

export async function getOidcClient(ctx: DomainContext, principal: Principal, clientId: string): Promise<OidcClientView> {
  await authorize(ctx, principal, 'oidc_client.read', { type: 'platform' });
  return present(ctx, await find(ctx, clientId));
}

export async function updateOidcClient(ctx: DomainContext, principal: Principal, clientId: string, input: Partial<OidcClientInput>): Promise<OidcClientView> {
  await authorize(ctx, principal, 'oidc_client.manage', { type: 'platform' });
  const data = parseInput(inputSchema.partial(), input, 'oidc_client.invalid');
  return ctx.db.tx(async (t) => {
    const client = await find(ctx, clientId);
    const before = await present(ctx, client);
    // Only what the input names changes (zod's defaults would fill in the others: a change of name must not clear
    // the organizations).
    const given = (key: keyof OidcClientInput) => input !== null && typeof input === 'object' && Object.prototype.hasOwnProperty.call(input, key);
    if (given('name') && data.name !== undefined) client.name = data.name;
    if (given('redirectUris') && data.redirectUris !== undefined) client.redirectUris = data.redirectUris;
    if (given('postLogoutRedirectUris') && data.postLogoutRedirectUris !== undefined) client.postLogoutRedirectUris = data.postLogoutRedirectUris;
    if (given('firstParty') && data.firstParty !== undefined) client.firstParty = data.firstParty;
    if (given('organizations') && data.organizations !== undefined) client.organizationIds = await organizationIds(ctx, data.organizations);
    if (given('backchannelLogoutUri')) client.backchannelLogoutUri = backchannelLogoutUri(ctx, data.backchannelLogoutUri);
    if (given('backchannelLogoutSessionRequired')) client.backchannelLogoutSessionRequired = data.backchannelLogoutSessionRequired === true;
    client.updatedAt = ctx.clock.now();
    await client.save({ transaction: t });
    const after = await present(ctx, client);
    await recordAudit(ctx, t, principal.actor, { action: 'oidc_client.updated', targetType: 'oidc_client', targetId: client.id, details: { before, after } });
    return after;
  });
}

/** Deletes a client and everything issued to it: its users are signed out of it. */
export async function deleteOidcClient(ctx: DomainContext, principal: Principal, clientId: string): Promise<void> {
  await authorize(ctx, principal, 'oidc_client.manage', { type: 'platform' });
  await ctx.db.tx(async (t) => {
    const client = await find(ctx, clientId);
    await client.destroy({ transaction: t });
    await recordAudit(ctx, t, principal.actor, { action: 'oidc_client.deleted', targetType: 'oidc_client', targetId: client.id, details: { name: client.name } });
  });
}

/** The registration oidc-provider needs: the standard metadata, the secret decrypted, and idbridge's own fields. */
export async function oidcClientMetadata(ctx: DomainContext, clientId: string): Promise<Record<string, unknown> | undefined> {
  const client = await ctx.db.models.OidcClient.findByPk(clientId);
  if (!client) return undefined;
  return {
    client_id: client.id,
    client_name: client.name,
    client_secret: ctx.cipher.decrypt(client.secret, `oidc-client:${client.id}`),
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...(client.backchannelLogoutUri ? { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: client.backchannelLogoutSessionRequired === true } : {}),
    idbridge_first_party: client.firstParty,
    idbridge_organizations: client.organizationIds,
  };
}
