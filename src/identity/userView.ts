import type { InferAttributes } from 'sequelize';
import type { OrganizationKind } from '../db/models/Organization.js';
import type { UserEmail } from '../db/models/UserEmail.js';
import type { Dialect } from '../db/database.js';
import { jsonRows, readJsonRows } from '../db/jsonRows.js';
import { readBoolean, readJsonObject, type SqlRow } from '../db/rows.js';
import { keptResults } from '../lib/keptResults.js';
import { chunk } from './chunks.js';
import { oneUserInScope, scopeSql, type UserScope } from './scope.js';
import { selectUsers, userColumnsOf, type UserRecord } from './userRecords.js';
import type { DomainContext } from './context.js';
import type { UserStatus } from './statusMachine.js';

export type MembershipSourceView =
  | { type: 'direct'; role: string }
  | { type: 'group'; role: string; group: { id: string; displayName: string }; roleMappingId: string };

/** A user's place in one organization: the effective role (the highest of its sources) and where each came from. */
export interface MembershipView {
  organization: { id: string; slug: string; name: string; kind: OrganizationKind };
  role: string;
  roleLabel: string;
  canManageUsers: boolean;
  sources: MembershipSourceView[];
}

export interface UserView {
  id: string;
  directoryId: string;
  userName: string;
  externalId: string | null;
  name: { formatted: string | null; givenName: string | null; familyName: string | null; middleName: string | null; honorificPrefix: string | null; honorificSuffix: string | null };
  displayName: string | null;
  nickName: string | null;
  profileUrl: string | null;
  title: string | null;
  userType: string | null;
  preferredLanguage: string | null;
  locale: string | null;
  timezone: string | null;
  email: string | null;
  emails: Array<{ value: string; type: string | null; primary: boolean; display: string | null }>;
  phoneNumbers: Array<{ value: string; type: string | null; primary: boolean; display: string | null }>;
  enterprise: {
    employeeNumber: string | null;
    costCenter: string | null;
    organization: string | null;
    division: string | null;
    department: string | null;
    manager: { value: string; displayName: string | null } | null;
  };
  extra: Record<string, unknown>;
  status: UserStatus;
  active: boolean;
  sdkAccess: boolean;
  isPlatformAdmin: boolean;
  lastSignInAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  memberships: MembershipView[];
  /** The SCIM groups of the user's directory that the user is a member of, by name. */
  groups: UserGroupView[];
}

export interface UserGroupView {
  id: string;
  displayName: string;
}

interface MembershipRow {
  role: string;
  roleMappingId: string | null;
  orgId: string;
  orgSlug: string;
  orgName: string;
  orgKind: OrganizationKind;
  groupId: string | null;
  groupName: string | null;
}

/** One user's membership rows (in creation order) as views: grouped by organization, with the effective role. */
function membershipViews(ctx: DomainContext, rows: readonly MembershipRow[]): MembershipView[] {
  const byOrg = new Map<string, MembershipRow[]>();
  for (const row of rows) {
    const entry = byOrg.get(row.orgId);
    if (entry) entry.push(row);
    else byOrg.set(row.orgId, [row]);
  }
  const views: MembershipView[] = [];
  for (const orgRows of byOrg.values()) {
    const org = orgRows[0]!;
    const effective = ctx.catalog.highest(org.orgKind, orgRows.map((r) => r.role));
    views.push({
      organization: { id: org.orgId, slug: org.orgSlug, name: org.orgName, kind: org.orgKind },
      role: effective?.key ?? org.role,
      roleLabel: effective?.label ?? org.role,
      canManageUsers: effective?.canManageUsers ?? false,
      sources: orgRows.map((r): MembershipSourceView =>
        r.roleMappingId && r.groupId ? { type: 'group', role: r.role, group: { id: r.groupId, displayName: r.groupName ?? '' }, roleMappingId: r.roleMappingId } : { type: 'direct', role: r.role },
      ),
    });
  }
  return views.sort((a, b) => a.organization.name.localeCompare(b.organization.name));
}

const MEMBERSHIP_FIELDS = {
  role: 'm.role',
  roleMappingId: 'm.role_mapping_id',
  orgId: 'o.id',
  orgSlug: 'o.slug',
  orgName: 'o.name',
  orgKind: 'o.kind',
  groupId: 'g.id',
  groupName: 'g.display_name',
};
const MEMBERSHIP_JOINS = 'memberships m JOIN organizations o ON o.id = m.organization_id LEFT JOIN groups g ON g.id = m.group_id';

/** The memberships of several users at once, grouped by organization with the effective role. */
export async function loadMemberships(ctx: DomainContext, userIds: readonly string[]): Promise<Map<string, MembershipView[]>> {
  const rowsOf = new Map<string, MembershipRow[]>();
  for (const ids of chunk(userIds)) {
    const rows = await ctx.db.rows<MembershipRow & { userId: string }>(
      `SELECT m.user_id AS "userId", ${Object.entries(MEMBERSHIP_FIELDS).map(([key, column]) => `${column} AS "${key}"`).join(', ')}
         FROM ${MEMBERSHIP_JOINS} WHERE m.user_id IN (${ids.map(() => '?').join(', ')}) ORDER BY m.created_at ASC, m.id ASC`,
      ids,
    );
    for (const row of rows) {
      const entry = rowsOf.get(row.userId);
      if (entry) entry.push(row);
      else rowsOf.set(row.userId, [row]);
    }
  }
  return new Map([...rowsOf].map(([userId, rows]) => [userId, membershipViews(ctx, rows)]));
}

type ListRecord = Pick<InferAttributes<UserEmail>, 'position' | 'value' | 'type' | 'primary' | 'display'>;

/** What belongs to a user in other tables: its emails and phone numbers (in order), memberships and groups. */
export interface UserChildren {
  emails: readonly ListRecord[];
  phones: readonly ListRecord[];
  memberships: MembershipView[];
  groups: UserGroupView[];
}

const listEntries = (entries: readonly ListRecord[]) => entries.map((e) => ({ value: e.value, type: e.type, primary: e.primary, display: e.display }));

export function presentUser(user: UserRecord, children: UserChildren): UserView {
  return {
    id: user.id,
    directoryId: user.directoryId,
    userName: user.userName,
    externalId: user.externalId,
    name: {
      formatted: user.formattedName,
      givenName: user.givenName,
      familyName: user.familyName,
      middleName: user.middleName,
      honorificPrefix: user.honorificPrefix,
      honorificSuffix: user.honorificSuffix,
    },
    displayName: user.displayName,
    nickName: user.nickName,
    profileUrl: user.profileUrl,
    title: user.title,
    userType: user.userType,
    preferredLanguage: user.preferredLanguage,
    locale: user.locale,
    timezone: user.timezone,
    email: user.email,
    emails: listEntries(children.emails),
    phoneNumbers: listEntries(children.phones),
    enterprise: {
      employeeNumber: user.employeeNumber,
      costCenter: user.costCenter,
      organization: user.enterpriseOrganization,
      division: user.division,
      department: user.department,
      manager: user.managerId ? { value: user.managerId, displayName: user.managerDisplayName } : null,
    },
    extra: user.extra ?? {},
    status: user.status,
    active: user.status !== 'INACTIVE',
    sdkAccess: user.sdkAccess,
    isPlatformAdmin: user.isPlatformAdmin,
    lastSignInAt: user.lastSignInAt ? user.lastSignInAt.toISOString() : null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    version: user.version,
    memberships: children.memberships,
    groups: children.groups,
  };
}

/** A view presented again with the user's row as it is now: a change of status changes the row, nothing else. */
export function withRow(user: UserRecord, view: UserView): UserView {
  const list = (entries: UserView['emails']) => entries.map((e, position) => ({ ...e, position }));
  return presentUser(user, { emails: list(view.emails), phones: list(view.phoneNumbers), memberships: view.memberships, groups: view.groups });
}

const LIST_FIELDS = { position: 'l.position', value: 'l.value', type: 'l.type', primary: 'l."primary"', display: 'l.display' };

/**
 * The select-list entries that bring a user's children along with its row (`users` in the FROM clause), one JSON
 * column each: the whole view is one query, whatever the number of users.
 */
function childColumnsOf(dialect: Dialect): string {
  return [
    `${jsonRows(dialect, LIST_FIELDS, 'user_emails l WHERE l.user_id = users.id', 'l.position')} AS "emailsJson"`,
    `${jsonRows(dialect, LIST_FIELDS, 'user_phone_numbers l WHERE l.user_id = users.id', 'l.position')} AS "phonesJson"`,
    `${jsonRows(dialect, MEMBERSHIP_FIELDS, `${MEMBERSHIP_JOINS} WHERE m.user_id = users.id`, 'm.created_at, m.id')} AS "membershipsJson"`,
    `${jsonRows(dialect, { id: 'g.id', displayName: 'g.display_name' }, 'group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.user_id = users.id', 'g.display_name_normalized, g.id')} AS "groupsJson"`,
  ].join(', ');
}
const CHILD_COLUMNS = { sqlite: childColumnsOf('sqlite'), postgres: childColumnsOf('postgres') };

/**
 * The view query for each `rest` (a WHERE, ORDER BY and LIMIT) seen lately, as one string kept for the next
 * request: the SQL is about 3 KB, and building it and hashing it anew (the statement cache is keyed by it) cost a
 * few percent of a lookup's CPU. Variable parts of a query are parameters, so the shapes are few.
 */
const viewQueries = keptResults<string>(256);

function viewQuery(ctx: DomainContext, rest: string): string {
  const dialect = ctx.db.dialect;
  return viewQueries(`${dialect}${rest}`, () => `SELECT ${userColumnsOf(ctx).json[dialect]} AS "user", ${CHILD_COLUMNS[dialect]} FROM users${rest}`);
}

function readList(value: unknown): ListRecord[] {
  return readJsonRows<ListRecord>(value).map((e) => ({ ...e, position: Number(e.position), primary: readBoolean(e.primary) === true }));
}

function readChildren(ctx: DomainContext, row: SqlRow): UserChildren {
  return {
    emails: readList(row.emailsJson),
    phones: readList(row.phonesJson),
    memberships: membershipViews(ctx, readJsonRows<MembershipRow>(row.membershipsJson)),
    groups: readJsonRows<UserGroupView>(row.groupsJson),
  };
}

/** Full views of users, in one query: `SELECT <every column and the children> FROM users` followed by `rest`. */
export async function selectUserViews(ctx: DomainContext, rest: string, params: readonly unknown[]): Promise<UserView[]> {
  const { read } = userColumnsOf(ctx);
  const rows = await ctx.db.rows(viewQuery(ctx, rest), params);
  return rows.map((row) => presentUser(read(readJsonObject(row.user)), readChildren(ctx, row)));
}

/**
 * One user the scope lets the caller see, to change: its row and its children in one query, the row locked until
 * the transaction ends with `forUpdate` (PostgreSQL; SQLite serialises write transactions anyway).
 */
export async function readUserToChange(ctx: DomainContext, id: string, scope: UserScope, options: { forUpdate?: boolean } = {}): Promise<{ record: UserRecord; children: UserChildren } | undefined> {
  const { rest, params } = oneUserInScope(ctx, id, scope, options);
  const [row] = await ctx.db.rows(viewQuery(ctx, rest), params);
  return row && { record: userColumnsOf(ctx).read(readJsonObject(row.user)), children: readChildren(ctx, row) };
}

function byIds<T>(ctx: DomainContext, ids: readonly string[], scope: UserScope, select: (ctx: DomainContext, rest: string, params: readonly unknown[]) => Promise<T[]>): Promise<T[]> {
  return Promise.all(
    chunk(ids).map((part) => {
      const params: unknown[] = [...part];
      const where = [`users.id IN (${part.map(() => '?').join(', ')})`, ...scopeSql(scope, params)];
      return select(ctx, ` WHERE ${where.join(' AND ')}`, params);
    }),
  ).then((parts) => parts.flat());
}

/** The users with these ids that `scope` lets the caller see, as plain records (in no particular order). */
export function readUsers(ctx: DomainContext, ids: readonly string[], scope: UserScope = {}): Promise<UserRecord[]> {
  return byIds(ctx, ids, scope, selectUsers);
}

/** Full views of the users with these ids that `scope` lets the caller see (in no particular order). */
export function readUserViews(ctx: DomainContext, ids: readonly string[], scope: UserScope = {}): Promise<UserView[]> {
  return byIds(ctx, ids, scope, selectUserViews);
}

/** Full views of several users already read, in the order given: their children in one query. */
export async function viewUsers(ctx: DomainContext, users: readonly UserRecord[]): Promise<UserView[]> {
  if (users.length === 0) return [];
  const children = new Map<string, UserChildren>();
  for (const part of chunk(users.map((u) => u.id))) {
    const rows = await ctx.db.rows(`SELECT users.id AS id, ${CHILD_COLUMNS[ctx.db.dialect]} FROM users WHERE users.id IN (${part.map(() => '?').join(', ')})`, part);
    for (const row of rows) children.set(String(row.id), readChildren(ctx, row));
  }
  const none: UserChildren = { emails: [], phones: [], memberships: [], groups: [] };
  return users.map((u) => presentUser(u, children.get(u.id) ?? none));
}

/** The full view of one user: emails, phone numbers, memberships and groups loaded. */
export async function viewUser(ctx: DomainContext, user: UserRecord): Promise<UserView> {
  return (await viewUsers(ctx, [user]))[0]!;
}
