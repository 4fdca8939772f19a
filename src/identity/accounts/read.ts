import { Op, type WhereOptions } from 'sequelize';
import type { User } from '../../db/models/User.js';
import type { RoleCatalog } from '../roleCatalog.js';
import type { DomainContext } from '../context.js';
import { findDirectory } from '../directories.js';
import { invalid, notFound } from '../errors.js';
import { userScopeFor } from '../policy/index.js';
import type { Principal } from '../principal.js';
import { scopeWhere } from '../scope.js';
import type { TableSpec } from '../search/compile.js';
import type { Condition } from '../search/condition.js';
import { USER_TABLE } from '../search/fields.js';
import { searchUsers, type SearchResult, type SearchUsersQuery } from '../search/searchUsers.js';
import { isUserStatus, USER_STATUSES, type UserStatus } from '../statusMachine.js';
import { loadMemberships, readUserViews, type UserView } from '../userView.js';

/** A user the principal sees, or "not found" (a user out of its sight, or one that does not exist, alike). */
export async function getAccount(ctx: DomainContext, principal: Principal, id: string): Promise<UserView> {
  const [view] = await readUserViews(ctx, [id], userScopeFor(principal, 'user.read'));
  if (!view) throw notFound('user');
  return view;
}

/** A user's page in the administration: the user, its directory, and whether idbridge or an IdP manages it. */
export type AccountDetail = UserView & { managedBy: 'local' | 'idp'; directoryName: string };

export async function getAccountDetail(ctx: DomainContext, principal: Principal, id: string): Promise<AccountDetail> {
  const view = await getAccount(ctx, principal, id);
  const directory = await findDirectory(ctx, view.directoryId);
  return { ...view, managedBy: directory.kind === 'local' ? 'local' : 'idp', directoryName: directory.name };
}

/** A page of the users the principal sees that match `where` (SCIM lists and searches), filtered in SQL. */
export function searchAccounts(ctx: DomainContext, principal: Principal, query: Omit<SearchUsersQuery, 'scope' | 'table'>): Promise<SearchResult<UserView>> {
  return searchUsers(ctx, { ...query, scope: userScopeFor(principal, 'user.read') });
}

export const ADMIN_SORTS = ['givenName', 'familyName', 'userName', 'status', 'role', 'email', 'lastSignInAt', 'createdAt', 'updatedAt'] as const;
export type AdminSort = (typeof ADMIN_SORTS)[number];

export interface AdminUserQuery {
  /** 2 characters or more, found anywhere in the first or last name, display name, userName or email, ignoring case. */
  search?: string;
  /** Statuses to include; by default only ACTIVE users, as in the source products. 'all' for every status. */
  status?: UserStatus[] | 'all';
  role?: string;
  /** Organization slug. */
  organization?: string;
  sort?: AdminSort;
  descending?: boolean;
  page?: number;
  pageSize?: number;
}

export interface AdminUserList {
  total: number;
  page: number;
  pageSize: number;
  users: UserView[];
}

/** The user table plus what the administration list sorts by: the last sign-in and the highest role held. */
function adminTable(catalog: RoleCatalog): TableSpec {
  const ranks = (['utility', 'customer'] as const).flatMap((kind) => catalog.roles(kind).map((r) => `WHEN '${r.key.replace(/'/g, "''")}' THEN ${r.rank}`));
  return {
    ...USER_TABLE,
    fields: {
      ...USER_TABLE.fields,
      lastSignInAt: { column: 'users.last_sign_in_at', type: 'date', caseExact: true },
      role: { column: `(SELECT MIN(CASE m.role ${ranks.join(' ')} ELSE 99 END) FROM memberships m WHERE m.user_id = users.id)`, type: 'integer', caseExact: true },
    },
  };
}

const contains = (field: string, value: string): Condition => ({ test: { field, op: 'co', value, ignoreCase: true } });

/** The administration list: search, filters, sort on any column and paging, all in SQL, within what the principal sees. */
export async function listAccounts(ctx: DomainContext, principal: Principal, query: AdminUserQuery = {}): Promise<AdminUserList> {
  const conditions: Condition[] = [];
  const search = query.search?.trim() ?? '';
  if (search.length === 1) throw invalid('search.too_short', 'Type at least 2 characters to search.', 'search');
  if (search.length >= 2) {
    conditions.push({ any: ['givenName', 'familyName', 'displayName', 'userName', 'email'].map((field) => contains(field, search)) });
  }
  const statuses = query.status === 'all' ? [] : (query.status ?? ['ACTIVE']);
  for (const status of statuses) if (!isUserStatus(status)) throw invalid('user.status_unknown', `Unknown status "${String(status)}"; use one of ${USER_STATUSES.join(', ')}.`, 'status');
  if (statuses.length) conditions.push({ any: statuses.map((status) => ({ test: { field: 'status', op: 'eq', value: status } })) });
  const membership: Condition[] = [];
  if (query.role) membership.push({ test: { field: 'role', op: 'eq', value: query.role } });
  if (query.organization) membership.push({ test: { field: 'organization', op: 'eq', value: query.organization } });
  if (membership.length) conditions.push({ some: { collection: 'memberships', where: { all: membership } } });
  if (query.sort && !(ADMIN_SORTS as readonly string[]).includes(query.sort)) throw invalid('search.unsortable', `Sort by one of ${ADMIN_SORTS.join(', ')}.`, 'sort');
  const pageSize = Math.min(Math.max(query.pageSize ?? 50, 1), 500);
  const page = Math.max(query.page ?? 1, 1);
  const result = await searchUsers(ctx, {
    scope: userScopeFor(principal, 'user.read'),
    ...(conditions.length ? { where: { all: conditions } } : {}),
    ...(query.sort ? { sort: { field: query.sort, descending: query.descending === true } } : { sort: { field: 'familyName' } }),
    page: { startIndex: (page - 1) * pageSize + 1, count: pageSize },
    table: adminTable(ctx.catalog),
  });
  return { total: result.total, page, pageSize, users: result.items };
}

export interface AccountSummaryQuery {
  organizationId?: string;
  directoryId?: string;
  status?: UserStatus | UserStatus[];
  limit?: number;
  offset?: number;
}

export interface AccountSummary {
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

/** A page of the users the principal sees, newest first, with the total that match (the CLI's user list). */
export async function listAccountSummaries(ctx: DomainContext, principal: Principal, query: AccountSummaryQuery = {}): Promise<{ total: number; users: AccountSummary[] }> {
  const statuses = query.status === undefined ? undefined : [query.status].flat();
  for (const status of statuses ?? []) if (!isUserStatus(status)) throw invalid('user.status_unknown', `Unknown status "${String(status)}".`, 'status');
  const conditions: WhereOptions<User>[] = [scopeWhere(ctx, userScopeFor(principal, 'user.read'))];
  if (statuses) conditions.push({ status: statuses });
  if (query.directoryId) conditions.push({ directoryId: query.directoryId });
  if (query.organizationId) {
    conditions.push({ id: { [Op.in]: ctx.db.sequelize.literal(`(SELECT user_id FROM memberships WHERE organization_id = ${ctx.db.sequelize.escape(query.organizationId)})`) } });
  }
  const { rows, count } = await ctx.db.models.User.findAndCountAll({
    where: { [Op.and]: conditions } as WhereOptions<User>,
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
