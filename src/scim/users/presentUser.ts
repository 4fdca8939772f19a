import type { UserView } from '../../identity/userView.js';
import type { ScimRequestContext } from '../context.js';
import { project, type Projection } from '../mapping/projection.js';
import { toScimUser, type ScimJson } from '../mapping/userOut.js';
import { CORE_USER_SCHEMA } from '../schemas.js';

/** SCIM representations of users (their groups included), projected as the request asks. */
export function presentUsers(c: ScimRequestContext, views: readonly UserView[], projection: Projection = {}): ScimJson[] {
  return views.map((view) => presentUser(c, view, projection));
}

export function presentUser(c: ScimRequestContext, view: UserView, projection: Projection = {}): ScimJson {
  return project(toScimUser(view, { baseUrl: c.baseUrl, organizationId: c.principal.organizationId, groups: view.groups }), projection, CORE_USER_SCHEMA);
}
