import { groupsOfUsers } from '../../identity/search/searchGroups.js';
import type { UserView } from '../../identity/userView.js';
import type { ScimRequestContext } from '../context.js';
import { project, type Projection } from '../mapping/projection.js';
import { toScimUser, type ScimJson } from '../mapping/userOut.js';
import { CORE_USER_SCHEMA } from '../schemas.js';

/** SCIM representations of users (with their groups, loaded in one query), projected as the request asks. */
export async function presentUsers(c: ScimRequestContext, views: readonly UserView[], projection: Projection = {}): Promise<ScimJson[]> {
  const groups = await groupsOfUsers(c.domain, views.map((v) => v.id));
  return views.map((view) =>
    project(toScimUser(view, { baseUrl: c.baseUrl, organizationId: c.client.organizationId, groups: groups.get(view.id) ?? [] }), projection, CORE_USER_SCHEMA),
  );
}

export async function presentUser(c: ScimRequestContext, view: UserView, projection: Projection = {}): Promise<ScimJson> {
  return (await presentUsers(c, [view], projection))[0]!;
}
