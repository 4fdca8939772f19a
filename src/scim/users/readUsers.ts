import type { ScimRequestContext } from '../context.js';
import { USER_ATTRIBUTES } from '../filter/attributeMaps.js';
import { parseFilter } from '../filter/parseFilter.js';
import { filterToCondition, sortToSpec } from '../filter/toCondition.js';
import type { ListQuery } from '../listQuery.js';
import type { Projection } from '../mapping/projection.js';
import type { ScimJson } from '../mapping/userOut.js';
import { listResponse } from '../mapping/listResponse.js';
import { presentUser, presentUsers } from './presentUser.js';

/** GET /Users/{id}: a user of the token's scope, or 404 (ids of other directories or organizations included). */
export async function readUser(c: ScimRequestContext, id: string, projection: Projection): Promise<ScimJson> {
  return presentUser(c, await c.services.accounts.get(c.principal, id), projection);
}

/** GET /Users and POST /Users/.search: filtered, sorted and paged in SQL. Deactivated users are included. */
export async function listUsers(c: ScimRequestContext, query: ListQuery): Promise<ScimJson> {
  const where = query.filter !== undefined ? filterToCondition(parseFilter(query.filter, c.options.filterLimits), USER_ATTRIBUTES) : undefined;
  const sort = sortToSpec(query.sortBy, query.sortOrder, USER_ATTRIBUTES);
  const result = await c.services.accounts.search(c.principal, {
    ...(where ? { where } : {}),
    ...(sort ? { sort } : {}),
    page: { startIndex: query.startIndex, count: query.count },
  });
  return listResponse(result.total, query.startIndex, presentUsers(c, result.items, query.projection));
}
