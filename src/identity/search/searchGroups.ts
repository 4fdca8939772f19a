import { Op } from 'sequelize';
import type { Group } from '../../db/models/Group.js';
import { limitOffset } from '../../db/rows.js';
import type { DomainContext } from '../context.js';
import { presentGroup, type GroupView } from '../groups.js';
import { groupScopeFor } from '../policy/index.js';
import type { Principal } from '../principal.js';
import { compileCondition, compileOrder } from './compile.js';
import type { Condition, PageRequest, SortSpec } from './condition.js';
import { GROUP_TABLE } from './fields.js';
import type { SearchResult } from './searchUsers.js';

export interface SearchGroupsQuery {
  where?: Condition;
  sort?: SortSpec;
  page: PageRequest;
  /** Load each group's members (false when the caller excluded them). */
  members: boolean;
}

/** A page of the groups the principal sees that match `where`, filtered, sorted and paged in SQL (default order: creation time, then id). */
export async function searchGroups(ctx: DomainContext, principal: Principal, query: SearchGroupsQuery): Promise<SearchResult<GroupView>> {
  const scope = groupScopeFor(principal, 'group.read');
  const params: unknown[] = [];
  const where: string[] = [];
  if (scope.directoryId) {
    where.push('groups.directory_id = ?');
    params.push(scope.directoryId);
  }
  if (query.where) where.push(compileCondition(query.where, GROUP_TABLE, ctx.db.dialect, params).sql);
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const order = compileOrder(query.sort, GROUP_TABLE, ctx.db.dialect, 'groups.id ASC', 'groups.created_at ASC');
  const t = ctx.db.current();
  const [counted] = await ctx.db.rows<{ n: number | string }>(`SELECT COUNT(*) AS n FROM groups${whereSql}`, params);
  const total = Number(counted?.n ?? 0);
  const { startIndex, count } = query.page;
  if (count <= 0 || startIndex > total) return { total, items: [] };
  const idRows = await ctx.db.rows<{ id: string }>(`SELECT groups.id FROM groups${whereSql} ORDER BY ${order} ${limitOffset(count)}`, [...params, startIndex - 1]);
  const ids = idRows.map((r) => r.id);
  if (ids.length === 0) return { total, items: [] };
  const rows = await ctx.db.models.Group.findAll({ where: { id: { [Op.in]: ids } }, transaction: t });
  const byId = new Map(rows.map((g) => [g.id, g]));
  const ordered = ids.map((id) => byId.get(id)).filter((g): g is Group => g !== undefined);
  const items: GroupView[] = [];
  for (const group of ordered) items.push(await presentGroup(ctx, group, { members: query.members }));
  return { total, items };
}
