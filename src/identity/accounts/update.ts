import { z } from 'zod';
import type { User } from '../../db/models/User.js';
import type { DomainContext } from '../context.js';
import { findLocalDirectory } from '../directories.js';
import { invalid } from '../errors.js';
import type { Principal } from '../principal.js';
import { userAttributesPatchSchema, type UserAttributesPatch } from '../userAttributes.js';
import type { UserView } from '../userView.js';
import { emailSchema, normalise, parseInput } from '../validation.js';
import { getAccount } from './read.js';
import { applyProfileChange, checkVersion, profileChange, type ProfileChange } from './records.js';
import { authorizeAlso } from './target.js';
import { ruleFor, userFacts, userScopeFor, type Action } from '../policy/index.js';
import { findUserInScope } from '../scope.js';

export async function isLocalUser(ctx: DomainContext, user: Pick<User, 'directoryId'>): Promise<boolean> {
  return (await findLocalDirectory(ctx)).id === user.directoryId;
}

/**
 * The policy's actions for a change of a user's attributes: changing how a local user signs in or is reached (the
 * userName, the email addresses) is a change of credentials, asked as user.change_sign_in (which asks more of the
 * principal); any other change, or none, as user.update.
 */
export async function profileActions(ctx: DomainContext, user: Pick<User, 'directoryId'>, change: ProfileChange): Promise<Action[]> {
  const signIn = change.signInChanged && (await isLocalUser(ctx, user));
  const others = Object.keys(change.after).some((key) => !SIGN_IN_COLUMNS.has(key)) || change.lists.phoneNumbers !== undefined;
  return [...(signIn ? ['user.change_sign_in' as const] : []), ...(others || !signIn ? ['user.update' as const] : [])];
}

const SIGN_IN_COLUMNS = new Set(['userName', 'userNameNormalized', 'email', 'emailNormalized']);

/** The users whose attributes the principal may change in some way (refused at once when it may change none). */
export function profileScope(principal: Principal) {
  const action = ruleFor(principal.kind, 'user.update') === 'deny' && ruleFor(principal.kind, 'user.change_sign_in') !== 'deny' ? 'user.change_sign_in' : 'user.update';
  return userScopeFor(principal, action);
}

/**
 * Changes the attributes present in `patch` (null clears; emails and phone numbers are replaced as a whole); passing
 * every attribute is a full replace. The policy weighs what actually changes (profileActions).
 */
export async function updateAccount(ctx: DomainContext, principal: Principal, id: string, patch: UserAttributesPatch, options: { expectedVersion?: number } = {}): Promise<UserView> {
  const attrs = parseInput(userAttributesPatchSchema, patch, 'user.invalid');
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, id, profileScope(principal), { forUpdate: true });
    checkVersion(user, options.expectedVersion);
    const change = await profileChange(ctx, t, user, attrs);
    const facts = await userFacts(ctx, user);
    for (const action of await profileActions(ctx, user, change)) await authorizeAlso(ctx, principal, action, user, facts);
    return applyProfileChange(ctx, t, principal.actor, user, attrs, change);
  });
}

const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be ${max} characters or fewer`);

/** The fields of the administration's user forms (create and edit), each required and checked the same way. */
export const ACCOUNT_FORM_FIELDS = {
  givenName: text(255),
  familyName: text(255),
  email: emailSchema,
  phone: text(64),
  title: text(255),
  sdkAccess: z.boolean({ message: 'must be true or false' }),
};

export const editAccountSchema = z.object({ ...ACCOUNT_FORM_FIELDS, preferredLanguage: z.enum(['en', 'es']).nullable() }).partial();
export type EditAccountInput = z.input<typeof editAccountSchema>;

/** The attributes an SSO user's IdP manages: editing them here would be overwritten at the next sync. */
const IDP_MANAGED = new Set(['givenName', 'familyName', 'email', 'phone', 'title']);

/**
 * The administration's edit form: names, email, phone, job title, SDK access, language. For a user of an SSO
 * directory only what idbridge owns (SDK access, language) can change.
 */
export async function editAccount(ctx: DomainContext, principal: Principal, userId: string, input: EditAccountInput, options: { expectedVersion?: number } = {}): Promise<UserView> {
  const data = parseInput(editAccountSchema, input, 'user.invalid');
  return ctx.db.tx(async () => {
    const current = await getAccount(ctx, principal, userId);
    const managed = Object.keys(data).filter((k) => IDP_MANAGED.has(k));
    if (managed.length > 0 && !(await isLocalUser(ctx, current))) {
      throw invalid('user.managed_by_idp', `This user's ${managed.join(', ')} come${managed.length === 1 ? 's' : ''} from the identity provider; change ${managed.length === 1 ? 'it' : 'them'} there.`, managed[0]);
    }
    const patch: UserAttributesPatch = {};
    if (data.givenName !== undefined || data.familyName !== undefined) {
      const givenName = data.givenName ?? current.name.givenName;
      const familyName = data.familyName ?? current.name.familyName;
      patch.name = { ...current.name, givenName, familyName };
      patch.displayName = [givenName, familyName].filter(Boolean).join(' ') || null;
    }
    const same = (a: string | null | undefined, b: string | null | undefined) => normalise(a ?? '') === normalise(b ?? '');
    if (data.email !== undefined && !same(data.email, current.email)) {
      // The new address replaces the one the user is reached at (the primary, else the first); the others stay.
      patch.emails = [{ value: data.email, type: 'work', primary: true }, ...current.emails.filter((e) => !same(e.value, current.email)).map((e) => ({ value: e.value, type: e.type, primary: false, display: e.display }))];
      // The local sign-in name follows the email when it was the email.
      if (same(current.userName, current.email)) patch.userName = data.email;
    }
    if (data.phone !== undefined) {
      const reached = current.phoneNumbers.find((p) => p.primary) ?? current.phoneNumbers[0];
      patch.phoneNumbers = [{ value: data.phone, type: 'work', primary: true }, ...current.phoneNumbers.filter((p) => p !== reached).map((p) => ({ value: p.value, type: p.type, primary: false, display: p.display }))];
    }
    if (data.title !== undefined) patch.title = data.title;
    if (data.sdkAccess !== undefined) patch.sdkAccess = data.sdkAccess;
    if (data.preferredLanguage !== undefined) patch.preferredLanguage = data.preferredLanguage;
    return updateAccount(ctx, principal, current.id, patch, options);
  });
}
