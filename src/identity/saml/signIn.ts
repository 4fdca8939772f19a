import type { User } from '../../db/models/User.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { createUser } from '../users.js';
import { normalise } from '../validation.js';
import { findUserInScope } from '../scope.js';
import type { ClientInfo } from '../selfService/signIn.js';
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

function emailOf(identity: SamlIdentity): string | undefined {
  return claim(identity.attributes, EMAIL_CLAIMS) ?? (/^[^\s@]+@[^\s@]+$/.test(identity.nameId) ? identity.nameId : undefined);
}

async function findMatchingUser(ctx: DomainContext, directoryId: string, match: 'userName' | 'email' | 'externalId', identity: SamlIdentity): Promise<User | null> {
  const { User } = ctx.db.models;
  if (match === 'userName') return User.findOne({ where: { directoryId, userNameNormalized: normalise(identity.nameId) } });
  if (match === 'externalId') return User.findOne({ where: { directoryId, externalId: identity.nameId } });
  const email = emailOf(identity);
  if (!email) return null;
  const users = await User.findAll({ where: { directoryId, emailNormalized: normalise(email) }, limit: 2 });
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
export async function signInWithAssertion(ctx: DomainContext, directoryId: string, identity: SamlIdentity, client: ClientInfo = {}): Promise<User> {
  const config = await findSamlConfig(ctx, directoryId);
  if (!config) throw new SamlSignInRefused('not_configured', 'The directory has no SAML settings.');
  let user = await findMatchingUser(ctx, directoryId, config.matchAttribute, identity);
  const actor: Actor = { type: 'system', label: 'saml', ...client };
  if (!user && config.jit) {
    const email = emailOf(identity);
    const created = await createUser(ctx, { ...actor, label: 'saml just-in-time' }, {
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
  return user;
}
