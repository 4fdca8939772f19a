import { limitOffset } from '../../db/rows.js';
import type { DomainContext } from '../context.js';
import { scopeSql, type UserScope } from '../scope.js';
import { selectUserViews, type UserView } from '../userView.js';
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

/**
 * A page of the users in `scope` that match `where`, sorted, with the total. Filtering, sorting and paging happen in
 * SQL: one query for the page's users with their lists, and a count unless the page shows that nothing else
 * matches. Ties (and the default order, creation time) are broken by id, so pages never overlap or skip.
 */
export async function searchUsers(ctx: DomainContext, query: SearchUsersQuery): Promise<SearchResult<UserView>> {
  const table = query.table ?? USER_TABLE;
  const params: unknown[] = [];
  const where = scopeSql(query.scope ?? {}, params);
  if (query.where) where.push(compileCondition(query.where, table, ctx.db.dialect, params).sql);
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const order = compileOrder(query.sort, table, ctx.db.dialect, 'users.id ASC', 'users.created_at ASC');
  const { startIndex, count } = query.page;
  const countAll = async () => {
    const directoryId = query.scope?.directoryId;
    if (directoryId && !query.scope?.organizationIds && !query.where) {
      // A whole directory: the count its triggers keep (migration count-directory-users), not a scan of the directory.
      const [kept] = await ctx.db.rows<{ n: number | string }>('SELECT users AS n FROM directory_user_counts WHERE directory_id = ?', [directoryId]);
      return Number(kept?.n ?? 0);
    }
    return Number((await ctx.db.rows<{ n: number | string }>(`SELECT COUNT(*) AS n FROM users${whereSql}`, params))[0]?.n ?? 0);
  };
  if (count <= 0) return { total: await countAll(), items: [] };
  const page = [...params, startIndex - 1];
  // A first page in the default order (every lookup) is one plain query. Any other page's ids are chosen first, in a
  // query of their own: PostgreSQL computes the whole select list (the children's subqueries) of every row an OFFSET
  // skips, and a page chosen by a subquery in the same statement (users.id IN (… LIMIT … OFFSET …)) may be run again
  // for every candidate row (seconds at a startIndex past the end, on a directory of a thousand users).
  let users: UserView[];
  if (startIndex === 1 && !query.sort) users = await selectUserViews(ctx, `${whereSql} ORDER BY ${order} ${limitOffset(count)}`, page);
  else {
    const ids = (await ctx.db.rows<{ id: string }>(`SELECT users.id FROM users${whereSql} ORDER BY ${order} ${limitOffset(count)}`, page)).map((row) => row.id);
    const found = ids.length === 0 ? [] : await selectUserViews(ctx, ` WHERE users.id IN (${ids.map(() => '?').join(', ')})`, ids);
    const byId = new Map(found.map((user) => [user.id, user]));
    users = ids.map((id) => byId.get(id)).filter((user): user is UserView => user !== undefined);
  }
  // A first page that is not full holds every match: no COUNT needed (the usual case of a lookup by userName).
  const total = startIndex === 1 && users.length < count ? users.length : await countAll();
  return { total, items: users };
}
