import { Op } from 'sequelize';
import type { User } from '../../db/models/User.js';
import type { DomainContext } from '../context.js';
import type { UserScope } from '../scope.js';
import { loadMemberships, presentUser, type UserView } from '../userView.js';
import { compileCondition, compileOrder, type TableSpec } from './compile.js';
import type { Condition, PageRequest, SortSpec } from './condition.js';
import { USER_TABLE } from './fields.js';

export interface SearchUsersQuery {
  scope?: UserScope;
  where?: Condition;
  sort?: SortSpec;
  page: PageRequest;
  /** The fields that may be searched and sorted: the user table unless a caller adds its own (the admin list). */
  table?: TableSpec;
}

export interface SearchResult<T> {
  /** How many match, whatever the page. */
  total: number;
  items: T[];
}

/** The WHERE clause of a scope, as SQL (the directory, and the organizations a limited caller sees). */
export function scopeSql(scope: UserScope, params: unknown[]): string[] {
  const parts: string[] = [];
  if (scope.directoryId) {
    parts.push('users.directory_id = ?');
    params.push(scope.directoryId);
  }
  if (scope.organizationIds) {
    if (scope.organizationIds.length === 0) return ['(1=0)'];
    parts.push(`users.id IN (SELECT sm.user_id FROM memberships sm WHERE sm.organization_id IN (${scope.organizationIds.map(() => '?').join(', ')}))`);
    params.push(...scope.organizationIds);
  }
  return parts;
}

/** Full views of several users, in the order given: three queries whatever their number. */
export async function viewUsers(ctx: DomainContext, users: readonly User[]): Promise<UserView[]> {
  if (users.length === 0) return [];
  const ids = users.map((u) => u.id);
  const t = ctx.db.current();
  const [emails, phones, memberships] = await Promise.all([
    ctx.db.models.UserEmail.findAll({ where: { userId: { [Op.in]: ids } }, transaction: t }),
    ctx.db.models.UserPhoneNumber.findAll({ where: { userId: { [Op.in]: ids } }, transaction: t }),
    loadMemberships(ctx, ids),
  ]);
  const group = <T extends { userId: string }>(rows: T[]) => {
    const map = new Map<string, T[]>();
    for (const row of rows) map.set(row.userId, [...(map.get(row.userId) ?? []), row]);
    return map;
  };
  const emailsOf = group(emails);
  const phonesOf = group(phones);
  return users.map((u) => presentUser(u, emailsOf.get(u.id) ?? [], phonesOf.get(u.id) ?? [], memberships.get(u.id) ?? []));
}

/**
 * A page of the users in `scope` that match `where`, sorted, with the total. Filtering, sorting and paging happen in
 * SQL: one COUNT, one query for the page's ids, then the page's users and their lists. Ties (and the default order,
 * creation time) are broken by id, so pages never overlap or skip.
 */
export async function searchUsers(ctx: DomainContext, query: SearchUsersQuery): Promise<SearchResult<UserView>> {
  const table = query.table ?? USER_TABLE;
  const params: unknown[] = [];
  const where = scopeSql(query.scope ?? {}, params);
  if (query.where) where.push(compileCondition(query.where, table, ctx.db.dialect, params).sql);
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const order = compileOrder(query.sort, table, 'users.id ASC', 'users.created_at ASC');
  const t = ctx.db.current();
  const [counted] = (await ctx.db.sequelize.query(`SELECT COUNT(*) AS n FROM users${whereSql}`, { replacements: params, transaction: t, raw: true })) as [Array<{ n: number | string }>, unknown];
  const total = Number(counted[0]?.n ?? 0);
  const { startIndex, count } = query.page;
  if (count <= 0 || startIndex > total) return { total, items: [] };
  const [idRows] = (await ctx.db.sequelize.query(`SELECT users.id FROM users${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`, {
    replacements: [...params, count, startIndex - 1],
    transaction: t,
    raw: true,
  })) as [Array<{ id: string }>, unknown];
  const ids = idRows.map((r) => r.id);
  if (ids.length === 0) return { total, items: [] };
  const rows = await ctx.db.models.User.findAll({ where: { id: { [Op.in]: ids } }, transaction: t });
  const byId = new Map(rows.map((u) => [u.id, u]));
  const ordered = ids.map((id) => byId.get(id)).filter((u): u is User => u !== undefined);
  return { total, items: await viewUsers(ctx, ordered) };
}
