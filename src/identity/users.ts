import { Op, UniqueConstraintError, type Transaction, type WhereOptions } from 'sequelize';
import { isUniqueViolation } from '../db/rows.js';
import type { User } from '../db/models/User.js';
import type { Actor } from './actor.js';
import { recordAudit } from './audit.js';
import type { DomainContext } from './context.js';
import { readDirectory, type DirectoryRecord } from './directories.js';
import { conflict, DomainError, invalid, notFound } from './errors.js';
import { addDirectMembershipInTx } from './memberships.js';
import { everything, findUserInScope, scopeWhere, type UserScope } from './scope.js';
import { encodeResume, initialStatus, isUserStatus, type UserStatus } from './statusMachine.js';
import {
  toColumns,
  userAttributesPatchSchema,
  userAttributesSchema,
  type ParsedUserAttributes,
  type UserAttributes,
  type UserAttributesPatch,
} from './userAttributes.js';
import { loadMemberships, presentUser, readUserViews, viewUser, type UserRecord, type UserView } from './userView.js';
import { normalise, parseInput } from './validation.js';

export interface CreateUserInput {
  /** Directory id or name, or the directory already read. */
  directory: string | DirectoryRecord;
  attributes: UserAttributes;
  /** false creates the user INACTIVE (SCIM active=false). */
  active?: boolean;
  /** Direct memberships to give at once. */
  memberships?: Array<{ organization: string; role: string }>;
  isPlatformAdmin?: boolean;
}

export interface UpdateOptions {
  scope?: UserScope;
  /** The version the caller last read (If-Match); a mismatch is refused so that no update is lost. */
  expectedVersion?: number;
}

/** Refuses the change when the caller's copy is stale. */
export function checkVersion(user: { version: number }, expected: number | undefined): void {
  if (expected !== undefined && user.version !== expected) {
    throw new DomainError('precondition_failed', 'user.version_mismatch', `The user changed since version ${expected} (now ${user.version}); read it again.`);
  }
}

function userNameTaken(userName: string): DomainError {
  return conflict('user.username_taken', `A user with the userName "${userName}" already exists in this directory.`, 'userName');
}

type ListRow = { userId: string; position: number; value: string; type: string | null; primary: boolean; display: string | null };

/** A list's rows as stored: in order, and only the first entry marked primary (or the first) is primary. */
function listRows(userId: string, entries: readonly ListEntryInput[]): ListRow[] {
  const primaryIndex = Math.max(0, entries.findIndex((e) => e.primary));
  return entries.map((e, position) => ({ userId, position, value: e.value, type: e.type ?? null, primary: position === primaryIndex, display: e.display ?? null }));
}

/** Replaces the user's emails and phone numbers given in `attrs` (`created`: the user has none yet). */
async function writeEmailsAndPhones(ctx: DomainContext, t: Transaction, userId: string, attrs: Partial<ParsedUserAttributes>, created = false): Promise<{ emails: ListRow[]; phones: ListRow[] }> {
  const { UserEmail, UserPhoneNumber } = ctx.db.models;
  const emails = listRows(userId, attrs.emails ?? []);
  const phones = listRows(userId, attrs.phoneNumbers ?? []);
  if (attrs.emails !== undefined) {
    if (!created) await ctx.db.execute('DELETE FROM user_emails WHERE user_id = ?', [userId], t);
    await ctx.db.insert(UserEmail, emails.map((e) => ({ ...e, valueNormalized: normalise(e.value) })), t);
  }
  if (attrs.phoneNumbers !== undefined) {
    if (!created) await ctx.db.execute('DELETE FROM user_phone_numbers WHERE user_id = ?', [userId], t);
    await ctx.db.insert(UserPhoneNumber, phones, t);
  }
  return { emails, phones };
}

type ListEntryInput = { value: string; type?: string | null | undefined; primary?: boolean | undefined; display?: string | null | undefined };

/** A list as it would be stored: the first entry marked primary (or the first) is the only primary one. */
function asStored(entries: readonly ListEntryInput[]): string {
  const primaryIndex = Math.max(0, entries.findIndex((e) => e.primary));
  return JSON.stringify(entries.map((e, i) => [e.value, e.type ?? null, i === primaryIndex, e.display ?? null]));
}

/**
 * The emails and phone numbers of `attrs` that differ from what the user has: a replace that sends the same lists
 * again (every SCIM PUT and PATCH does) changes nothing and moves no version.
 */
async function changedLists(ctx: DomainContext, t: Transaction, userId: string, attrs: Partial<ParsedUserAttributes>): Promise<Partial<ParsedUserAttributes>> {
  const out: Partial<ParsedUserAttributes> = {};
  const order = [['position', 'ASC']] as [string, string][];
  if (attrs.emails !== undefined) {
    const current = await ctx.db.models.UserEmail.findAll({ where: { userId }, order, transaction: t });
    if (asStored(current) !== asStored(attrs.emails ?? [])) out.emails = attrs.emails;
  }
  if (attrs.phoneNumbers !== undefined) {
    const current = await ctx.db.models.UserPhoneNumber.findAll({ where: { userId }, order, transaction: t });
    if (asStored(current) !== asStored(attrs.phoneNumbers ?? [])) out.phoneNumbers = attrs.phoneNumbers;
  }
  return out;
}

function auditSummary(user: Pick<User, 'userName' | 'email' | 'status'>): Record<string, unknown> {
  return { userName: user.userName, email: user.email, status: user.status };
}

/**
 * Creates a user in a directory. Local users start PROVISIONED (they activate by email); users of an SSO directory
 * start ACTIVE (they sign in through their IdP). The userName is unique in the directory, ignoring case. The rows
 * are written in plain SQL and the view is built from what was written (creating is what provisioning does most).
 */
export async function createUser(ctx: DomainContext, actor: Actor, input: CreateUserInput): Promise<UserView> {
  const attrs = parseInput(userAttributesSchema, input.attributes, 'user.invalid');
  return ctx.db.tx(async (t) => {
    const directory = typeof input.directory === 'string' ? await readDirectory(ctx, input.directory) : input.directory;
    const state = initialStatus(directory.kind, input.active ?? true);
    const now = ctx.clock.now();
    const id = ctx.random.uuid();
    const user: UserRecord = {
      id,
      directoryId: directory.id,
      externalId: null, displayName: null, formattedName: null, givenName: null, familyName: null, middleName: null,
      honorificPrefix: null, honorificSuffix: null, nickName: null, profileUrl: null, title: null, userType: null,
      preferredLanguage: null, locale: null, timezone: null, email: null, emailNormalized: null, phone: null,
      employeeNumber: null, costCenter: null, enterpriseOrganization: null, division: null, department: null,
      managerId: null, managerDisplayName: null, extra: null, sdkAccess: false,
      ...(toColumns(attrs) as { userName: string; userNameNormalized: string }),
      status: state.status,
      statusBefore: encodeResume(state.resume),
      isPlatformAdmin: input.isPlatformAdmin ?? false,
      lastSignInAt: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await ctx.db.insert(ctx.db.models.User, [user], t);
    } catch (error) {
      if (isUniqueViolation(error)) throw userNameTaken(attrs.userName);
      throw error;
    }
    const { emails, phones } = await writeEmailsAndPhones(ctx, t, id, attrs, true);
    for (const membership of input.memberships ?? []) {
      await addDirectMembershipInTx(ctx, t, actor, { userId: id, organization: membership.organization, role: membership.role }, { audit: false });
    }
    const memberships = input.memberships?.length ? ((await loadMemberships(ctx, [id])).get(id) ?? []) : [];
    const view = presentUser(user, { emails, phones, memberships, groups: [] });
    await recordAudit(ctx, t, actor, {
      action: 'user.created',
      targetType: 'user',
      targetId: id,
      userId: id,
      directoryId: directory.id,
      details: { after: { ...auditSummary(user), directory: directory.name, memberships: view.memberships.map((m) => ({ organization: m.organization.slug, role: m.role })) } },
    });
    return view;
  });
}

export async function getUser(ctx: DomainContext, id: string, scope: UserScope = everything): Promise<UserView> {
  const [view] = await readUserViews(ctx, [id], scope);
  if (!view) throw notFound('user');
  return view;
}

/** Finds a user of a directory by userName, ignoring case. */
export async function findUserByUserName(ctx: DomainContext, directoryId: string, userName: string): Promise<User | null> {
  return ctx.db.models.User.findOne({ where: { directoryId, userNameNormalized: normalise(userName.trim()) }, transaction: ctx.db.current() });
}

/**
 * Changes the attributes present in `patch` (null clears; emails and phone numbers are replaced as a whole).
 * Passing every attribute is a full replace.
 */
export async function updateUser(ctx: DomainContext, actor: Actor, id: string, patch: UserAttributesPatch, options: UpdateOptions = {}): Promise<UserView> {
  const attrs = parseInput(userAttributesPatchSchema, patch, 'user.invalid');
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, id, options.scope, { forUpdate: true });
    checkVersion(user, options.expectedVersion);
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
    const lists = await changedLists(ctx, t, user.id, attrs);
    const listsChanged = lists.emails !== undefined || lists.phoneNumbers !== undefined;
    if (Object.keys(after).length === 0 && !listsChanged) return viewUser(ctx, user);
    user.set(columns);
    user.version += 1;
    user.updatedAt = ctx.clock.now();
    try {
      await user.save({ transaction: t });
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw userNameTaken(String(attrs.userName));
      throw error;
    }
    await writeEmailsAndPhones(ctx, t, user.id, lists);
    if (lists.emails !== undefined) after.emails = (lists.emails ?? []).map((e) => e.value);
    if (lists.phoneNumbers !== undefined) after.phoneNumbers = (lists.phoneNumbers ?? []).length;
    await recordAudit(ctx, t, actor, { action: 'user.updated', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId, details: { before, after } });
    return viewUser(ctx, user);
  });
}

/** Removes the user from the platform for good: every membership, group membership, credential and token goes. */
export async function deleteUser(ctx: DomainContext, actor: Actor, id: string, options: UpdateOptions = {}): Promise<void> {
  await ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, id, options.scope, { forUpdate: true });
    checkVersion(user, options.expectedVersion);
    const memberships = await loadMemberships(ctx, [user.id]);
    const summary = { ...auditSummary(user), memberships: (memberships.get(user.id) ?? []).map((m) => ({ organization: m.organization.slug, role: m.role })) };
    await user.destroy({ transaction: t });
    await recordAudit(ctx, t, actor, { action: 'user.deleted', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId, details: { before: summary } });
  });
}

export interface ListUsersQuery {
  scope?: UserScope;
  organizationId?: string;
  status?: UserStatus | UserStatus[];
  limit?: number;
  offset?: number;
}

export interface UserSummaryView {
  id: string;
  directoryId: string;
  userName: string;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  email: string | null;
  status: UserStatus;
  lastSignInAt: string | null;
  createdAt: string;
  updatedAt: string;
  memberships: Array<{ organization: string; role: string }>;
}

/** A page of users, newest first, with the total that match. */
export async function listUsers(ctx: DomainContext, query: ListUsersQuery = {}): Promise<{ total: number; users: UserSummaryView[] }> {
  const statuses = query.status === undefined ? undefined : [query.status].flat();
  for (const status of statuses ?? []) if (!isUserStatus(status)) throw invalid('user.status_unknown', `Unknown status "${String(status)}".`, 'status');
  const where: Record<string | symbol, unknown> = { ...(scopeWhere(ctx, query.scope ?? everything) as object) };
  if (statuses) where.status = statuses;
  if (query.organizationId) {
    const own = where.id as { [Op.in]: unknown } | undefined;
    const inOrg = ctx.db.sequelize.literal(`(SELECT user_id FROM memberships WHERE organization_id = ${ctx.db.sequelize.escape(query.organizationId)})`);
    where[Op.and] = [...(own ? [{ id: own }] : []), { id: { [Op.in]: inOrg } }];
    delete where.id;
  }
  const { rows, count } = await ctx.db.models.User.findAndCountAll({
    where: where as WhereOptions<User>,
    order: [['createdAt', 'DESC'], ['id', 'ASC']],
    limit: Math.min(query.limit ?? 100, 1000),
    offset: query.offset ?? 0,
  });
  const memberships = await loadMemberships(ctx, rows.map((u) => u.id));
  return {
    total: count,
    users: rows.map((u) => ({
      id: u.id,
      directoryId: u.directoryId,
      userName: u.userName,
      givenName: u.givenName,
      familyName: u.familyName,
      displayName: u.displayName,
      email: u.email,
      status: u.status,
      lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
      createdAt: u.createdAt.toISOString(),
      updatedAt: u.updatedAt.toISOString(),
      memberships: (memberships.get(u.id) ?? []).map((m) => ({ organization: m.organization.slug, role: m.role })),
    })),
  };
}

export { presentUser };
