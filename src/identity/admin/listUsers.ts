import type { RoleCatalog } from '../roleCatalog.js';
import type { DomainContext } from '../context.js';
import { invalid } from '../errors.js';
import type { TableSpec } from '../search/compile.js';
import type { Condition } from '../search/condition.js';
import { USER_TABLE } from '../search/fields.js';
import { searchUsers } from '../search/searchUsers.js';
import { isUserStatus, USER_STATUSES, type UserStatus } from '../statusMachine.js';
import type { UserView } from '../userView.js';
import { adminScope, type AdminPrincipal } from './principal.js';

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

/** The administration list: search, filters, sort on any column and paging, all in SQL, within what the administrator sees. */
export async function adminListUsers(ctx: DomainContext, principal: AdminPrincipal, query: AdminUserQuery = {}): Promise<AdminUserList> {
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
    scope: adminScope(principal),
    ...(conditions.length ? { where: { all: conditions } } : {}),
    ...(query.sort ? { sort: { field: query.sort, descending: query.descending === true } } : { sort: { field: 'familyName' } }),
    page: { startIndex: (page - 1) * pageSize + 1, count: pageSize },
    table: adminTable(ctx.catalog),
  });
  return { total: result.total, page, pageSize, users: result.items };
}
