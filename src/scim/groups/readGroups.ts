import type { ScimRequestContext } from '../context.js';
import { GROUP_ATTRIBUTES } from '../filter/attributeMaps.js';
import { parseFilter } from '../filter/parseFilter.js';
import { filterToCondition, sortToSpec } from '../filter/toCondition.js';
import type { ListQuery } from '../listQuery.js';
import { toScimGroup } from '../mapping/groupOut.js';
import { listResponse } from '../mapping/listResponse.js';
import { keeps, project, type Projection } from '../mapping/projection.js';
import type { ScimJson } from '../mapping/userOut.js';
import { CORE_GROUP_SCHEMA } from '../schemas.js';

/** GET /Groups/{id}; with excludedAttributes=members the members are not even loaded. */
export async function readGroup(c: ScimRequestContext, id: string, projection: Projection): Promise<ScimJson> {
  const view = await c.services.groups.get(c.principal, id, { members: keeps(projection, 'members', CORE_GROUP_SCHEMA) });
  return project(toScimGroup(view, c.baseUrl), projection, CORE_GROUP_SCHEMA);
}

/** GET /Groups and POST /Groups/.search, filtered, sorted and paged in SQL. */
export async function listGroups(c: ScimRequestContext, query: ListQuery): Promise<ScimJson> {
  const where = query.filter !== undefined ? filterToCondition(parseFilter(query.filter, c.options.filterLimits), GROUP_ATTRIBUTES) : undefined;
  const sort = sortToSpec(query.sortBy, query.sortOrder, GROUP_ATTRIBUTES);
  const result = await c.services.groups.search(c.principal, {
    ...(where ? { where } : {}),
    ...(sort ? { sort } : {}),
    page: { startIndex: query.startIndex, count: query.count },
    members: keeps(query.projection, 'members', CORE_GROUP_SCHEMA),
  });
  return listResponse(result.total, query.startIndex, result.items.map((g) => project(toScimGroup(g, c.baseUrl), query.projection, CORE_GROUP_SCHEMA)));
}
