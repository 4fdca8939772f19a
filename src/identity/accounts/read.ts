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
import type { Condition, SortSpec } from '../search/condition.js';
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
  /**
   * Statuses to include (LOCKED: both locked statuses), or 'all'. Not given: only ACTIVE users when nothing is searched
   * (the utility product's default list), every status when something is (a search covers the whole table, as in all
   * three source products).
   */
  status?: StatusChoice[] | 'all';
  role?: string;
  /** Organization slug. */
  organization?: string;
  sort?: AdminSort;
  descending?: boolean;
  page?: number;
  pageSize?: number;
}

/** A status to filter on: one status, or LOCKED for both locked ones (auto-locked and locked by an administrator). */
export type StatusChoice = UserStatus | 'LOCKED';
export const STATUS_CHOICES: Readonly<Record<'LOCKED', readonly UserStatus[]>> = { LOCKED: ['AUTO_LOCKED', 'LOCKED_BY_ADMIN'] };

export function isStatusChoice(value: string): value is StatusChoice {
  return value === 'LOCKED' || isUserStatus(value);
}

/** The statuses a list query covers; empty for every status. */
export function statusesOf(query: Pick<AdminUserQuery, 'status' | 'search'>): UserStatus[] {
  if (query.status === 'all') return [];
  if (query.status === undefined || query.status.length === 0) return (query.search?.trim() ?? '').length >= 2 ? [] : ['ACTIVE'];
  const statuses = new Set<UserStatus>();
  for (const choice of query.status) {
    if (!isStatusChoice(String(choice))) throw invalid('user.status_unknown', `Unknown status "${String(choice)}"; use one of ${USER_STATUSES.join(', ')}, LOCKED (both locked statuses) or all.`, 'status');
    for (const status of choice === 'LOCKED' ? STATUS_CHOICES.LOCKED : [choice]) statuses.add(status);
  }
  return [...statuses];
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

/** A list query in the search module's terms: its condition, its order, its table and its page. */
export interface AdminListPlan {
  where?: Condition;
  sort: SortSpec;
  table: TableSpec;
  page: number;
  pageSize: number;
}

/** Checks a list query and turns it into a plan; the list and the user page's previous/next read the same plan. */
export function planAdminList(ctx: DomainContext, query: AdminUserQuery): AdminListPlan {
  const conditions: Condition[] = [];
  const search = query.search?.trim() ?? '';
  if (search.length === 1) throw invalid('search.too_short', 'Type at least 2 characters to search.', 'search');
  if (search.length >= 2) {
    conditions.push({ any: ['givenName', 'familyName', 'displayName', 'userName', 'email'].map((field) => contains(field, search)) });
  }
  const statuses = statusesOf(query);
  if (statuses.length) conditions.push({ any: statuses.map((status) => ({ test: { field: 'status', op: 'eq', value: status } })) });
  const membership: Condition[] = [];
  if (query.role) membership.push({ test: { field: 'role', op: 'eq', value: query.role } });
  if (query.organization) membership.push({ test: { field: 'organization', op: 'eq', value: query.organization } });
  if (membership.length) conditions.push({ some: { collection: 'memberships', where: { all: membership } } });
  if (query.sort && !(ADMIN_SORTS as readonly string[]).includes(query.sort)) throw invalid('search.unsortable', `Sort by one of ${ADMIN_SORTS.join(', ')}.`, 'sort');
  return {
    ...(conditions.length ? { where: { all: conditions } } : {}),
    sort: query.sort ? { field: query.sort, descending: query.descending === true } : { field: 'familyName' },
    table: adminTable(ctx.catalog),
    page: Math.max(query.page ?? 1, 1),
    pageSize: Math.min(Math.max(query.pageSize ?? 50, 1), 500),
  };
}

/** The administration list: search, filters, sort on any column and paging, all in SQL, within what the principal sees. */
export async function listAccounts(ctx: DomainContext, principal: Principal, query: AdminUserQuery = {}): Promise<AdminUserList> {
  const plan = planAdminList(ctx, query);
  const result = await searchUsers(ctx, {
    scope: userScopeFor(principal, 'user.read'),
    ...(plan.where ? { where: plan.where } : {}),
    sort: plan.sort,
    page: { startIndex: (plan.page - 1) * plan.pageSize + 1, count: plan.pageSize },
    table: plan.table,
  });
  return { total: result.total, page: plan.page, pageSize: plan.pageSize, users: result.items };
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
