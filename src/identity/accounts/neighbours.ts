import type { DomainContext } from '../context.js';
import { notFound } from '../errors.js';
import { userScopeFor } from '../policy/index.js';
import type { Principal } from '../principal.js';
import { scopeSql } from '../scope.js';
import { compileCondition, orderTerm, type OrderTerm } from '../search/compile.js';
import { planAdminList, type AdminUserQuery } from './read.js';

/** A user next to another in a list: enough to name it in a link. */
export interface NeighbourView {
  id: string;
  userName: string;
  displayName: string | null;
  name: { givenName: string | null; familyName: string | null };
  /** The page of the list (at the query's page size) that shows this user. */
  page: number;
}

export interface ListNeighbours {
  previous: NeighbourView | null;
  next: NeighbourView | null;
  /** Whether the user itself matches the list (it may have left it since: a locked user in a list of active ones). */
  inList: boolean;
  /** The user's place in the list, 1-based (where it would be, when it is not in the list), and the list's length. */
  position: number;
  total: number;
  /** The page of the list that shows the user (or would). */
  page: number;
}

interface NeighbourRow {
  id: string;
  user_name: string;
  display_name: string | null;
  given_name: string | null;
  family_name: string | null;
}

function neighbourOf(row: NeighbourRow | undefined, position: number, pageSize: number): NeighbourView | null {
  if (!row) return null;
  return { id: row.id, userName: row.user_name, displayName: row.display_name, name: { givenName: row.given_name, familyName: row.family_name }, page: Math.ceil(position / pageSize) };
}

/**
 * The rows of the list (`k`) before, or after, the target user (`t`) in the list's order: missing values last, then
 * the sort key in its direction, then the id (the list's tie-breaker), exactly as compileOrder sorts.
 */
function sideOf(term: OrderTerm, before: boolean): string {
  const byId = `k.id ${before ? '<' : '>'} t.id`;
  const byKey = `(k.sort_key ${before !== term.descending ? '<' : '>'} t.sort_key OR (k.sort_key = t.sort_key AND ${byId}))`;
  if (!term.missing) return byKey;
  return `(k.missing ${before ? '<' : '>'} t.missing OR (k.missing = t.missing AND ((t.missing = 1 AND ${byId}) OR (t.missing = 0 AND ${byKey}))))`;
}

/**
 * The users before and after `userId` in the administration list that `query` describes (its search, filters and sort,
 * within what the principal sees), whatever page they are on: the user page's previous and next. One statement: the
 * list's sort keys computed once (materialized CTEs, the user's own and the list's: a key such as the role is a
 * subquery per user, and SQLite would otherwise compute it again for every comparison), then the nearest row on each
 * side of the user's key and how many come before it, so that nothing numbers or sorts the whole list (about the
 * cost of the list's own page query, on SQLite and PostgreSQL alike, for 10,000 users). The user need not match the list any more (a user just locked, in a list of active ones): its neighbours are
 * then the users around its place.
 */
export async function findListNeighbours(ctx: DomainContext, principal: Principal, query: AdminUserQuery, userId: string): Promise<ListNeighbours> {
  const plan = planAdminList(ctx, query);
  const dialect = ctx.db.dialect;
  const term = orderTerm(plan.sort, plan.table, dialect);
  const direction = (reversed: boolean) => (term.descending !== reversed ? 'DESC' : 'ASC');
  const scopeParams: unknown[] = [];
  const scope = scopeSql(userScopeFor(principal, 'user.read'), scopeParams);
  const conditionParams: unknown[] = [];
  const list = [...scope, ...(plan.where ? [compileCondition(plan.where, plan.table, dialect, conditionParams).sql] : [])];
  const keys = `users.id AS id, ${term.missing ?? '0'} AS missing, ${term.expr} AS sort_key`;
  const sql = `WITH t AS MATERIALIZED (SELECT ${keys} FROM users WHERE ${[...scope, 'users.id = ?'].join(' AND ')}),
keyed AS MATERIALIZED (SELECT ${keys} FROM users${list.length ? ` WHERE ${list.join(' AND ')}` : ''})
SELECT (SELECT k.id FROM keyed k, t WHERE ${sideOf(term, true)} ORDER BY k.missing DESC, k.sort_key ${direction(true)}, k.id DESC LIMIT 1) AS previous_id,
  (SELECT k.id FROM keyed k, t WHERE ${sideOf(term, false)} ORDER BY k.missing ASC, k.sort_key ${direction(false)}, k.id ASC LIMIT 1) AS next_id,
  (SELECT COUNT(*) FROM keyed k, t WHERE ${sideOf(term, true)}) AS before_count,
  (SELECT COUNT(*) FROM keyed) AS total,
  (SELECT COUNT(*) FROM keyed k WHERE k.id = t.id) AS matches
FROM t`;
  const [row] = await ctx.db.rows<{ previous_id: string | null; next_id: string | null; before_count: number | string; total: number | string; matches: number | string }>(sql, [...scopeParams, userId, ...scopeParams, ...conditionParams]);
  if (!row) throw notFound('user');
  const ids = [row.previous_id, row.next_id].filter((id): id is string => id !== null).map(String);
  const found = ids.length ? await ctx.db.rows<NeighbourRow>(`SELECT id, user_name, display_name, given_name, family_name FROM users WHERE id IN (${ids.map(() => '?').join(', ')})`, ids) : [];
  const byId = new Map(found.map((user) => [String(user.id), user]));
  const position = Number(row.before_count) + 1;
  const inList = Number(row.matches) === 1;
  const { pageSize } = plan;
  return {
    previous: row.previous_id === null ? null : neighbourOf(byId.get(String(row.previous_id)), position - 1, pageSize),
    // The user itself comes before its next only when it is in the list.
    next: row.next_id === null ? null : neighbourOf(byId.get(String(row.next_id)), inList ? position + 1 : position, pageSize),
    inList,
    position,
    total: Number(row.total),
    page: Math.ceil(position / pageSize),
  };
}
