import type { InferAttributes } from 'sequelize';
import type { OrganizationKind } from '../db/models/Organization.js';
import type { User } from '../db/models/User.js';
import type { UserEmail } from '../db/models/UserEmail.js';
import { modelColumns, readBoolean, type ModelColumns } from '../db/rows.js';
import { chunk } from './chunks.js';
import { scopeSql, type UserScope } from './scope.js';
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
}

interface MembershipRow {
  userId: string;
  role: string;
  roleMappingId: string | null;
  orgId: string;
  orgSlug: string;
  orgName: string;
  orgKind: OrganizationKind;
  groupId: string | null;
  groupName: string | null;
}

/** The memberships of several users at once, grouped by organization with the effective role. */
export async function loadMemberships(ctx: DomainContext, userIds: readonly string[]): Promise<Map<string, MembershipView[]>> {
  const result = new Map<string, MembershipView[]>();
  if (userIds.length === 0) return result;
  const rows: MembershipRow[] = [];
  for (const ids of chunk(userIds)) {
    rows.push(
      ...(await ctx.db.rows<MembershipRow>(
        `SELECT m.user_id AS "userId", m.role AS role, m.role_mapping_id AS "roleMappingId", o.id AS "orgId", o.slug AS "orgSlug", o.name AS "orgName", o.kind AS "orgKind",
                g.id AS "groupId", g.display_name AS "groupName"
           FROM memberships m JOIN organizations o ON o.id = m.organization_id LEFT JOIN groups g ON g.id = m.group_id
          WHERE m.user_id IN (${ids.map(() => '?').join(', ')}) ORDER BY m.created_at ASC, m.id ASC`,
        ids,
      )),
    );
  }

  const byUserOrg = new Map<string, { rows: MembershipRow[]; userId: string }>();
  for (const row of rows) {
    const key = `${row.userId}|${row.orgId}`;
    const entry = byUserOrg.get(key) ?? { rows: [], userId: row.userId };
    entry.rows.push(row);
    byUserOrg.set(key, entry);
  }
  for (const { rows: orgRows, userId } of byUserOrg.values()) {
    const org = orgRows[0]!;
    const effective = ctx.catalog.highest(org.orgKind, orgRows.map((r) => r.role));
    const view: MembershipView = {
      organization: { id: org.orgId, slug: org.orgSlug, name: org.orgName, kind: org.orgKind },
      role: effective?.key ?? org.role,
      roleLabel: effective?.label ?? org.role,
      canManageUsers: effective?.canManageUsers ?? false,
      sources: orgRows.map((r): MembershipSourceView =>
        r.roleMappingId && r.groupId ? { type: 'group', role: r.role, group: { id: r.groupId, displayName: r.groupName ?? '' }, roleMappingId: r.roleMappingId } : { type: 'direct', role: r.role },
      ),
    };
    const list = result.get(userId) ?? [];
    list.push(view);
    result.set(userId, list);
  }
  for (const list of result.values()) list.sort((a, b) => a.organization.name.localeCompare(b.organization.name));
  return result;
}

/** A user's columns as read from the database (a model instance, or a plain row read by `readUsers`). */
export type UserRecord = InferAttributes<User>;
type ListRecord = Pick<InferAttributes<UserEmail>, 'userId' | 'position' | 'value' | 'type' | 'primary' | 'display'>;

export function presentUser(user: UserRecord, emails: readonly ListRecord[], phones: readonly ListRecord[], memberships: MembershipView[]): UserView {
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
    emails: [...emails].sort((a, b) => a.position - b.position).map((e) => ({ value: e.value, type: e.type, primary: e.primary, display: e.display })),
    phoneNumbers: [...phones].sort((a, b) => a.position - b.position).map((p) => ({ value: p.value, type: p.type, primary: p.primary, display: p.display })),
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
    memberships,
  };
}

const userColumns = new WeakMap<object, ModelColumns<UserRecord>>();

/** Users as plain records: `SELECT <every column> FROM users` followed by `rest` (WHERE, ORDER BY, LIMIT…). */
export async function selectUsers(ctx: DomainContext, rest: string, params: readonly unknown[]): Promise<UserRecord[]> {
  let columns = userColumns.get(ctx.db.models.User);
  if (!columns) userColumns.set(ctx.db.models.User, (columns = modelColumns<UserRecord>(ctx.db.models.User, 'users')));
  const read = columns.read;
  return (await ctx.db.rows(`SELECT ${columns.list} FROM users${rest}`, params)).map(read);
}

/** The users with these ids that `scope` lets the caller see, as plain records (in no particular order). */
export async function readUsers(ctx: DomainContext, ids: readonly string[], scope: UserScope = {}): Promise<UserRecord[]> {
  const out: UserRecord[] = [];
  for (const part of chunk(ids)) {
    const params: unknown[] = [...part];
    const where = [`users.id IN (${part.map(() => '?').join(', ')})`, ...scopeSql(scope, params)];
    out.push(...(await selectUsers(ctx, ` WHERE ${where.join(' AND ')}`, params)));
  }
  return out;
}

/** Full views of several users, in the order given: their emails, phone numbers and memberships in three queries. */
export async function viewUsers(ctx: DomainContext, users: readonly UserRecord[]): Promise<UserView[]> {
  if (users.length === 0) return [];
  const ids = users.map((u) => u.id);
  const lists = async (): Promise<{ emails: ListRecord[]; phones: ListRecord[] }> => {
    const out = { emails: [] as ListRecord[], phones: [] as ListRecord[] };
    for (const part of chunk(ids)) {
      const marks = part.map(() => '?').join(', ');
      const rows = await ctx.db.rows<ListRecord & { list: string }>(
        `SELECT 'e' AS list, user_id AS "userId", position, value, type, "primary" AS "primary", display FROM user_emails WHERE user_id IN (${marks})
         UNION ALL
         SELECT 'p' AS list, user_id AS "userId", position, value, type, "primary" AS "primary", display FROM user_phone_numbers WHERE user_id IN (${marks})`,
        [...part, ...part],
      );
      for (const { list, ...r } of rows) (list === 'e' ? out.emails : out.phones).push({ ...r, position: Number(r.position), primary: readBoolean(r.primary) === true });
    }
    return out;
  };
  const [{ emails, phones }, memberships] = await Promise.all([lists(), loadMemberships(ctx, ids)]);
  const byUser = (rows: ListRecord[]) => {
    const map = new Map<string, ListRecord[]>();
    for (const row of rows) {
      const entry = map.get(row.userId);
      if (entry) entry.push(row);
      else map.set(row.userId, [row]);
    }
    return map;
  };
  const emailsOf = byUser(emails);
  const phonesOf = byUser(phones);
  return users.map((u) => presentUser(u, emailsOf.get(u.id) ?? [], phonesOf.get(u.id) ?? [], memberships.get(u.id) ?? []));
}

/** The full view of one user: emails, phone numbers and memberships loaded. */
export async function viewUser(ctx: DomainContext, user: UserRecord): Promise<UserView> {
  return (await viewUsers(ctx, [user]))[0]!;
}
