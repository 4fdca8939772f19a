import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { User } from '../../db/models/User.js';
import { isUniqueViolation } from '../../db/rows.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import type { DirectoryRecord } from '../directories.js';
import { conflict, DomainError } from '../errors.js';
import { encodeResume, initialStatus } from '../statusMachine.js';
import { FOLDED_EMAIL_ATTRIBUTES, FOLDED_PHONE_ATTRIBUTES, FOLDED_USER_ATTRIBUTES, foldedOf } from '../folding.js';
import { toColumns, type ParsedUserAttributes } from '../userAttributes.js';
import type { UserRecord } from '../userRecords.js';
import { changedAttributes, emitUserEvent } from '../userEvents.js';
import { presentUser, viewUser, type MembershipView, type UserView } from '../userView.js';
import { normalise } from '../validation.js';

/**
 * The rows of an account: how a user, its emails and phone numbers are written. Only the account commands of this
 * folder call these (createAccount is the one way a user comes to exist); they decide nothing about who may.
 */

/** Refuses the change when the caller's copy is stale. */
export function checkVersion(user: { version: number }, expected: number | undefined): void {
  if (expected !== undefined && user.version !== expected) {
    throw new DomainError('precondition_failed', 'user.version_mismatch', `The user changed since version ${expected} (now ${user.version}); read it again.`);
  }
}

export function userNameTaken(userName: string): DomainError {
  return conflict('user.username_taken', `A user with the userName "${userName}" already exists in this directory.`, 'userName');
}

type ListEntryInput = { value: string; type?: string | null | undefined; primary?: boolean | undefined; display?: string | null | undefined };
type ListRow = { userId: string; position: number; value: string; type: string | null; primary: boolean; display: string | null };

/** A list's rows as stored: in order, `primary` as sent (validation lets at most one entry be primary). */
function listRows(userId: string, entries: readonly ListEntryInput[]): ListRow[] {
  return entries.map((e, position) => ({ userId, position, value: e.value, type: e.type ?? null, primary: e.primary === true, display: e.display ?? null }));
}

/** Replaces the user's emails and phone numbers given in `attrs` (`created`: the user has none yet). */
async function writeEmailsAndPhones(ctx: DomainContext, t: Transaction, userId: string, attrs: Partial<ParsedUserAttributes>, created = false): Promise<{ emails: ListRow[]; phones: ListRow[] }> {
  const { UserEmail, UserPhoneNumber } = ctx.db.models;
  const emails = listRows(userId, attrs.emails ?? []);
  const phones = listRows(userId, attrs.phoneNumbers ?? []);
  if (attrs.emails !== undefined) {
    if (!created) await ctx.db.execute('DELETE FROM user_emails WHERE user_id = ?', [userId], t);
    await ctx.db.insert(UserEmail, emails.map((e) => ({ ...e, valueNormalized: normalise(e.value), folded: foldedOf(e, FOLDED_EMAIL_ATTRIBUTES) })), t);
  }
  if (attrs.phoneNumbers !== undefined) {
    if (!created) await ctx.db.execute('DELETE FROM user_phone_numbers WHERE user_id = ?', [userId], t);
    await ctx.db.insert(UserPhoneNumber, phones.map((p) => ({ ...p, folded: foldedOf(p, FOLDED_PHONE_ATTRIBUTES) })), t);
  }
  return { emails, phones };
}

/** A list as it would be stored (listRows), to compare with the stored one. */
function asStored(entries: readonly ListEntryInput[]): string {
  return JSON.stringify(entries.map((e) => [e.value, e.type ?? null, e.primary === true, e.display ?? null]));
}

export function auditSummary(user: Pick<User, 'userName' | 'email' | 'status'>): Record<string, unknown> {
  return { userName: user.userName, email: user.email, status: user.status };
}

/**
 * Inserts a user with its lists, in plain SQL (creating is what provisioning does most), and answers the row as
 * written and its view. Local users start PROVISIONED, users of an SSO directory ACTIVE; `active: false` starts
 * INACTIVE. The userName is unique in the directory, ignoring case.
 */
export async function insertUser(
  ctx: DomainContext,
  t: Transaction,
  input: { directory: DirectoryRecord; attributes: ParsedUserAttributes; active: boolean; isPlatformAdmin: boolean },
): Promise<{ user: UserRecord; emails: ListRow[]; phones: ListRow[] }> {
  const state = initialStatus(input.directory.kind, input.active);
  const now = ctx.clock.now();
  const id = ctx.random.uuid();
  const user: UserRecord = {
    id,
    directoryId: input.directory.id,
    externalId: null, displayName: null, formattedName: null, givenName: null, familyName: null, middleName: null,
    honorificPrefix: null, honorificSuffix: null, nickName: null, profileUrl: null, title: null, userType: null,
    preferredLanguage: null, locale: null, timezone: null, email: null, emailNormalized: null, phone: null,
    employeeNumber: null, costCenter: null, enterpriseOrganization: null, division: null, department: null,
    managerId: null, managerDisplayName: null, extra: null, sdkAccess: false,
    ...(toColumns(input.attributes) as { userName: string; userNameNormalized: string }),
    status: state.status,
    statusBefore: encodeResume(state.resume),
    isPlatformAdmin: input.isPlatformAdmin,
    lastSignInAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await ctx.db.insert(ctx.db.models.User, [{ ...user, folded: foldedOf(user, FOLDED_USER_ATTRIBUTES) }], t);
  } catch (error) {
    if (isUniqueViolation(error)) throw userNameTaken(input.attributes.userName);
    throw error;
  }
  const { emails, phones } = await writeEmailsAndPhones(ctx, t, id, input.attributes, true);
  return { user, emails, phones };
}

export function viewOfInserted(inserted: { user: UserRecord; emails: ListRow[]; phones: ListRow[] }, memberships: MembershipView[]): UserView {
  return presentUser(inserted.user, { emails: inserted.emails, phones: inserted.phones, memberships, groups: [] });
}

/** What a change would alter: the columns that differ, and the lists given that differ from the stored ones. */
export interface ProfileChange {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  lists: Partial<ParsedUserAttributes>;
  /** The userName or the email addresses change (how a local user signs in and is reached). */
  signInChanged: boolean;
  empty: boolean;
}

export async function profileChange(ctx: DomainContext, t: Transaction, user: User, attrs: Partial<ParsedUserAttributes>): Promise<ProfileChange> {
  const columns = toColumns(attrs);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(columns)) {
    const current = user.get(key as keyof User);
    if (JSON.stringify(current) !== JSON.stringify(value)) {
      before[key] = current;
      after[key] = value;
    }
  }
  // A replace that sends the same lists again (every SCIM PUT and PATCH does) changes nothing and moves no version.
  const lists: Partial<ParsedUserAttributes> = {};
  const order = [['position', 'ASC']] as [string, string][];
  if (attrs.emails !== undefined) {
    const current = await ctx.db.models.UserEmail.findAll({ where: { userId: user.id }, order, transaction: t });
    if (asStored(current) !== asStored(attrs.emails ?? [])) lists.emails = attrs.emails;
  }
  if (attrs.phoneNumbers !== undefined) {
    const current = await ctx.db.models.UserPhoneNumber.findAll({ where: { userId: user.id }, order, transaction: t });
    if (asStored(current) !== asStored(attrs.phoneNumbers ?? [])) lists.phoneNumbers = attrs.phoneNumbers;
  }
  const signInChanged = 'userNameNormalized' in after || 'emailNormalized' in after || lists.emails !== undefined;
  return { before, after, lists, signInChanged, empty: Object.keys(after).length === 0 && lists.emails === undefined && lists.phoneNumbers === undefined };
}

/**
 * Writes a change computed by profileChange, moves the version, audits it and tells the portals (`user.updated`, with
 * the attributes that changed).
 */
export async function applyProfileChange(ctx: DomainContext, t: Transaction, actor: Actor, user: User, attrs: Partial<ParsedUserAttributes>, change: ProfileChange): Promise<UserView> {
  if (change.empty) return viewUser(ctx, user);
  user.set(toColumns(attrs));
  user.folded = foldedOf(user.get(), FOLDED_USER_ATTRIBUTES);
  user.version += 1;
  user.updatedAt = ctx.clock.now();
  try {
    await user.save({ transaction: t });
  } catch (error) {
    if (error instanceof UniqueConstraintError) throw userNameTaken(String(attrs.userName));
    throw error;
  }
  await writeEmailsAndPhones(ctx, t, user.id, change.lists);
  const after = { ...change.after };
  if (change.lists.emails !== undefined) after.emails = (change.lists.emails ?? []).map((e) => e.value);
  if (change.lists.phoneNumbers !== undefined) after.phoneNumbers = (change.lists.phoneNumbers ?? []).length;
  await recordAudit(ctx, t, actor, { action: 'user.updated', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId, details: { before: change.before, after } });
  const view = await viewUser(ctx, user);
  emitUserEvent(ctx, t, actor, 'user.updated', view, { changed: changedAttributes(Object.keys(change.after), change.lists) });
  return view;
}

/** Finds a user of a directory by userName, ignoring case. */
export async function findUserByUserName(ctx: DomainContext, directoryId: string, userName: string): Promise<User | null> {
  return ctx.db.models.User.findOne({ where: { directoryId, userNameNormalized: normalise(userName.trim()) }, transaction: ctx.db.current() });
}
