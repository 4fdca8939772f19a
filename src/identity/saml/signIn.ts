import type { User } from '../../db/models/User.js';
import type { SamlMatchAttribute } from '../../db/models/SamlConfig.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { createAccount } from '../accounts/create.js';
import { systemPrincipal } from '../principal.js';
import { endUserSessions } from '../sessions.js';
import { endPortalSessions } from '../oidcLogout/endPortalSessions.js';
import { normalise } from '../validation.js';
import { findUserInScope } from '../scope.js';
import type { ClientInfo } from '../selfService/signIn.js';
import { findDirectory } from '../directories.js';
import { findSamlConfig } from './settings.js';

/** What a validated assertion says about the person. */
export interface SamlIdentity {
  nameId: string;
  nameIdFormat: string | null;
  sessionIndex: string | null;
  attributes: Record<string, unknown>;
}

const EMAIL_CLAIMS = ['email', 'mail', 'emailaddress', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'urn:oid:0.9.2342.19200300.100.1.3'];
const GIVEN_CLAIMS = ['firstName', 'givenName', 'given_name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname', 'urn:oid:2.5.4.42'];
const FAMILY_CLAIMS = ['lastName', 'surname', 'sn', 'family_name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', 'urn:oid:2.5.4.4'];
const DISPLAY_CLAIMS = ['displayName', 'name', 'http://schemas.microsoft.com/identity/claims/displayname', 'urn:oid:2.16.840.1.113730.3.1.241'];

/** The first value of the first attribute present among `names` (IdPs name the same claim differently). */
export function claim(attributes: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const key = Object.keys(attributes).find((k) => k.toLowerCase() === name.toLowerCase());
    const raw = key === undefined ? undefined : attributes[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}

function emailOf(identity: Pick<SamlIdentity, 'nameId' | 'attributes'>): string | undefined {
  return claim(identity.attributes, EMAIL_CLAIMS) ?? (/^[^\s@]+@[^\s@]+$/.test(identity.nameId) ? identity.nameId : undefined);
}

/**
 * The user of the directory that an IdP's statement about a person names, matched on the directory's configured
 * attribute: the NameID as userName or externalId, or the email (a claim, else an email-shaped NameID) when exactly one
 * user has it. Sign-in and IdP-initiated logout both match through here, so they always agree on who it is.
 */
export async function matchSamlUser(ctx: DomainContext, directoryId: string, match: SamlMatchAttribute, identity: Pick<SamlIdentity, 'nameId' | 'attributes'>): Promise<User | null> {
  const { User } = ctx.db.models;
  const transaction = ctx.db.current();
  if (match === 'userName') return User.findOne({ where: { directoryId, userNameNormalized: normalise(identity.nameId) }, transaction });
  if (match === 'externalId') return User.findOne({ where: { directoryId, externalId: identity.nameId }, transaction });
  const email = emailOf(identity);
  if (!email) return null;
  const users = await User.findAll({ where: { directoryId, emailNormalized: normalise(email) }, limit: 2, transaction });
  return users.length === 1 ? (users[0] as User) : null;
}

export class SamlSignInRefused extends DomainError {
  constructor(readonly reason: 'unknown_user' | 'cannot_sign_in' | 'not_configured', detail: string) {
    super('unauthenticated', `saml.${reason}`, detail);
    this.name = 'SamlSignInRefused';
  }
}

/**
 * The user a validated assertion names in its directory, matched on the configured attribute. With just-in-time
 * creation on, an unknown person is created (ACTIVE, no roles: groups bring those). Only ACTIVE users sign in.
 * Records the sign-in.
 */
export async function signInWithAssertion(ctx: DomainContext, directoryId: string, identity: SamlIdentity, client: ClientInfo = {}): Promise<{ id: string; userName: string }> {
  const config = await findSamlConfig(ctx, directoryId);
  if (!config) throw new SamlSignInRefused('not_configured', 'The directory has no SAML settings.');
  let user = await matchSamlUser(ctx, directoryId, config.matchAttribute, identity);
  if (!user && config.jit) {
    const email = emailOf(identity);
    const created = await createAccount(ctx, systemPrincipal('saml just-in-time', client), {
      directory: directoryId,
      attributes: {
        userName: config.matchAttribute === 'email' && email ? email : identity.nameId,
        ...(config.matchAttribute === 'externalId' ? { externalId: identity.nameId } : {}),
        name: { givenName: claim(identity.attributes, GIVEN_CLAIMS) ?? null, familyName: claim(identity.attributes, FAMILY_CLAIMS) ?? null },
        displayName: claim(identity.attributes, DISPLAY_CLAIMS) ?? null,
        emails: email ? [{ value: email, type: 'work', primary: true }] : [],
      },
    });
    user = await findUserInScope(ctx, created.id);
  }
  if (!user) throw new SamlSignInRefused('unknown_user', `No user of the directory matches ${config.matchAttribute} "${identity.nameId}".`);
  if (user.status !== 'ACTIVE') throw new SamlSignInRefused('cannot_sign_in', `The user is ${user.status}.`);
  const signedIn = user;
  await ctx.db.tx(async (t) => {
    signedIn.lastSignInAt = ctx.clock.now();
    await signedIn.save({ transaction: t });
    await recordAudit(ctx, t, { type: 'user', id: signedIn.id, label: signedIn.userName, ...client }, { action: 'user.signed_in', targetType: 'user', targetId: signedIn.id, userId: signedIn.id, directoryId, details: { methods: ['saml'] } });
  });
  return { id: user.id, userName: user.userName };
}

/**
 * An IdP-initiated LogoutRequest: every session of the user it names ends (matched as at sign-in). A name that
 * matches nobody ends nothing and says so to no one.
 */
export async function endSessionsFromIdp(ctx: DomainContext, directoryId: string, nameId: string, client: ClientInfo = {}): Promise<number> {
  const config = await findSamlConfig(ctx, directoryId);
  if (!config) return 0;
  return ctx.db.tx(async (t) => {
    const user = await matchSamlUser(ctx, directoryId, config.matchAttribute, { nameId, attributes: {} });
    if (!user) return 0;
    const ended = await endUserSessions(ctx, t, user.id);
    // The portals' sessions end too, and the portals that asked are told (back-channel logout).
    const portalSessionsEnded = await endPortalSessions(ctx, t, user.id, { reason: 'idp_signed_out' });
    const directory = await ctx.db.models.Directory.findByPk(directoryId, { transaction: t });
    await recordAudit(ctx, t, systemPrincipal(`saml idp ${directory?.name ?? directoryId}`, client).actor, {
      action: 'user.signed_out_by_idp',
      targetType: 'user',
      targetId: user.id,
      userId: user.id,
      directoryId,
      details: { sessionsEnded: ended, ...(portalSessionsEnded ? { portalSessionsEnded } : {}) },
    });
    return ended;
  });
}

/** What the SAML endpoints of one directory need: the directory and its IdP's settings. */
export interface SamlConnection {
  directory: { id: string; name: string };
  idpEntityId: string;
  ssoUrl: string;
  sloUrl: string | null;
  certificates: string[];
  nameIdFormat: string;
  allowIdpInitiated: boolean;
}

/** The SSO directory of that name with its SAML settings; a directory without them is "not configured". */
export async function samlConnection(ctx: DomainContext, directoryName: string): Promise<SamlConnection> {
  const directory = await findDirectory(ctx, directoryName).catch(() => null);
  const config = directory && directory.kind === 'sso' ? await findSamlConfig(ctx, directory.id) : null;
  if (!directory || !config) throw new SamlSignInRefused('not_configured', `No SAML configuration for directory "${directoryName}".`);
  return {
    directory: { id: directory.id, name: directory.name },
    idpEntityId: config.idpEntityId,
    ssoUrl: config.ssoUrl,
    sloUrl: config.sloUrl,
    certificates: config.certificates,
    nameIdFormat: config.nameIdFormat,
    allowIdpInitiated: config.allowIdpInitiated,
  };
}

/**
 * What idbridge's SP metadata for an SSO directory needs: the directory, and the NameID format once the IdP's
 * settings are given. Served as soon as the directory exists, because ADFS and Entra ID start from the SP's metadata
 * and the IdP's settings come after; an unknown name or the local directory is "not configured".
 */
export async function samlServiceProvider(ctx: DomainContext, directoryName: string): Promise<{ directory: { id: string; name: string }; nameIdFormat: string | null }> {
  const directory = await findDirectory(ctx, directoryName).catch(() => null);
  if (!directory || directory.kind !== 'sso') throw new SamlSignInRefused('not_configured', `No SSO directory "${directoryName}".`);
  const config = await findSamlConfig(ctx, directory.id);
  return { directory: { id: directory.id, name: directory.name }, nameIdFormat: config?.nameIdFormat ?? null };
}

/** Records a refused SAML response or logout (the page the browser sees says nothing more). */
export async function recordSamlRefusal(ctx: DomainContext, input: { directoryId: string | null; directory: string; reason: string } & ClientInfo): Promise<void> {
  const { directoryId, directory, reason, ...client } = input;
  await ctx.db.tx((t) =>
    recordAudit(ctx, t, systemPrincipal('saml', client).actor, { action: 'saml.sign_in_refused', targetType: 'directory', targetId: directoryId ?? directory, directoryId, details: { reason } }),
  );
}
